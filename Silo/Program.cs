using Dagger.Orleans.Hosting;
using Dagger.Orleans.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// `dotnet run --project Silo [-- --profile NAME]`: a silo on this machine. Profiles are appsettings.{profile}.json
// files beside this one; later profiles (NATS/MQTT transports, Azure storage, Kubernetes) add sections there.
// Any setting can also be given on the command line, e.g. --Dagger:Silo:SiloPort=11113.
// Settings files sit beside the binary, whatever folder the silo is started from (`dotnet run --project Silo`).
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
var profile = builder.Configuration["profile"] ?? Environment.GetEnvironmentVariable("DAGGER_PROFILE") ?? "localhost";
SiloSettings settings;
try
{
    builder.Configuration.AddJsonFile($"appsettings.{profile}.json", optional: profile == "localhost");
    // Command-line settings win over the profile.
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

builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort,
        settings.PrimarySiloPort is { } primary ? new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, primary) : null,
        settings.ServiceId, settings.ClusterId);
    silo.AddMemoryGrainStorageAsDefault();
    silo.AddDagger(options =>
    {
        options.Window = settings.Window;
        options.Accelerator = settings.Accelerator;
        options.OperatorAssemblies.AddRange(settings.OperatorAssemblies);
    });
});

using var host = builder.Build();
await host.StartAsync();
// One line that scripts and tests wait for.
Console.Error.WriteLine($"dagger silo ready: profile {profile}, cluster {settings.ClusterId}, silo port {settings.SiloPort}, gateway port {settings.GatewayPort}");
await host.WaitForShutdownAsync();
return 0;
