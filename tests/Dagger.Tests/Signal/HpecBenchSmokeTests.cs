using Dagger.Orleans.Bench;
using Dagger.Orleans.Bench.Hpec;
using Dagger.Orleans.Bench.Radar;
using Dagger.Orleans.Bench.Signal;
using Xunit;
using Xunit.Abstractions;

namespace Dagger.Orleans.Tests.Signal;

/// <summary>
/// The <c>dagger bench</c> sections for the HPEC kernels and the radar pipeline, run quick (small data sets, a fraction
/// of a second per case): every case comes back measured, DAG and direct, with no failure. The numbers prove only
/// that the measuring works.
/// </summary>
public sealed class HpecBenchSmokeTests(ITestOutputHelper log)
{
    [Fact]
    public async Task The_hpec_section_measures_every_kernel_and_data_set_through_a_dag_and_directly()
    {
        var (rows, context) = await RunQuick(new HpecSection());

        Assert.Empty(context.Failures);
        Assert.Equal(10, rows.Count);
        foreach (var kernel in new[] { "TDFIR set 1", "TDFIR set 2", "FDFIR set 1", "FDFIR set 2", "CFAR set 1", "CFAR set 2", "CFAR set 3", "CFAR set 4", "corner turn set 1", "corner turn set 2" })
            Assert.Contains(rows, r => r.Case.StartsWith(kernel, StringComparison.Ordinal));
        Assert.All(rows, r =>
        {
            Assert.Equal("hpec", r.Section);
            Assert.True(r.Value > 0, $"{r.Case}: DAG {r.Value}");
            Assert.True(r.BaselineValue > 0, $"{r.Case}: direct {r.BaselineValue}");
            Assert.Equal(HpecSection.Goal, r.Goal);
        });
    }

    [Fact]
    public async Task The_radar_section_measures_the_pipeline_as_a_dag_and_as_cpu_code_against_real_time_and_numpy()
    {
        var (rows, context) = await RunQuick(new RadarSection());

        Assert.Empty(context.Failures);
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal("samples/s", r.Unit);
            Assert.True(r.Value > 0, $"{r.Case}: {r.Value}");
        });
        Assert.Equal([5e6, 5e6], rows.Take(2).Select(r => r.BaselineValue));
        // numpy is a benchmark peer, not a test dependency: its rows either carry its rate or say it was not measured.
        Assert.All(rows.Skip(2), r => Assert.True(r.BaselineValue > 0 || r.Baseline!.Contains("not measured"), r.Baseline));
    }

    [Fact]
    public async Task The_signal_section_measures_fir_fft_filter_fft_and_the_chain_with_or_without_gnu_radio()
    {
        var (rows, context) = await RunQuick(new SignalSection());

        Assert.Empty(context.Failures);
        Assert.Equal(7, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal("signal", r.Section);
            Assert.True(r.Value > 0, $"{r.Case}: {r.Value}");
            // GNU Radio is a benchmark peer, not a test dependency: measured, or a row that says it was not.
            Assert.True(r.BaselineValue > 0 || r.Baseline!.Contains("not measured"), r.Baseline);
        });
    }

    private async Task<(IReadOnlyList<BenchRow> Rows, BenchContext Context)> RunQuick(IBenchSection section)
    {
        var directory = Directory.CreateTempSubdirectory("dagger-bench-test-");
        try
        {
            using var lines = new StringWriter();
            var context = new BenchContext(Quick: true, directory.FullName, lines);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var rows = await section.RunAsync(context, timeout.Token);
            log.WriteLine(lines.ToString());
            foreach (var failure in context.Failures) log.WriteLine("failure: " + failure);
            return (rows, context);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
