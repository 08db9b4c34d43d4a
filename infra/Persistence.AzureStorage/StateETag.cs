using Azure;

namespace Dagger.Orleans.Persistence.AzureStorage;

/// <summary>
/// The ETag the provider hands to Orleans: the row's ETag, plus the id of the blob the row references when the state is
/// large ("{rowETag};blob={id}"). A write or clear that matches the row's ETag therefore also knows, without another
/// request, which blob the replaced row referenced, and deletes exactly that one; a stale ETag fails before anything is
/// deleted.
/// </summary>
internal readonly record struct StateETag(ETag Row, string? BlobId)
{
    private const string BlobMarker = ";blob=";

    public override string ToString() => BlobId is null ? Row.ToString() : string.Concat(Row.ToString(), BlobMarker, BlobId);

    public static StateETag? Parse(string? etag)
    {
        if (string.IsNullOrEmpty(etag)) return null;
        var marker = etag.LastIndexOf(BlobMarker, StringComparison.Ordinal);
        return marker < 0
            ? new StateETag(new ETag(etag), null)
            : new StateETag(new ETag(etag[..marker]), etag[(marker + BlobMarker.Length)..]);
    }
}
