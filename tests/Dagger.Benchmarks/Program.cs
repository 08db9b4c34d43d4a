using Dagger.Orleans.Benchmarks;

// A benchmark command, not a test: `dotnet run -c Release --project tests/Dagger.Benchmarks -- chain`.
// See BenchOptions.Usage for the options and results/README.md for how to read the numbers.
BenchOptions options;
try
{
    // `modes`: the ADS-B DAGs' throughput against real time (ModeSBenchmark).
    if (args.Length > 0 && args[0] == "modes") return await ModeSBenchmark.RunAsync(args[1..]);
    // `signal`: what one batch's host↔device copy costs on the ILGPU accelerator (SignalTransferBenchmark).
    if (args.Length > 0 && args[0] == "signal") return SignalTransferBenchmark.Run(args[1..]);
    // `nats`: the NATS stream provider next to the raw NATS.Net client (NatsStreamBenchmark).
    if (args.Length > 0 && args[0] == "nats") return await NatsStreamBenchmark.RunAsync(args[1..]);
    // `mqtt`: the MQTT stream provider next to the raw MQTTnet client (MqttBenchmark).
    if (args.Length > 0 && args[0] == "mqtt") return await MqttBenchmark.RunAsync(args[1..]);
    options = BenchOptions.Parse(args);
}
catch (UsageException e)
{
    if (e.Message.Length > 0) Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return e.Message.Length > 0 ? 2 : 0;
}

#if DEBUG
Console.Error.WriteLine("warning: this is a Debug build; numbers are meaningless. Build and run with -c Release.");
#endif

try
{
    return options.Mode switch
    {
        "alloc" => await AllocBreakdown.RunAsync(options, report: null),
        _ => await ChainBenchmark.RunAsync(options),
    };
}
catch (BenchmarkFailedException e)
{
    Console.Error.WriteLine($"benchmark failed: {e.Message}");
    return 1;
}
