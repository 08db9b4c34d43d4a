using System.Net;
using Azure.Data.Tables;
using Orleans.Clustering.AzureStorage;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace Dagger.Orleans.Silo;

/// <summary>
/// The <c>Dagger:Clustering</c> section: how silos find each other. <c>Provider</c> = <c>localhost</c> (the default: the
/// first silo is the primary, others name it with <c>Dagger:Silo:PrimarySiloPort</c>) or <c>azure</c> (membership in an
/// Azure Tables / Azurite table given by the <c>AzureStorage</c> connection string). <c>Membership</c> tunes Orleans'
/// <see cref="ClusterMembershipOptions"/> (probe timeouts, votes: how fast a dead silo is noticed).
/// </summary>
internal sealed class ClusteringSettings
{
    public const string Section = "Dagger:Clustering";
    public const string LocalhostProvider = "localhost";
    public const string AzureProvider = "azure";

    public string Provider { get; set; } = LocalhostProvider;

    /// <summary>A storage connection string, e.g. <c>UseDevelopmentStorage=true</c> for Azurite on its default ports.</summary>
    public string? AzureStorage { get; set; }

    /// <summary>Orleans' default (<c>OrleansSiloInstances</c>), the table clients read gateways from; our own provider used <c>DaggerClusterMembership</c>.</summary>
    public string TableName { get; set; } = AzureStorageClusteringOptions.DEFAULT_TABLE_NAME;

    /// <summary>Bound here only to refuse unknown or malformed keys before the silo starts; applied from <see cref="MembershipSection"/>.</summary>
    public ClusterMembershipOptions? Membership { get; set; }

    public IConfigurationSection? MembershipSection { get; private set; }

    /// <summary>Made from <see cref="AzureStorage"/> when the provider is <c>azure</c>.</summary>
    public TableServiceClient? TableServiceClient { get; private set; }

    public static ClusteringSettings Bind(IConfiguration configuration, string profile)
    {
        var settings = new ClusteringSettings();
        var section = configuration.GetSection(Section);
        section.Bind(settings, o => o.ErrorOnUnknownConfiguration = true);
        var membership = section.GetSection(nameof(Membership));
        if (membership.Exists()) settings.MembershipSection = membership;
        switch (settings.Provider)
        {
            case LocalhostProvider:
                break;
            case AzureProvider:
                settings.TableServiceClient = StorageConnectionSetting.Parse(settings.AzureStorage, Section, AzureProvider, profile);
                if (!IsTableName(settings.TableName))
                {
                    throw new InvalidOperationException($"profile '{profile}': {Section}:TableName '{settings.TableName}' is not an Azure table name (3 to 63 letters and digits, starting with a letter)");
                }
                break;
            default:
                throw new InvalidOperationException($"profile '{profile}': {Section}:Provider '{settings.Provider}' is not one of {LocalhostProvider}, {AzureProvider}");
        }
        return settings;
    }

    private static bool IsTableName(string name) =>
        name.Length is >= 3 and <= 63 && char.IsAsciiLetter(name[0]) && name.All(char.IsAsciiLetterOrDigit);
}

internal static class ClusteringSetup
{
    /// <summary>Joins the cluster the way <see cref="SiloSettings.Clustering"/> says, on the silo's own ports.</summary>
    public static ISiloBuilder UseDaggerClustering(this ISiloBuilder silo, SiloSettings settings)
    {
        var clustering = settings.Clustering;
        if (clustering.MembershipSection is { } membership)
        {
            silo.Configure<ClusterMembershipOptions>(o => membership.Bind(o, b => b.ErrorOnUnknownConfiguration = true));
        }
        if (clustering.Provider == ClusteringSettings.AzureProvider)
        {
            if (settings.Kubernetes is null) silo.ConfigureEndpoints(IPAddress.Loopback, settings.SiloPort, settings.GatewayPort);
            // In a pod the Kubernetes hosting advertises the pod's IP and listens on every interface.
            else silo.Configure<EndpointOptions>(o => (o.SiloPort, o.GatewayPort) = (settings.SiloPort, settings.GatewayPort));
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            });
            var tables = clustering.TableServiceClient!;
            silo.UseAzureStorageClustering(o =>
            {
                o.TableServiceClient = tables;
                o.TableName = clustering.TableName;
            });
            MembershipTableErrors.Decorate(silo.Services, tables, clustering.TableName, $"{ClusteringSettings.Section}:AzureStorage");
            return silo;
        }
        return silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort,
            settings.PrimarySiloPort is { } primary ? new IPEndPoint(IPAddress.Loopback, primary) : null,
            settings.ServiceId, settings.ClusterId);
    }
}
