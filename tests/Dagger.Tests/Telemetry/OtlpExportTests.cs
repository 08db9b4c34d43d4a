using System.Net;
using System.Text;
using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Telemetry;
using Dagger.Orleans.Tests.Cli;
using Dagger.Orleans.Tests.Servers;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Telemetry;

/// <summary>An OTLP/HTTP collector stand-in on a loopback port: records what each POST carried, answers 200.</summary>
public sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<(string Path, string ContentType, byte[] Body)> _posts = [];
    private readonly Task _serving;

    public OtlpReceiver()
    {
        Port = ServerProcess.FreeLoopbackPort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port { get; }

    public (string Path, string ContentType, byte[] Body)[] Posts
    {
        get
        {
            lock (_posts) return [.. _posts];
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            lock (_posts) _posts.Add((context.Request.Url!.AbsolutePath, context.Request.ContentType ?? "", body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }
}

/// <summary>Two silo processes exporting to <see cref="Receiver"/> over OTLP/HTTP, every second.</summary>
public sealed class OtlpSilos : SiloProcessCluster
{
    public OtlpReceiver Receiver { get; } = new();

    protected override IEnumerable<string> SiloSettings =>
    [
        $"--Dagger:Telemetry:Otlp=http://127.0.0.1:{Receiver.Port}", "--Dagger:Telemetry:OtlpProtocol=http/protobuf",
        // OpenTelemetry's own settings, read from the silo's configuration: export metrics each second, spans at once.
        "--OTEL_METRIC_EXPORT_INTERVAL=1000", "--OTEL_BSP_SCHEDULE_DELAY=100",
    ];

    protected override Task AfterSilosAsync()
    {
        Receiver.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary><c>Dagger:Telemetry:Otlp</c>: the silo sends the runtime's metrics and spans to an OTLP collector.</summary>
public sealed class OtlpExportTests(OtlpSilos silos) : IClassFixture<OtlpSilos>
{
    [Fact]
    public async Task A_silo_exports_the_runtimes_metrics_and_the_runs_spans_over_otlp_http()
    {
        await using var dagger = await DaggerClient.ConnectAsync(ClusterFile.Load(silos.ClusterFile));
        var run = await dagger.SubmitAsync(new DagBuilder("exported").Node("src", "range", new { count = 1000 }).Node("out", "count").Edge("src", "out").Build());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var status = await run.WaitAsync(TimeSpan.FromMilliseconds(100), cts.Token);
        Assert.True(status.State == DagState.Completed, $"{status.State}: {status.Error}");

        // OTLP bodies are protobuf, whose strings are plain UTF-8: the names and the run id show as they are.
        bool Carries(string path, string text) =>
            silos.Receiver.Posts.Any(p => p.Path == path && Encoding.UTF8.GetString(p.Body).Contains(text, StringComparison.Ordinal));
        // Waits for what the assertions ask, not less: a metrics post may carry the run id (runs started) before the
        // export that carries its nodes' elements.
        bool Arrived() => Carries("/v1/traces", DaggerTelemetry.Spans.Submit) && Carries("/v1/traces", run.Id)
            && Carries("/v1/metrics", DaggerTelemetry.Instruments.ElementsOut) && Carries("/v1/metrics", run.Id);
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline && !Arrived();)
            await Task.Delay(100);

        Assert.True(Carries("/v1/traces", DaggerTelemetry.Spans.Submit) && Carries("/v1/traces", run.Id),
            $"no span of run {run.Id} reached the collector; it got: {string.Join(", ", silos.Receiver.Posts.Select(p => p.Path))}");
        Assert.True(Carries("/v1/metrics", DaggerTelemetry.Instruments.ElementsOut) && Carries("/v1/metrics", run.Id),
            $"no metric of run {run.Id} reached the collector; it got: {string.Join(", ", silos.Receiver.Posts.Select(p => p.Path))}");
        Assert.All(silos.Receiver.Posts, p => Assert.Equal("application/x-protobuf", p.ContentType));
    }
}
