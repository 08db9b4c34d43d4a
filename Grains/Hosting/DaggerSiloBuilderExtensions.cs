using Dagger.Orleans.Gpu;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Operators.Net;
using Dagger.Orleans.Placement;
using Dagger.Orleans.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Dagger.Orleans.Wire;
using Microsoft.Extensions.Options;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.Cloning;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Dagger.Orleans.Hosting;

public static class DaggerSiloBuilderExtensions
{
    /// <summary>
    /// Adds the DAG runtime to a silo: operator catalog, device-aware node placement, options, and the silo's
    /// accelerator as silo metadata. <paramref name="configure"/> runs once here as well (it should only set
    /// options): silo metadata is fixed when the silo is built, so <see cref="DaggerOptions.Accelerator"/> is settled
    /// now — detected with ILGPU unless set to gpu or cpu.
    /// </summary>
    /// <exception cref="ArgumentException"><see cref="DaggerOptions.Accelerator"/> is none of auto, gpu, cpu.</exception>
    public static ISiloBuilder AddDagger(this ISiloBuilder builder, Action<DaggerOptions>? configure = null)
    {
        var declared = new DaggerOptions();
        configure?.Invoke(declared);
        var accelerator = AcceleratorDetection.Resolve(declared.Accelerator);
        if (declared.GpuStandIn && !accelerator.Accelerator.IsGpu) accelerator = accelerator with { Accelerator = accelerator.Accelerator with { GpuStandIn = true } };
        builder.Services.AddSingleton(accelerator);
        builder.UseSiloMetadata(accelerator.Accelerator.ToMetadata());
        builder.Services.AddSingleton<ClusterAccelerators>();
        builder.Services.AddSingleton<NodeLoad>();
        builder.Services.AddHostedService<AcceleratorStartup>();

        builder.Services.AddOptions<DaggerOptions>().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DaggerOptions>, DaggerOptionsValidator>();
        if (configure is not null) builder.Services.Configure(configure);
        if (declared.Shm is { } shm)
        {
            if (shm.Problem() is { } problem) throw new ArgumentException(problem);
            builder.Services.PostConfigure<DaggerOptions>(o => o.Transports.Add(Spec.Transports.SharedMemory));
            builder.Services.AddHostedService<ShmJanitor>();
        }
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DaggerOptions>>().Value;
            var extra = options.OperatorAssemblies.Select(OperatorAssemblies.Load);
            return OperatorCatalog.FromLoadedAssemblies(extra);
        });
        builder.Services.AddSingleton<IOperatorCatalog>(sp => sp.GetRequiredService<OperatorCatalog>());
        builder.Services.AddHostedService<OperatorCatalogStartup>();
        // Dagger:Net:Allow: where network operators may listen or connect; a bad entry stops the silo at start, naming it.
        builder.Services.AddOptions<NetOptions>().Validate(o => NetAllowList.Parse(o.Allow) is not null).ValidateOnStart();
        builder.Services.AddSingleton(sp => NetAllowList.Parse(sp.GetRequiredService<IOptions<NetOptions>>().Value.Allow));
        // The one source of time for the retry schedules (Runtime/Resilience): tests put a fake clock in its place.
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Runtime.Resilience.ResiliencePipelines>();
        builder.Services.AddSingleton<LocalInboxDirectory>();
        // Big sink results, chunk by chunk: in memory unless a host registered another store (AddDaggerAzureStateStorage: blobs).
        builder.Services.TryAddSingleton<Runtime.Results.IResultStore, Runtime.Results.MemoryResultStore>();
        builder.Services.AddSingleton<LocalDagDirectory>();
        builder.Services.AddSingleton<SiloDrain>();
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloDrain>());
        // Runs resume after a restart only from a persistent run-state storage.
        if (declared.StateStorage is not null) builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, RunWakeUp>();
        builder.AddPlacementDirector<NodePlacement, NodePlacementDirector>();
        // Run timelines: each silo keeps its nodes' records, read through a grain placed on that silo.
        builder.Services.AddSingleton<Runtime.Timeline.TimelineStore>();
        // Metrics (the Dagger.Orleans meter): instruments the nodes and runs of this silo report to.
        builder.Services.AddSingleton<Telemetry.DaggerMetrics>();
        builder.AddPlacementDirector<Runtime.Timeline.SiloTargeted, Runtime.Timeline.SiloTargetedDirector>();
        // Every node grain reference (several per run) asks the container for its proxy's copier of Batch[] (the
        // argument of PushAsync); not registered, that copier is built by reflection per reference, which measured as
        // most of what a reference costs to make.
        builder.Services.AddSingleton(sp => new ArrayCopier<Batch>(sp.GetRequiredService<IDeepCopierProvider>().GetDeepCopier<Batch>()));
        return builder;
    }
}
