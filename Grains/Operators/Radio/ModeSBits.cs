namespace Dagger.Orleans.Operators.Radio;

/// <summary>
/// Fields of a Mode S frame by bit number, counted from 1 at the frame's first bit, as ICAO Annex 10 and the public
/// ADS-B descriptions number them (an extended squitter's ME field is frame bits 33–88, so ME bit n is frame bit n + 32).
/// </summary>
public static class ModeSBits
{
    /// <summary>Bits <paramref name="first"/> to <paramref name="last"/> (inclusive, at most 31) as an unsigned number, the first bit most significant.</summary>
    public static int Get(ReadOnlySpan<byte> frame, int first, int last)
    {
        var value = 0;
        for (var bit = first - 1; bit < last; bit++) value = value << 1 | (frame[bit >> 3] >> (7 - (bit & 7)) & 1);
        return value;
    }

    public static bool Bit(ReadOnlySpan<byte> frame, int bit) => (frame[(bit - 1) >> 3] >> (7 - ((bit - 1) & 7)) & 1) == 1;
}
