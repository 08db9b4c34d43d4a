using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Tests.Cli;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Telemetry;

/// <summary>Two silo processes, each serving a Prometheus scrape endpoint (<c>Dagger:Telemetry:PrometheusPort</c>).</summary>
public sealed class PrometheusSilos : SiloProcessCluster
{
    public int[] MetricsPorts { get; } = [FreePort(), FreePort()];

    protected override IEnumerable<string> SiloSettingsOf(int index) => [$"--Dagger:Telemetry:PrometheusPort={MetricsPorts[index]}"];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The silo's scrape endpoint, read over HTTP as Prometheus reads it.</summary>
public sealed partial class PrometheusScrapeTests(PrometheusSilos silos) : IClassFixture<PrometheusSilos>
{
    [Fact]
    public async Task The_scrape_endpoints_of_the_silos_show_every_element_of_a_run_and_its_end()
    {
        await using var dagger = await DaggerClient.ConnectAsync(ClusterFile.Load(silos.ClusterFile));
        var run = await dagger.SubmitAsync(new DagBuilder("scraped").Defaults(batch: 100)
            .Node("src", "range", new { count = 5000 }).Node("x", "scale", new { factor = 2 }).Node("out", "sum").Edge("src", "x").Edge("x", "out").Build());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var status = await run.WaitAsync(TimeSpan.FromMilliseconds(100), cts.Token);
        Assert.True(status.State == DagState.Completed, $"{status.State}: {status.Error}");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        string[] pages = [];
        double emitted = 0, taken = 0, ended = 0;
        // The exporter caches a scrape for 300 ms: read until the run's last counts are in (bounded).
        for (var attempt = 0; attempt < 50 && (emitted < 5000 || taken < 5000 || ended < 1); attempt++)
        {
            if (attempt > 0) await Task.Delay(100);
            pages = await Task.WhenAll(silos.MetricsPorts.Select(p => http.GetStringAsync($"http://127.0.0.1:{p}/metrics")));
            emitted = pages.Sum(p => Sample(p, "dagger_node_elements_out_total", ("dagger_dag", run.Id), ("dagger_node", "src")));
            taken = pages.Sum(p => Sample(p, "dagger_node_elements_in_total", ("dagger_dag", run.Id), ("dagger_node", "out")));
            ended = pages.Sum(p => Sample(p, "dagger_runs_ended_total", ("dagger_dag_name", "scraped"), ("dagger_status", "Completed")));
        }

        Assert.True(emitted == 5000, $"src emitted {emitted} by the scrapes:\n{string.Join("\n", pages)}");
        Assert.Equal(5000, taken);
        Assert.Equal(1, ended);
        // Orleans' own meter comes along, and the page is Prometheus' text format.
        Assert.Contains(pages, p => p.Contains("# TYPE dagger_node_batch_duration_seconds histogram", StringComparison.Ordinal));
        Assert.Contains(pages, p => p.Contains("otel_scope_name=\"Microsoft.Orleans\"", StringComparison.Ordinal));
    }

    /// <summary>The sum of the samples of <paramref name="metric"/> whose labels include every one of <paramref name="labels"/>.</summary>
    private static double Sample(string page, string metric, params (string Name, string Value)[] labels)
    {
        double total = 0;
        foreach (Match m in SampleLine().Matches(page))
        {
            if (m.Groups["name"].Value != metric) continue;
            var text = m.Groups["labels"].Value;
            if (labels.All(l => text.Contains($"{l.Name}=\"{l.Value}\"", StringComparison.Ordinal)))
                total += double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
        }
        return total;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?<labels>[^}]*)\} (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}
