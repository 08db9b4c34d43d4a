namespace Dagger.Orleans.Wire;

/// <summary>Asked about a DAG id that no run on this cluster has.</summary>
[GenerateSerializer]
public sealed class DagNotFoundException(string dagId) : Exception($"no DAG with id '{dagId}' on this cluster")
{
    [Id(0)] public string DagId { get; } = dagId;
}
