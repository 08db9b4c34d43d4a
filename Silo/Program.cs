using Dagger.Orleans.Hosting;
using Dagger.Orleans.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// `dotnet run --project Silo [-- --profile NAME]`: a silo on this machine. Profiles are appsettings.{profile}.json
// files beside this one; later profiles (NATS/MQTT transports, Azure storage, Kubernetes) add sections there.
// Any setting can also be given on the command line, e.g. --Dagger:Silo:SiloPort=11113.
var builder = Host.CreateApplicationBuilder(args);
var profile = builder.Configuration["profile"] ?? Environment.GetEnvironmentVariable("DAGGER_PROFILE") ?? "localhost";
builder.Configuration.AddJsonFile($"appsettings.{profile}.json", optional: profile == "localhost");
// Command-line settings win over the profile.
builder.Configuration.AddCommandLine(args);
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
var settings = SiloSettings.Bind(builder.Configuration, profile);

builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort,
        settings.PrimarySiloPort is { } primary ? new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, primary) : null,
        settings.ServiceId, settings.ClusterId);
    silo.AddMemoryGrainStorageAsDefault();
    silo.AddDagger(options =>
    {
        options.Window = settings.Window;
        options.OperatorAssemblies.AddRange(settings.OperatorAssemblies);
    });
});

using var host = builder.Build();
await host.StartAsync();
// One line that scripts and tests wait for.
Console.Error.WriteLine($"dagger silo ready: profile {profile}, cluster {settings.ClusterId}, silo port {settings.SiloPort}, gateway port {settings.GatewayPort}");
await host.WaitForShutdownAsync();
