using System.Text;
using Orleans.Runtime;

namespace Dagger.Orleans.Streaming;

/// <summary>
/// Maps arbitrary names (provider names, stream namespaces and keys) onto tokens every broker accepts in a subject,
/// topic level, stream or consumer name. Letters, digits, '-' and '_' stay; every other UTF-8 byte becomes "~HH"
/// (so '.', '*', '&gt;', '/', '+', '#', spaces and '~' itself never reach the broker raw). The mapping is
/// one-to-one, and a token is never empty: null is "~" and the empty string is "~~".
/// </summary>
internal static class BrokerNames
{
    public const string NullToken = "~";
    public const string EmptyToken = "~~";

    public static string Escape(string? value) => value switch
    {
        null => NullToken,
        "" => EmptyToken,
        _ => IsPlain(value) ? value : Escape(Encoding.UTF8.GetBytes(value)),
    };

    public static string Escape(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty) return EmptyToken;
        var builder = new StringBuilder(utf8.Length + 8);
        Append(builder, utf8);
        return builder.ToString();
    }

    /// <summary>"{namespace}.{key}" with both parts escaped (the namespace may be null), separated by <paramref name="separator"/>.</summary>
    public static string StreamTokens(StreamId streamId, char separator)
    {
        var builder = new StringBuilder(streamId.Namespace.Length + streamId.Key.Length + 8);
        if (streamId.Namespace.IsEmpty) builder.Append(NullToken);
        else Append(builder, streamId.Namespace.Span);
        builder.Append(separator);
        if (streamId.Key.IsEmpty) builder.Append(EmptyToken);
        else Append(builder, streamId.Key.Span);
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, ReadOnlySpan<byte> utf8)
    {
        foreach (var b in utf8)
        {
            if (IsPlain((char)b) && b < 0x80) builder.Append((char)b);
            else builder.Append('~').Append(HexDigit(b >> 4)).Append(HexDigit(b & 0xF));
        }
    }

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'A' + value - 10);

    private static bool IsPlain(string value)
    {
        foreach (var c in value)
        {
            if (!IsPlain(c)) return false;
        }
        return true;
    }

    private static bool IsPlain(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_';
}
