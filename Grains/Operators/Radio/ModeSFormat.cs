namespace Dagger.Orleans.Operators.Radio;

/// <summary>What a frame's downlink format (its first 5 bits) says about it.</summary>
public static class ModeSFormat
{
    public const int ShortBits = 56;
    public const int LongBits = 112;

    /// <summary>The downlink format: the first 5 bits (24 and above all mean DF 24, Comm-D, whose first two bits are 11).</summary>
    public static int DownlinkFormat(byte first) => Math.Min(first >> 3, 24);

    /// <summary>Frame length in bits: DF 16–21 and 24 are 112-bit frames, the others 56.</summary>
    public static int Bits(int downlinkFormat) => downlinkFormat is >= 16 and <= 21 or 24 ? LongBits : ShortBits;

    /// <summary>DF 11 (all-call reply), 17 (extended squitter), 18 (non-transponder squitter): the address travels in
    /// bits 9–32 and the parity is the plain CRC.</summary>
    public static bool HasAddressInClear(int downlinkFormat) => downlinkFormat is 11 or 17 or 18;

    /// <summary>DF 0, 4, 5, 16, 20, 21: replies whose parity is the CRC XOR the aircraft's address.</summary>
    public static bool HasAddressParity(int downlinkFormat) => downlinkFormat is 0 or 4 or 5 or 16 or 20 or 21;

    /// <summary>
    /// A DF 11 all-call reply to a ground interrogator carries the CRC XOR that interrogator's code in its parity, so its
    /// syndrome is the code. dump1090 takes syndromes below 80 as such a code when the address is known; so do we.
    /// </summary>
    public const int InterrogatorCodeLimit = 80;

    /// <summary>The address a DF 11/17/18 frame carries in clear (bits 9–32).</summary>
    public static int AddressInClear(ReadOnlySpan<byte> frame) => frame[1] << 16 | frame[2] << 8 | frame[3];
}
