using System.Security.Cryptography;
using System.Text;
using Orleans.Runtime;

namespace Dagger.Orleans.Persistence.AzureStorage;

/// <summary>
/// Where a grain state lives: partition key "{serviceId}|{grainId}", row key "{stateName}", blob "{partition}/{row}/{blobId}".
/// Every part is escaped reversibly, so distinct services, grains and states never share a row (a lossy "replace '/' by
/// '_'" would let "a/b" and "a_b" collide).
/// </summary>
internal static class StorageNames
{
    // Azure keys may not hold '/', '\', '#', '?' or control characters; '~' escapes, '|' separates the key's parts.
    private const char Escape = '~';
    private const char Separator = '|';

    // A key may be 1 KiB; a blob name 1024 characters and holds two keys: past this length a key keeps a readable
    // prefix and ends in a hash of the whole.
    private const int MaxKeyLength = 480;
    private const int HashedKeyPrefixLength = 400;

    public static string PartitionKey(string serviceId, GrainId grainId) =>
        Bounded(string.Concat(EscapeKeyPart(serviceId), Separator.ToString(), EscapeKeyPart(grainId.ToString())));

    public static string RowKey(string stateName) => Bounded(EscapeKeyPart(stateName));

    /// <summary>The blob for one write of a large state: a fresh name per write, so a failed or stale write never touches the blob the row references.</summary>
    public static string BlobName(string partitionKey, string rowKey, string blobId) => $"{partitionKey}/{rowKey}/{blobId}";

    public static string NewBlobId() => Guid.NewGuid().ToString("N");

    public static string EscapeKeyPart(string value)
    {
        if (!NeedsEscaping(value)) return value;
        var escaped = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            if (IsReserved(c)) escaped.Append(Escape).Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            else escaped.Append(c);
        }
        return escaped.ToString();
    }

    public static bool IsValidTableName(string? name)
    {
        if (name is null || name.Length is < 3 or > 63 || !char.IsAsciiLetter(name[0])) return false;
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c)) return false;
        }
        return !name.Equals("tables", StringComparison.OrdinalIgnoreCase);
    }

    public static bool IsValidContainerName(string? name)
    {
        if (name is null || name.Length is < 3 or > 63) return false;
        if (name[0] == '-' || name[^1] == '-' || name.Contains("--", StringComparison.Ordinal)) return false;
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')) return false;
        }
        return true;
    }

    private static bool NeedsEscaping(string value)
    {
        foreach (var c in value)
        {
            if (IsReserved(c)) return true;
        }
        return false;
    }

    private static bool IsReserved(char c) =>
        c is '/' or '\\' or '#' or '?' or Escape or Separator || char.IsControl(c);

    private static string Bounded(string key)
    {
        if (key.Length <= MaxKeyLength) return key;
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        return string.Concat(key.AsSpan(0, HashedKeyPrefixLength), Escape.ToString(), "h", hash);
    }
}
