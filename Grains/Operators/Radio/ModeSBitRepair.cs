namespace Dagger.Orleans.Operators.Radio;

/// <summary>
/// Single-bit error repair. The CRC is linear, so the syndrome of a frame with one flipped bit is the syndrome of
/// that bit alone, whatever the rest of the frame holds: a table from syndrome to bit position finds the bit.
/// The first 5 bits (the downlink format) are never repaired, as dump1090 does not: a wrong format would also
/// mean a wrong length.
/// </summary>
public static class ModeSBitRepair
{
    public const int FirstRepairableBit = 5;

    private static readonly Dictionary<int, int> ShortTable = Build(ModeSFormat.ShortBits);
    private static readonly Dictionary<int, int> LongTable = Build(ModeSFormat.LongBits);

    /// <summary>
    /// Flips the one bit (if any) whose error explains <paramref name="frame"/>'s non-zero syndrome; returns the bit's
    /// position, or -1 when no single-bit error gives that syndrome (the frame is left as it was).
    /// </summary>
    public static int TryRepair(Span<byte> frame, int syndrome)
    {
        var table = frame.Length * 8 == ModeSFormat.LongBits ? LongTable : ShortTable;
        if (syndrome == 0 || !table.TryGetValue(syndrome, out var bit)) return -1;
        frame[bit >> 3] ^= (byte)(0x80 >> (bit & 7));
        return bit;
    }

    private static Dictionary<int, int> Build(int bits)
    {
        var table = new Dictionary<int, int>(bits);
        Span<byte> frame = stackalloc byte[bits / 8];
        for (var bit = FirstRepairableBit; bit < bits; bit++)
        {
            frame.Clear();
            frame[bit >> 3] = (byte)(0x80 >> (bit & 7));
            // A 24-bit CRC over at most 112 bits has a distinct syndrome for every single bit.
            table.Add(ModeSCrc.Syndrome(frame), bit);
        }
        return table;
    }
}
