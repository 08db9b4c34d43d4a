namespace Dagger.Orleans.Operators.Radio;

/// <summary>
/// Mode S parity: a CRC-24 with generator polynomial 0xFFF409 (x²⁴ + x²³ + … + x³ + 1, the top bit implied),
/// most significant bit first, initial value 0, over every bit of a frame but its last 24, which hold the parity.
/// </summary>
public static class ModeSCrc
{
    public const int Generator = 0xFFF409;

    private static readonly int[] ByteTable = BuildByteTable();

    /// <summary>The CRC-24 of <paramref name="data"/>.</summary>
    public static int Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0;
        foreach (var b in data) crc = ((crc << 8) ^ ByteTable[((crc >> 16) ^ b) & 0xFF]) & 0xFFFFFF;
        return crc;
    }

    /// <summary>
    /// The CRC of a frame's data bits XOR its 24-bit parity field. 0 for an intact frame whose parity is the plain CRC
    /// (DF 11, 17, 18); for the address/parity formats (DF 0, 4, 5, 16, 20, 21) the aircraft's address, which the
    /// transmitter XORs into the parity.
    /// </summary>
    public static int Syndrome(ReadOnlySpan<byte> frame)
    {
        var n = frame.Length;
        return Compute(frame[..(n - 3)]) ^ (frame[n - 3] << 16 | frame[n - 2] << 8 | frame[n - 1]);
    }

    private static int[] BuildByteTable()
    {
        var table = new int[256];
        for (var i = 0; i < 256; i++)
        {
            var c = i << 16;
            for (var bit = 0; bit < 8; bit++) c = (c & 0x800000) != 0 ? (c << 1) ^ Generator : c << 1;
            table[i] = c & 0xFFFFFF;
        }
        return table;
    }
}
