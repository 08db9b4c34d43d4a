using Dagger.Orleans.Operators;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Dagger.Orleans.Hosting;

/// <summary>Builds the operator catalog while the silo starts, so a missing or broken operator assembly fails start-up, not the first DAG.</summary>
internal sealed class OperatorCatalogStartup(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<OperatorCatalog>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
