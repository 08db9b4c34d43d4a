using Azure;

namespace Dagger.Orleans.Persistence.AzureStorage;

/// <summary>Which exceptions mean "the storage service failed", and a one-line reason for messages (no headers, no secrets).</summary>
internal static class StorageFailures
{
    public static bool IsStorageFailure(Exception e) =>
        e is RequestFailedException or AggregateException or OperationCanceledException or HttpRequestException or IOException or TimeoutException;

    private const string TableNotFound = "TableNotFound";

    /// <summary>
    /// A 412 (ETag mismatch), 409 (a row exists where the caller expected none) or 404 (the row the caller's ETag names
    /// is gone). A missing table is a 404 too, but no conflict: it is reported as the storage failure it is.
    /// </summary>
    public static bool IsConcurrencyConflict(RequestFailedException e) =>
        e.Status is 409 or 412 || (e.Status == 404 && e.ErrorCode != TableNotFound);

    public static string Reason(Exception e, TimeSpan timeout, string timeoutSetting)
    {
        if (e is OperationCanceledException)
        {
            return $"no answer within {timeoutSetting} ({timeout.TotalSeconds:0.#} s)";
        }
        if (e is AggregateException { InnerExceptions.Count: > 0 } retries)
        {
            // Azure.Core's retry policy gathers one exception per try when every try failed.
            return $"{Reason(retries.InnerExceptions[^1], timeout, timeoutSetting)} (after {retries.InnerExceptions.Count} tries)";
        }
        if (e is RequestFailedException { ErrorCode: TableNotFound })
        {
            return "the table does not exist (deleted, or lost by a storage service that crashed before saving it); a silo start creates it again";
        }
        if (e is RequestFailedException { Status: > 0 } response)
        {
            return $"HTTP {response.Status} {response.ErrorCode}".TrimEnd();
        }
        var innermost = e;
        while (innermost.InnerException is not null) innermost = innermost.InnerException;
        return innermost.Message;
    }
}
