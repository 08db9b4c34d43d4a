using Dagger.Orleans.Spec;

namespace Dagger.Orleans.Runtime;

/// <summary>What the discovery commands read of a run beyond its status.</summary>
internal sealed partial class DagGrain
{
    public Task<DagSpec> GetSpecAsync() => _spec is null ? throw NotFound() : Task.FromResult(_spec);
}
