using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace Dagger.Orleans.Clustering.AzureStorage;

internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Created the membership version row of cluster {ClusterId} in table {Table}")]
    public static partial void CreatedVersionRow(ILogger logger, string clusterId, string table);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Membership write for {Silo} lost a race (HTTP {Status}, version {Version}): another silo changed the table first")]
    public static partial void WriteConflict(ILogger logger, SiloAddress silo, int status, TableVersion version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Membership row {RowKey} of cluster {ClusterId} in table {Table} cannot be read; it is left out")]
    public static partial void UnreadableRow(ILogger logger, Exception exception, string rowKey, string clusterId, string table);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The membership table changed while a paged read of cluster {ClusterId} was in progress; reading again")]
    public static partial void TornRead(ILogger logger, string clusterId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} defunct membership rows of cluster {ClusterId} (last alive before {Before})")]
    public static partial void RemovedDefunct(ILogger logger, int count, string clusterId, DateTimeOffset before);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Found {Count} live gateways of cluster {ClusterId} in table {Table}")]
    public static partial void FoundGateways(ILogger logger, int count, string clusterId, string table);
}
