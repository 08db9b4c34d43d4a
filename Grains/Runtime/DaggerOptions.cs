using Dagger.Orleans.Spec;

namespace Dagger.Orleans.Runtime;

/// <summary>Silo-wide settings of the DAG runtime.</summary>
public sealed class DaggerOptions
{
    /// <summary>The edge transports this silo can carry; a spec naming another is refused at submission.</summary>
    public HashSet<string> Transports { get; } = [Spec.Transports.Memory];

    /// <summary>
    /// Batches in flight per edge (and inbox slots per input port): the flow-control window. Across silos an edge
    /// moves at most a window per round trip, so the window sets remote throughput (8 → 32 doubled a 2-silo chain).
    /// </summary>
    public int Window { get; set; } = 32;

    /// <summary>Caps the window so that a window of batches (reckoned at 8 bytes an element) stays under this many bytes.</summary>
    public long WindowBytes { get; set; } = 4 << 20;

    /// <summary>The window for batches of <paramref name="batchSize"/> elements: <see cref="Window"/>, capped by <see cref="WindowBytes"/>, at least 2.</summary>
    public int WindowFor(int batchSize) => (int)Math.Clamp(WindowBytes / (8L * Math.Max(1, batchSize)), 2, Math.Max(2, Window));

    /// <summary>How long a finished run's status and results stay answerable in memory.</summary>
    public TimeSpan ResultRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long <see cref="IDagGrain.WaitAsync"/> may hold a call open (kept well under the grain call timeout).</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a graceful cancellation may drain (sources stopped, the rest finishing what is in flight) before it
    /// becomes forceful; a client may ask for another period per cancel (<c>--grace</c>).
    /// </summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a forceful cancel waits for a node's operator to notice its token before the activation goes.</summary>
    public TimeSpan CancelGrace { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a running DAG checks that the silos of its nodes are alive.</summary>
    public TimeSpan SiloWatchPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// What this silo tells the cluster it computes on: <c>auto</c> (find a GPU with ILGPU: CUDA or OpenCL),
    /// <c>gpu</c> (a GPU silo even without one: kernels then run on ILGPU's CPU accelerator) or <c>cpu</c>. Read when
    /// <c>AddDagger</c> runs: silo metadata is fixed when the silo is built.
    /// </summary>
    public string Accelerator { get; set; } = Placement.Accelerators.Auto;

    /// <summary>
    /// A CPU silo with this set takes <c>gpu</c> nodes when the cluster has no GPU silo, and runs their kernels on
    /// ILGPU's CPU accelerator: what a one-machine run wants (the embedded silo of <c>dagger run</c> sets it), and
    /// what a cluster does not (a <c>gpu</c> node there is refused when no GPU silo exists). Read when
    /// <c>AddDagger</c> runs.
    /// </summary>
    public bool GpuStandIn { get; set; }

    /// <summary>How long a submission waits for silos that have joined but not yet published their accelerator.</summary>
    public TimeSpan SiloMetadataWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How old the cluster's node counts per silo may be when an <c>any</c> node is placed by load (each refresh is one management call).</summary>
    public TimeSpan NodeLoadRefresh { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How often a running DAG looks for an overloaded silo and moves one of its nodes from there to the least
    /// loaded silo that may host it (live migration); zero turns balancing off.
    /// </summary>
    public TimeSpan BalancePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether a silo shutting down gracefully first moves its running nodes and DAG grains to the other silos.</summary>
    public bool DrainOnShutdown { get; set; } = true;

    /// <summary>How many more node activations the busiest silo must have than the least busy before a node moves (at least 2, or moves would go back and forth).</summary>
    public int BalanceThreshold { get; set; } = 2;

    /// <summary>
    /// The grain storage that keeps runs (spec, state, node progress, results), durable nodes' checkpoints and the run
    /// registry, so a run outlives the silos that ran it: the name of a persistent storage the host registered (e.g.
    /// <c>AddDaggerAzureStateStorage(connectionString)</c> registers "dagger", official Azure blob storage). Null (the default): runs live in their DAG grain's memory only;
    /// a full restart, or the death of the DAG grain's silo, loses them, and no node resumes from a checkpoint.
    /// </summary>
    public string? StateStorage { get; set; }

    /// <summary>
    /// The grain storage for durable nodes' checkpoints (small, written after every batch): e.g. the official Azure
    /// table storage (<c>AddDaggerAzureStateStorage</c> registers "dagger-checkpoints"). Null (the default): checkpoints
    /// go to <see cref="StateStorage"/>. Used only when <see cref="StateStorage"/> is set.
    /// </summary>
    public string? CheckpointStorage { get; set; }

    /// <summary>Where checkpoints go: <see cref="CheckpointStorage"/>, else <see cref="StateStorage"/>.</summary>
    internal string? CheckpointStorageName => CheckpointStorage ?? StateStorage;

    /// <summary>
    /// <c>shm</c> edges (a ring in a memory-mapped file between two nodes of one host): on when set, with its directory
    /// and ring size; null (the default on cluster silos) leaves the transport out. The embedded silo sets it.
    /// </summary>
    public ShmOptions? Shm { get; set; }

    /// <summary>Paths of extra assemblies with user operators, loaded at silo start.</summary>
    public List<string> OperatorAssemblies { get; } = [];

    /// <summary>How big a spec may be (<c>Dagger:Limits</c>): checked at validation, each refusal naming the limit.</summary>
    public SpecLimits Limits { get; set; } = new();

    /// <summary>
    /// The most bytes one sink's result may take, as JSON (<c>Dagger:MaxResultBytes</c>, default 1 GiB; the embedded silo of
    /// <c>DaggerClient.StartEmbeddedAsync</c> sets 256 MiB, as its result store is its own memory): a sink whose result
    /// grows past it fails the run naming the node and the cap. A big result never rides in one message or in the run's
    /// record: it goes to the result store in chunks as it is written (Azure blobs with <c>AddDaggerAzureStateStorage</c>,
    /// else memory, in a grain per result) and the client reads it back chunk by chunk — so the cap bounds what the store
    /// holds per sink, not a message.
    /// </summary>
    public long MaxResultBytes { get; set; } = 1L << 30;

    /// <summary>
    /// Results up to this many bytes of JSON travel inline, in the node's report and the run's status and record, as
    /// they always did (a count, a sum, a short collect): no store call for a small run. Bigger ones are stored in
    /// chunks and the status names them (<c>DagStatus.StoredResults</c>). Default 64 KiB.
    /// </summary>
    public int InlineResultBytes { get; set; } = 64 << 10;

    /// <summary>The size of a stored result's chunks, and so of each message that carries one (default 1 MiB).</summary>
    public int ResultChunkBytes { get; set; } = 1 << 20;

    /// <summary>
    /// A directory where each sink writes its result as <c>NODE.json</c> (<c>collect</c> as its elements arrive) instead
    /// of into the run's status, which then holds <c>{"file", "bytes"}</c>; not held to <see cref="MaxResultBytes"/>.
    /// Null (the default): results go inline or to the result store. Set by <c>dagger run --results-dir</c> for its
    /// embedded silo, where the files land on the user's own disk (with <c>--cluster</c> the client writes the files
    /// from the stored chunks instead).
    /// </summary>
    public string? ResultsDirectory { get; set; }

    /// <summary>
    /// How long a node may hold pending input without taking any of it before the run reports it as stalled
    /// (<c>Dagger:StallAfter</c>, default 60 s); zero turns stall detection off.
    /// </summary>
    public TimeSpan StallAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Which files specs may read (<c>Dagger:Files</c>): by default none.</summary>
    public FileAccessOptions Files { get; } = new();

    /// <summary>The file policy validation applies; null when <see cref="FileAccessOptions.Unrestricted"/>.</summary>
    /// <exception cref="ArgumentException">A root is not an existing directory (checked at silo start as well).</exception>
    public FileAccessPolicy? FilePolicy() => Files.Unrestricted ? null : new FileAccessPolicy(Files.Roots);
}

/// <summary>Where the files a spec names (<c>iq_file</c>'s <c>path</c>, <c>fir</c>'s <c>taps_file</c>, …) may be.</summary>
public sealed class FileAccessOptions
{
    /// <summary>
    /// Directories under which specs may name files (<c>Dagger:Files:Roots</c>). Empty (the default): a spec naming
    /// any file is refused at validation — a cluster silo reads with its own rights on behalf of whoever submits.
    /// </summary>
    public List<string> Roots { get; } = [];

    /// <summary>
    /// Specs may read whatever this process can, roots or not: the embedded silo of <c>dagger run</c>, where the user who
    /// writes the spec is the user the silo runs as. Not for a silo that others submit to.
    /// </summary>
    public bool Unrestricted { get; set; }
}
