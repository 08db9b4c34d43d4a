using Dagger.Orleans.Operators;
using Dagger.Orleans.Placement;
using Dagger.Orleans.Runtime;
using Dagger.Orleans.Spec;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Dagger.Orleans.Discovery;

/// <summary>
/// Answers from the silo it runs on, with the catalog and options a DAG grain there validates with: a stateless worker,
/// so any silo answers at once and no single activation becomes a queue.
/// </summary>
[StatelessWorker]
internal sealed class ClusterInfoGrain(OperatorCatalog catalog, IOptions<DaggerOptions> options, ClusterAccelerators accelerators, Operators.Net.NetAllowList netAllow) : Grain, IClusterInfoGrain
{
    public Task<IReadOnlyList<OperatorInfo>> GetOperatorsAsync() =>
        Task.FromResult<IReadOnlyList<OperatorInfo>>(catalog.All.OrderBy(d => d.Name, StringComparer.Ordinal).Select(OperatorInfo.From).ToArray());

    public Task<IReadOnlyList<string>> GetTransportsAsync() =>
        Task.FromResult<IReadOnlyList<string>>(Transports.All.Where(options.Value.Transports.Contains).ToArray());

    public async Task<IReadOnlyList<string>> ValidateAsync(DagSpec spec)
    {
        // The DAG grain's checks, in its order: the spec first, then whether the cluster has silos for its devices.
        var problems = DagValidator.Validate(spec, catalog, options.Value.Transports, options.Value.Limits, options.Value.FilePolicy());
        if (problems.Count == 0) problems = netAllow.Check(spec, catalog);
        if (problems.Count == 0) problems = await accelerators.CheckAsync(spec, options.Value.SiloMetadataWait);
        return problems;
    }
}
