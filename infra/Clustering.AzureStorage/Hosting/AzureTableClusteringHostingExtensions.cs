using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Hosting;
using Orleans.Messaging;

namespace Dagger.Orleans.Clustering.AzureStorage.Hosting;

/// <summary><c>UseAzureTableClustering(...)</c>: silos find each other, and clients find gateways, through an Azure Tables (or Azurite) table.</summary>
public static class AzureTableClusteringHostingExtensions
{
    /// <summary>The silo keeps its membership row in the table and learns the cluster from it.</summary>
    public static ISiloBuilder UseAzureTableClustering(this ISiloBuilder builder, Action<AzureTableClusteringOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        builder.Services.AddSingleton<IMembershipTable, AzureTableMembershipTable>();
        builder.Services.AddTransient<IConfigurationValidator>(sp =>
            new AzureTableClusteringOptionsValidator(sp.GetRequiredService<IOptions<AzureTableClusteringOptions>>().Value, "silo"));
        return builder;
    }

    /// <summary>The client reads the live gateways of its cluster (ClusterOptions.ClusterId) from the table.</summary>
    public static IClientBuilder UseAzureTableClustering(this IClientBuilder builder, Action<AzureTableClusteringOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        builder.Services.AddSingleton<IGatewayListProvider, AzureTableGatewayListProvider>();
        builder.Services.AddTransient<IConfigurationValidator>(sp =>
            new AzureTableClusteringOptionsValidator(sp.GetRequiredService<IOptions<AzureTableClusteringOptions>>().Value, "client"));
        return builder;
    }
}
