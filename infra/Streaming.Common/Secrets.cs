namespace Dagger.Orleans.Streaming;

/// <summary>How credentials appear in logs, errors and options' ToString: whether one is set, never its value.</summary>
internal static class Secrets
{
    public const string Redacted = "***";

    public static string Describe(string? secret) => string.IsNullOrEmpty(secret) ? "(not set)" : Redacted;

    /// <summary>A server address with any user info ("user:password@") replaced, for messages.</summary>
    public static string RedactUrl(string? url)
    {
        if (string.IsNullOrEmpty(url)) return "(not set)";
        var at = url.IndexOf('@');
        if (at < 0) return url;
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
        return string.Concat(url.AsSpan(0, start), Redacted, url.AsSpan(at));
    }
}
