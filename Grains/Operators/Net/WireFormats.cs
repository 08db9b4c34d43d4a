namespace Dagger.Orleans.Operators.Net;

/// <summary>
/// The byte formats network operators read and write. Raw samples, little-endian, no framing: <c>f32</c> (float32
/// scalars), <c>i16</c> (int16 scalars, value / 32768 as float32), <c>cf32</c> (complex float32 re, im) and <c>cu8</c>
/// (complex unsigned bytes I, Q as RTL-SDR sends them, (b − 127.5) / 127.5), the complex ones as elements of
/// <c>width</c> samples. <c>frames</c>: a 4-byte big-endian byte count, then that many bytes of float32 values: one
/// float32 vector element per frame. <c>lines</c>: newline-terminated text, one record per line (key = line number
/// from 0, value = the line as a number or NaN, label = the line). Mode S: <c>avr</c> (AVR raw text, <c>*8D…;</c>)
/// and <c>beast</c> (the Beast binary form), one record per frame as <c>modes_detect</c> emits them.
/// </summary>
public static class WireFormats
{
    public const string F32 = "f32", I16 = "i16", Cf32 = "cf32", Cu8 = "cu8", Frames = "frames", Lines = "lines", Avr = "avr", Beast = "beast";

    /// <summary>Every format a TCP source or sink speaks.</summary>
    public static readonly string[] Stream = [F32, Cf32, Cu8, I16, Frames, Lines, Avr, Beast];

    /// <summary>The formats a datagram carries: raw samples, whole samples per datagram.</summary>
    public static readonly string[] Datagram = [F32, Cf32, Cu8, I16];

    /// <summary>Bytes of one sample of a raw sample format (a datagram holds whole samples); 1 for the others.</summary>
    public static int SampleBytes(string format) => format switch
    {
        F32 => 4,
        I16 => 2,
        Cf32 => 8,
        Cu8 => 2,
        _ => 1,
    };
}
