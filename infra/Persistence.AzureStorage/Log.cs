using Microsoft.Extensions.Logging;

namespace Dagger.Orleans.Persistence.AzureStorage;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Azure table grain storage '{Provider}': table '{Table}' at {TableEndpoint} is ready; large states go to {LargeStates}")]
    public static partial void StorageReady(this ILogger logger, string provider, string table, string tableEndpoint, string largeStates);

    [LoggerMessage(2, LogLevel.Debug, "Azure table grain storage '{Provider}': state '{State}' of grain {Grain} is {Bytes} bytes, over the {Limit} a row holds; stored as blob '{Blob}'")]
    public static partial void StateStoredAsBlob(this ILogger logger, string provider, string state, string grain, int bytes, int limit, string blob);

    [LoggerMessage(3, LogLevel.Warning, "Azure table grain storage '{Provider}': {Action} of state '{State}' of grain {Grain} failed")]
    public static partial void OperationFailed(this ILogger logger, string provider, string action, string state, string grain, Exception error);

    [LoggerMessage(4, LogLevel.Warning, "Azure table grain storage '{Provider}': blob '{Blob}' of state '{State}' of grain {Grain} is no longer referenced but could not be deleted; it stays behind until removed by hand (the state itself is safe)")]
    public static partial void UnreferencedBlobLeft(this ILogger logger, string provider, string blob, string state, string grain, Exception error);

    [LoggerMessage(5, LogLevel.Warning, "Azure table grain storage '{Provider}': reading the stored ETag of state '{State}' of grain {Grain} for a conflict report failed; the report says 'unknown'")]
    public static partial void StoredETagUnknown(this ILogger logger, string provider, string state, string grain, Exception error);
}
