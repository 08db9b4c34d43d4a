namespace Dagger.Orleans.Operators.Radio;

/// <summary>
/// Where a tracked field last came from and when (capture time, seconds). dump1090's rule: a field takes a new value
/// from a source at least as good as the one it holds, or from any source once the value is 60 s old (stale); a
/// value 70 s old has expired and the field is unknown again.
/// </summary>
public struct FieldValidity
{
    public const double StaleAfter = 60, ExpiresAfter = 70;

    public MessageSource Source;
    public double Updated;

    public readonly bool IsValid => Source != MessageSource.None;

    /// <summary>Takes an update from <paramref name="source"/> at <paramref name="now"/> when the rule allows; says whether it did.</summary>
    public bool Accept(MessageSource source, double now)
    {
        if (source < Source && now < Updated + StaleAfter) return false;
        (Source, Updated) = (source, now);
        return true;
    }

    /// <summary>Valid and no older than <paramref name="maxAge"/> seconds.</summary>
    public readonly bool IsFresh(double now, double maxAge) => IsValid && now - Updated <= maxAge;

    public void Expire(double now)
    {
        if (IsValid && now >= Updated + ExpiresAfter) Source = MessageSource.None;
    }

    /// <summary>Data combined from two: the worse source, the later time.</summary>
    public static FieldValidity Combine(FieldValidity a, FieldValidity b) =>
        !a.IsValid ? b : !b.IsValid ? a : new FieldValidity { Source = a.Source < b.Source ? a.Source : b.Source, Updated = Math.Max(a.Updated, b.Updated) };
}
