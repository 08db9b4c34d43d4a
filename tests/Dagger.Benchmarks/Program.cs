using BenchmarkDotNet.Running;
using Dagger.Orleans.Benchmarks;

// Micro-benchmarks (BenchmarkDotNet): `dotnet run -c Release --project tests/Dagger.Benchmarks -- --filter '*'`.
// Two measuring modes predate them and are kept, since docs/adsb.md and docs/signal-operators.md cite them:
//   modes   the ADS-B DAGs' throughput against real time (ModeSBenchmark)
//   signal  what one batch's host↔device copy costs on the ILGPU accelerator (SignalTransferBenchmark)
// The end-to-end suites (chain, tasks, latency, scaling, HPEC, radar) are `dagger bench` (docs/benchmarks.md).
try
{
    if (args.Length > 0 && args[0] == "modes") return await ModeSBenchmark.RunAsync(args[1..]);
    if (args.Length > 0 && args[0] == "signal") return SignalTransferBenchmark.Run(args[1..]);
}
catch (UsageException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
var summaries = BenchmarkSwitcher.FromAssembly(typeof(BatchPoolBenchmarks).Assembly).Run(args);
return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
