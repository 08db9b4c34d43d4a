namespace Dagger.Orleans.Bench.Hpec;

/// <summary>
/// One HPEC data set as the section measures it: the data (one repetition of the data set, as <c>bench_data</c>
/// elements), the DAG node that processes it, and the operator's CPU code called directly on the whole data set.
/// </summary>
/// <param name="Kernel">"TDFIR", "FDFIR", "CFAR", "corner turn".</param>
/// <param name="Set">e.g. "set 1 (M=64, N=4096, K=128)".</param>
/// <param name="Unit">"Mflop/s" or "MB/s".</param>
/// <param name="WorkPerSet">Mflop (or MB) of one data set, by HPEC's count (see <see cref="HpecSection"/>).</param>
/// <param name="Data">One data set, float32 (complex interleaved when <paramref name="Complex"/>).</param>
/// <param name="Width">Samples (complex) or floats (real) per element.</param>
/// <param name="Op">The operator under test and its arguments.</param>
/// <param name="Batch">The DAG's batch size: at least the elements of one data set in and out (vector batches stop at 1 MiB anyway).</param>
/// <param name="OutputsPerSet">Elements the sink counts per repetition, to check every run.</param>
/// <param name="Direct">Makes the call that processes the whole data set once with the operator's CPU code (buffers made beforehand).</param>
internal sealed record HpecCase(
    string Kernel,
    string Set,
    string Unit,
    double WorkPerSet,
    float[] Data,
    bool Complex,
    int Width,
    string Op,
    string ArgsJson,
    int Batch,
    long OutputsPerSet,
    Func<Action> Direct)
{
    public string Name => $"{Kernel} {Set}";
}
