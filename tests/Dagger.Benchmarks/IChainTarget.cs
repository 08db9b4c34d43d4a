namespace Dagger.Orleans.Benchmarks;

/// <summary>Something that runs the benchmark chain (source, <c>hops</c> scale stages, counting sink) once per call.</summary>
internal interface IChainTarget : IAsyncDisposable
{
    string Name { get; }

    string Description { get; }

    /// <summary>Runs the chain over <paramref name="elements"/> float32 elements and measures it; throws if the result is wrong.</summary>
    Task<RunSample> RunAsync(long elements, int batch, int hops, double factor);

    /// <summary>Facts about the last run worth reporting (e.g. where nodes ran).</summary>
    IReadOnlyList<string> Notes { get; }
}
