using Dagger.Orleans.Hosting;
using Dagger.Orleans.Silo;
using Dagger.Orleans.Streaming.Mqtt.Hosting;
using Dagger.Orleans.Streaming.Nats.Hosting;
using Orleans.Streams;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// `dotnet run --project Silo [-- --profile NAME]`: a silo on this machine. Profiles are appsettings.{profile}.json
// files beside this one; later profiles (NATS/MQTT transports, Azure storage, Kubernetes) add sections there.
// Any setting can also be given on the command line, e.g. --Dagger:Silo:SiloPort=11113.
// Settings files sit beside the binary, whatever folder the silo is started from (`dotnet run --project Silo`).
// --verbose: the log as it happens, and stack traces, also when start-up fails (otherwise one line says why).
var verbose = args.Contains("--verbose");
args = args.Where(a => a != "--verbose").ToArray();
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
var profile = builder.Configuration["profile"] ?? Environment.GetEnvironmentVariable("DAGGER_PROFILE") ?? "localhost";
SiloSettings settings;
try
{
    builder.Configuration.AddJsonFile($"appsettings.{profile}.json", optional: profile == "localhost");
    // Environment variables (a pod's Dagger__Section__Key) and then command-line settings win over the profile; the
    // host read the environment before the profile, which would otherwise silently outvote it.
    builder.Configuration.AddEnvironmentVariables();
    builder.Configuration.AddCommandLine(args);
    settings = SiloSettings.Bind(builder.Configuration, profile);
}
catch (Exception e) when (e is FileNotFoundException or InvalidOperationException or InvalidDataException)
{
    // A bad profile or setting stops the silo before it starts, saying which.
    Console.Error.WriteLine($"dagger silo: {e.Message}");
    return 2;
}
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.UseDaggerTelemetry(settings);
StartupLog.Install(builder.Logging, verbose);

builder.UseOrleans(silo =>
{
    silo.UseDaggerClustering(settings);
    silo.UseDaggerKubernetes(settings);
    silo.UseDaggerDashboard(settings);
    silo.UseDaggerHealth(settings);
    silo.UseDaggerTls(settings);
    var stateStorage = silo.UseDaggerStateStorage(settings);
    silo.AddMemoryGrainStorageAsDefault();
    // Edge transports beyond memory: each configured section adds its stream provider, named as the transport.
    if (settings.Nats is { } nats)
    {
        silo.AddNatsStreams(Dagger.Orleans.Spec.Transports.Nats, streams =>
        {
            streams.ConfigureNats(o => nats.Bind(o, b => b.ErrorOnUnknownConfiguration = true));
            // Node grains subscribe implicitly (one stream per input port): no pub-sub state to keep.
            streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            streams.ConfigurePullingAgent(ob => ob.Configure(o => o.GetQueueMsgsTimerPeriod = settings.StreamPollPeriod));
        });
    }
    if (settings.Mqtt is { } mqtt)
    {
        silo.AddMqttStreams(Dagger.Orleans.Spec.Transports.Mqtt, streams =>
        {
            streams.ConfigureMqtt(ob => ob.Configure(o => mqtt.Bind(o, b => b.ErrorOnUnknownConfiguration = true)));
            streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            streams.ConfigurePullingAgent(ob => ob.Configure(o => o.GetQueueMsgsTimerPeriod = settings.StreamPollPeriod));
        });
    }
    // Dagger:Net:Allow: the addresses network operators may use (none unless listed).
    silo.Services.Configure<Dagger.Orleans.Operators.Net.NetOptions>(o =>
        builder.Configuration.GetSection(Dagger.Orleans.Operators.Net.NetOptions.Section).Bind(o, b => b.ErrorOnUnknownConfiguration = true));
    silo.AddDagger(options =>
    {
        if (settings.Nats is not null) options.Transports.Add(Dagger.Orleans.Spec.Transports.Nats);
        if (settings.Mqtt is not null) options.Transports.Add(Dagger.Orleans.Spec.Transports.Mqtt);
        options.Window = settings.Window;
        options.Accelerator = settings.Accelerator;
        options.StateStorage = stateStorage?.RunStorageName;
        options.CheckpointStorage = stateStorage?.CheckpointStorageName;
        options.OperatorAssemblies.AddRange(settings.OperatorAssemblies);
        options.Shm = settings.Shm;
        settings.ApplyLimits(options);
    });
});

using var host = builder.Build();
var startupLog = host.Services.GetRequiredService<StartupLog>();
using var startTimeout = new CancellationTokenSource(settings.StartTimeout);
try
{
    await host.StartAsync(startTimeout.Token);
}
catch (Exception e)
{
    // A server that cannot be reached, wrong credentials, a bad provider setting: say which in one line, and do not run half-working.
    startupLog.Discard();
    var cause = startTimeout.IsCancellationRequested ? StartupFailure.TimedOut(settings, host.Services) : StartupFailure.Describe(e);
    Console.Error.WriteLine($"dagger silo: start-up failed: {cause}{(verbose ? "" : " (--verbose shows the log)")}");
    if (verbose) Console.Error.WriteLine(e);
    return StartupFailure.ExitCode(e);
}
startupLog.Open();
// One line that scripts and tests wait for.
Console.Error.WriteLine($"dagger silo ready: profile {profile}, cluster {settings.ClusterId}, silo port {settings.SiloPort}, gateway port {settings.GatewayPort}{settings.Extras()}");
await host.WaitForShutdownAsync();
return 0;
