using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dagger.Orleans.Bench.Measuring;
using Dagger.Orleans.Client;
using Dagger.Orleans.Hosting;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Operators.Radio;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;

namespace Dagger.Orleans.Benchmarks;

/// <summary>
/// Throughput of the ADS-B DAGs (docs/adsb.md) against the real-time rate of 2 Msps:
/// <c>dotnet run -c Release --project tests/Dagger.Benchmarks -- modes [--copies 50] [--chunks 4] [--runs 3] [--two-silo]
/// [--capture PATH]</c>. Builds a file of the capture repeated <c>--copies</c> times in the temp folder, then times the
/// sequential DAG and the parallel one (chunks decoded side by side) on it, and the bare decoder for comparison.
/// </summary>
internal static class ModeSBenchmark
{
    private const double RealTimeRate = 2_000_000;

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            return await MeasureAsync(args);
        }
        catch (BenchmarkFailedException e)
        {
            Console.Error.WriteLine($"benchmark failed: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> MeasureAsync(string[] args)
    {
        var copies = 50;
        var chunks = 4;
        var runs = 3;
        var twoSilo = false;
        var capture = DefaultCapture();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--copies": copies = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--chunks": chunks = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--capture": capture = Path.GetFullPath(Value()); break;
                case "--two-silo": twoSilo = true; break;
                default: throw new UsageException($"modes: unknown option {args[i]}; options: --copies N --chunks K --runs R --capture PATH --two-silo");
            }
        }
        if (!File.Exists(capture)) throw new BenchmarkFailedException($"no capture at {capture} (pass --capture PATH)");

        var file = BuildRepeatedFile(capture, copies);
        var samples = new FileInfo(file).Length / 2;
        Console.WriteLine($"# Mode S throughput: {copies} x {Path.GetFileName(capture)} = {samples:N0} samples ({samples / RealTimeRate:F2} s of signal at 2 Msps), {Environment.ProcessorCount} cores");
        Console.WriteLine();

        var (decoderSeconds, decoderFrames) = TimeBareDecoder(file);
        Console.WriteLine("| what | seconds (best of runs) | samples/s | x real time | frames |");
        Console.WriteLine("|---|---|---|---|---|");
        Row("bare ModeSDetector + ModeSFrameSet (1 thread, magnitudes precomputed)", decoderSeconds, samples, decoderFrames);

        var (client, dispose, where) = twoSilo ? await StartTwoSilosAsync() : await StartEmbeddedAsync();
        try
        {
            // Warm up both DAGs on the capture itself: JIT and first activations are not what is measured.
            await RunDagAsync(client, AdsbDags.Sequential(capture).Build());
            await RunDagAsync(client, AdsbDags.Parallel(capture, new FileInfo(capture).Length / 2, chunks).Build());

            var sequential = await BestOfAsync(client, AdsbDags.Sequential(file).Build(), runs);
            Row($"sequential DAG ({where}): iq_file -> magnitude -> modes_detect -> frames", sequential.Seconds, samples, sequential.Count);
            var parallel = await BestOfAsync(client, AdsbDags.Parallel(file, samples, chunks).Build(), runs);
            Row($"parallel DAG ({where}): {chunks} overlapping chunks -> merge -> frames", parallel.Seconds, samples, parallel.Count);
            if (parallel.Result != sequential.Result)
                throw new BenchmarkFailedException("the parallel DAG's frames differ from the sequential DAG's");
            Console.WriteLine();
            Console.WriteLine("The parallel DAG's result is identical to the sequential DAG's. Seconds are the DAG's own (DagStatus.Seconds, submit to last sink).");
        }
        finally
        {
            await dispose();
        }
        return 0;
    }

    /// <summary>The shared data folder beside the checkout: &lt;repo root&gt;/../shared/data/adsb/modes1.bin.</summary>
    private static string DefaultCapture()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dagger.Orleans.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "adsb", "modes1.bin"));
        }
        throw new BenchmarkFailedException($"no Dagger.Orleans.sln above {AppContext.BaseDirectory}; pass --capture PATH");
    }

    private static void Row(string what, double seconds, long samples, int frames) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {what} | {seconds:F3} | {samples / seconds / 1e6:F1} M | {samples / seconds / RealTimeRate:F1} | {frames} |"));

    private static string BuildRepeatedFile(string capture, int copies)
    {
        var bytes = File.ReadAllBytes(capture);
        var path = Path.Combine(Path.GetTempPath(), $"dagger-modes-{copies}x-{bytes.Length}.cu8");
        if (File.Exists(path) && new FileInfo(path).Length == (long)bytes.Length * copies) return path;
        using var output = File.Create(path);
        for (var c = 0; c < copies; c++) output.Write(bytes);
        return path;
    }

    private static (double Seconds, int Frames) TimeBareDecoder(string file)
    {
        var bytes = File.ReadAllBytes(file);
        var magnitudes = new float[bytes.Length / 2];
        for (var n = 0; n < magnitudes.Length; n++)
        {
            var re = (bytes[2 * n] - 127.5f) / 127.5f;
            var im = (bytes[2 * n + 1] - 127.5f) / 127.5f;
            magnitudes[n] = MathF.Sqrt(re * re + im * im);
        }
        var best = double.MaxValue;
        var frames = 0;
        for (var run = 0; run < 3; run++)
        {
            var start = Stopwatch.GetTimestamp();
            var detector = new ModeSDetector();
            var found = new List<ModeSFrame>();
            for (var at = 0; at < magnitudes.Length; at += 4096) detector.Push(magnitudes.AsSpan(at, Math.Min(4096, magnitudes.Length - at)), found);
            var set = new ModeSFrameSet();
            foreach (var f in found) set.Add(f.Offset, f.Hex, f.BitsRepaired);
            frames = set.Resolve().Count;
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return (best, frames);
    }

    private sealed record DagTiming(double Seconds, int Count, string Result);

    private static async Task<DagTiming> BestOfAsync(DaggerClient client, DagSpec spec, int runs)
    {
        DagTiming? best = null;
        for (var run = 0; run < runs; run++)
        {
            var timing = await RunDagAsync(client, spec);
            if (best is null || timing.Seconds < best.Seconds) best = timing;
        }
        return best!;
    }

    private static async Task<DagTiming> RunDagAsync(DaggerClient client, DagSpec spec)
    {
        var run = await client.SubmitAsync(spec);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var status = await run.WaitAsync(TimeSpan.FromMilliseconds(100), timeout.Token);
        if (status.State != DagState.Completed) throw new BenchmarkFailedException($"{spec.Name}: DAG {run.Id} ended {status.State}: {status.Error}");
        var result = status.Results["frames"];
        var count = JsonDocument.Parse(result).RootElement.GetProperty("count").GetInt32();
        return new DagTiming(status.Seconds, count, result);
    }

    private static async Task<(DaggerClient, Func<ValueTask>, string)> StartEmbeddedAsync()
    {
        var client = await DaggerClient.StartEmbeddedAsync(logLevel: LogLevel.Warning);
        return (client, client.DisposeAsync, "embedded silo");
    }

    private static async Task<(DaggerClient, Func<ValueTask>, string)> StartTwoSilosAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureHost(host => host.Logging.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureSilo((_, silo) => silo.AddDagger(o => o.Files.Unrestricted = true));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        var client = DaggerClient.ForGrainFactory(cluster.Client, OperatorCatalog.FromLoadedAssemblies(), [Transports.Memory]);
        return (client, cluster.DisposeAsync, "2 in-process silos");
    }
}
