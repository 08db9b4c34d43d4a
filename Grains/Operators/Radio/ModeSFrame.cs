using System.Globalization;

namespace Dagger.Orleans.Operators.Radio;

/// <summary>
/// A decoded Mode S frame: <paramref name="Offset"/> is the absolute sample index of its preamble's first sample,
/// <paramref name="Hex"/> its 56 or 112 bits as 14 or 28 upper-case hex digits, <paramref name="BitsRepaired"/> 0 or 1.
/// </summary>
public readonly record struct ModeSFrame(long Offset, string Hex, int BitsRepaired)
{
    public int DownlinkFormat => ModeSFormat.DownlinkFormat(byte.Parse(Hex.AsSpan(0, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
}
