using Dagger.Orleans.Operators;
using Dagger.Orleans.Placement;
using Dagger.Orleans.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dagger.Orleans.Hosting;

public static class DaggerSiloBuilderExtensions
{
    /// <summary>Adds the DAG runtime to a silo: operator catalog, node placement, and options.</summary>
    public static ISiloBuilder AddDagger(this ISiloBuilder builder, Action<DaggerOptions>? configure = null)
    {
        builder.Services.AddOptions<DaggerOptions>();
        if (configure is not null) builder.Services.Configure(configure);
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DaggerOptions>>().Value;
            var extra = options.OperatorAssemblies.Select(OperatorAssemblies.Load);
            return OperatorCatalog.FromLoadedAssemblies(extra);
        });
        builder.Services.AddSingleton<IOperatorCatalog>(sp => sp.GetRequiredService<OperatorCatalog>());
        builder.Services.AddHostedService<OperatorCatalogStartup>();
        builder.Services.AddSingleton<LocalInboxDirectory>();
        builder.AddPlacementDirector<NodePlacement, NodePlacementDirector>();
        return builder;
    }
}
