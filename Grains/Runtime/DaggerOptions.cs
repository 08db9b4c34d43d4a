using Dagger.Orleans.Spec;

namespace Dagger.Orleans.Runtime;

/// <summary>Silo-wide settings of the DAG runtime.</summary>
public sealed class DaggerOptions
{
    /// <summary>The edge transports this silo can carry; a spec naming another is refused at submission.</summary>
    public HashSet<string> Transports { get; } = [Spec.Transports.Memory];

    /// <summary>Batches in flight per edge (and inbox slots per input port): the flow-control window.</summary>
    public int Window { get; set; } = 8;

    /// <summary>How long a finished run's status and results stay answerable in memory.</summary>
    public TimeSpan ResultRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long <see cref="IDagGrain.WaitAsync"/> may hold a call open (kept well under the grain call timeout).</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Paths of extra assemblies with user operators, loaded at silo start.</summary>
    public List<string> OperatorAssemblies { get; } = [];
}
