using System.Buffers.Binary;

namespace Dagger.Orleans.Operators.Net;

/// <summary>
/// The rtl_tcp wire protocol (osmocom rtl-sdr's <c>rtl_tcp</c>): on connecting, the server sends a 12-byte header —
/// <c>RTL0</c>, the tuner type and the number of gain steps, both 32-bit big-endian — and then unsigned 8-bit I, Q
/// samples without end; the client tunes with 5-byte commands: a command byte and a 32-bit big-endian parameter.
/// </summary>
public static class RtlTcpProtocol
{
    public const int HeaderBytes = 12;
    public const int CommandBytes = 5;

    public const byte SetFrequency = 0x01, SetSampleRate = 0x02, SetGainMode = 0x03, SetGain = 0x04, SetFrequencyCorrection = 0x05, SetAgcMode = 0x08;

    public static ReadOnlySpan<byte> Magic => "RTL0"u8;

    public static byte[] Command(byte command, uint parameter)
    {
        var bytes = new byte[CommandBytes];
        bytes[0] = command;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1), parameter);
        return bytes;
    }

    /// <summary>Reads a header: the tuner type and gain count; throws naming what came instead of <c>RTL0</c>.</summary>
    public static (uint Tuner, uint Gains) ReadHeader(ReadOnlySpan<byte> header)
    {
        if (header.Length < HeaderBytes || !header[..4].SequenceEqual(Magic))
            throw new InvalidDataException($"the peer is not an rtl_tcp server: its first bytes are {Convert.ToHexString(header[..Math.Min(header.Length, HeaderBytes)])}, not the 12-byte header starting RTL0 (52544C30)");
        return (BinaryPrimitives.ReadUInt32BigEndian(header[4..]), BinaryPrimitives.ReadUInt32BigEndian(header[8..]));
    }
}
