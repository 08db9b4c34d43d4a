using Azure.Data.Tables;

namespace Dagger.Orleans.Clustering.AzureStorage;

/// <summary>Where the cluster membership table lives: one Azure Tables (or Azurite) table, one partition per cluster id.</summary>
public sealed class AzureTableClusteringOptions
{
    public const string DefaultTableName = "DaggerClusterMembership";

    /// <summary>The storage account's table client (a connection string, Azurite's or a real account's, or a token credential).</summary>
    public TableServiceClient? TableServiceClient { get; set; }

    /// <summary>The table holding every cluster's membership rows; created when missing.</summary>
    public string TableName { get; set; } = DefaultTableName;

    /// <summary>
    /// Where the host took <see cref="TableServiceClient"/>'s settings from (e.g. <c>Dagger:Clustering:AzureStorage</c>),
    /// named when the table cannot be reached; without it errors name <c>AzureTableClusteringOptions.TableServiceClient</c>.
    /// </summary>
    public string? ConnectionSetting { get; set; }

    internal string SettingName => ConnectionSetting ?? $"{nameof(AzureTableClusteringOptions)}.{nameof(TableServiceClient)}";
}
