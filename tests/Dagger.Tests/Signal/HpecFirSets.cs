using Xunit;

namespace Dagger.Orleans.Tests.Signal;

/// <summary>
/// The HPEC Challenge TDFIR data sets, which its FDFIR kernel uses too: M filters, each with K complex taps and an
/// N-sample complex input. Data: seeded uniform random complex numbers in [−1, 1), as HPEC's generator makes them.
/// </summary>
internal static class HpecFirSets
{
    /// <summary>Single-precision ε in HPEC's error bounds.</summary>
    public const double Epsilon = 1.19e-7;

    /// <summary>(M, N, K) per data set.</summary>
    public static TheoryData<int, int, int> Sets => new()
    {
        { 64, 4096, 128 }, // set 1
        { 20, 1024, 12 },  // set 2
    };

    /// <summary>The M inputs (N samples each) and M tap sets (K each), interleaved re,im, one after another.</summary>
    public static (float[] Inputs, float[] Taps) Bank(int m, int n, int k) =>
        (SignalData.RandomComplex(m * n, seed: 1000 + m), SignalData.RandomComplex(m * k, seed: 2000 + m));
}
