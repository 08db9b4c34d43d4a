using System.Globalization;
using System.Numerics;
using Dagger.Orleans.Operators.Signal;

namespace Dagger.Orleans.Bench.Hpec;

/// <summary>
/// The HPEC Challenge data sets the section runs, at full size or (quick) cut down to a few rows with the same
/// vector lengths and parameters, and their workloads by HPEC's counts.
/// </summary>
internal static class HpecCases
{
    public static IEnumerable<HpecCase> All(bool quick)
    {
        // TDFIR / FDFIR: M filters, N samples, K taps. Set 1 cut to 4 filters when quick (each filter is a full-size row).
        yield return TdFir("set 1", quick ? 4 : 64, 4096, 128);
        yield return TdFir("set 2", 20, 1024, 12);
        yield return FdFir("set 1", quick ? 4 : 64, 4096, 128);
        yield return FdFir("set 2", 20, 1024, 12);
        // CFAR: beams, range gates, Dopplers, Ncfar, G (mu = 100). Sets 2-4 keep their range length, Ncfar and G;
        // quick runs use 2 beams x 4 Dopplers of them (as HpecCfarTests do), full runs the whole cube.
        yield return Cfar("set 1", 16, 64, 24, 5, 4);
        yield return Cfar("set 2", quick ? 2 : 48, 3500, quick ? 4 : 128, 10, 8);
        yield return Cfar("set 3", quick ? 2 : 48, 1909, quick ? 4 : 64, 10, 8);
        yield return Cfar("set 4", quick ? 2 : 16, 9900, quick ? 4 : 16, 20, 16);
        // Corner turn: rows x columns of float32. Set 2 cut to 150 x 1000 (same aspect) when quick.
        yield return CornerTurn("set 1", 50, 5000);
        yield return quick ? CornerTurn("set 2 (150 x 1000 stand-in)", 150, 1000) : CornerTurn("set 2", 750, 5000);
    }

    /// <summary>HPEC TDFIR workload: 8·M·N·K flops (a complex multiply-add is 8 real flops).</summary>
    public static double TdFirMflop(int m, int n, int k) => 8.0 * m * n * k / 1e6;

    /// <summary>HPEC FDFIR workload (its radix-2 count) with F, our transform length: M·(2·5·F·log₂F + 8·F) flops.</summary>
    public static double FdFirMflop(int m, int fftLength) => m * (2 * 5.0 * fftLength * BitOperations.Log2((uint)fftLength) + 8.0 * fftLength) / 1e6;

    /// <summary>HPEC CFAR workload: 7 flops per cell of the beams × Dopplers × range gates cube.</summary>
    public static double CfarMflop(int beams, int gates, int dopplers) => 7.0 * beams * dopplers * gates / 1e6;

    /// <summary>HPEC corner-turn workload: the bytes read plus the bytes written, 2·rows·columns·4.</summary>
    public static double CornerTurnMegabytes(int rows, int columns) => 2.0 * rows * columns * 4 / 1e6;

    private static HpecCase TdFir(string set, int m, int n, int k)
    {
        var (inputs, taps) = Bank(m, n, k);
        return new HpecCase("TDFIR", $"{set} (M={m}, N={n}, K={k})", "Mflop/s", TdFirMflop(m, n, k), inputs, Complex: true, n,
            "fir", TapsArgs(taps), m, m,
            () =>
            {
                var y = new float[2 * (n + k - 1)];
                return () =>
                {
                    for (var f = 0; f < m; f++) Convolution.Full(inputs.AsSpan(2 * f * n, 2 * n), taps, y);
                };
            });
    }

    private static HpecCase FdFir(string set, int m, int n, int k)
    {
        var (inputs, taps) = Bank(m, n, k);
        var filter = new FastConvolution(taps);
        var fftLength = filter.FftLength(n, null, "bench");
        return new HpecCase("FDFIR", $"{set} (M={m}, N={n}, K={k}, F={fftLength})", "Mflop/s", FdFirMflop(m, fftLength), inputs, Complex: true, n,
            "fdfir", TapsArgs(taps), m, m,
            () =>
            {
                var y = new float[2 * (n + k - 1)];
                return () =>
                {
                    for (var f = 0; f < m; f++) filter.Full(inputs.AsSpan(2 * f * n, 2 * n), y, fftLength, "bench");
                };
            });
    }

    private static HpecCase Cfar(string set, int beams, int gates, int dopplers, int reference, int guard)
    {
        var rows = beams * dopplers;
        var (cube, planted) = HpecData.CfarCube(rows, gates, spacing: 2 * (guard + reference) + 2, seed: gates);
        return new HpecCase("CFAR", $"{set} (Nbm={beams}, Nrg={gates}, Ndop={dopplers}, Ncfar={reference}, G={guard})", "Mflop/s",
            CfarMflop(beams, gates, dopplers), cube, Complex: false, gates,
            "cfar", $$"""{"guard":{{guard}},"reference":{{reference}},"mu":100}""", rows, planted,
            () =>
            {
                var ratios = new float[gates];
                return () =>
                {
                    for (var r = 0; r < rows; r++) CfarDetector.Ratios(cube.AsSpan(r * gates, gates), ratios, guard, reference);
                };
            });
    }

    private static HpecCase CornerTurn(string set, int rows, int columns)
    {
        var matrix = HpecData.RandomReal(rows * columns, seed: rows);
        return new HpecCase("corner turn", $"{set} ({rows} x {columns} float32)", "MB/s", CornerTurnMegabytes(rows, columns), matrix, Complex: false, columns,
            "corner_turn", $$"""{"rows":{{rows}},"cols":{{columns}}}""", Math.Max(rows, columns), columns,
            () =>
            {
                var turned = new float[rows * columns];
                return () => Operators.Signal.CornerTurn.Transpose(matrix, turned, rows, columns, components: 1);
            });
    }

    /// <summary>
    /// M inputs and one set of K taps, seeded uniform in [−1, 1). HPEC gives each filter its own taps; the <c>fir</c> and
    /// <c>fdfir</c> nodes apply one set to every element, so both sides of the comparison use one set (the work is the same).
    /// </summary>
    private static (float[] Inputs, float[] Taps) Bank(int m, int n, int k) =>
        (HpecData.RandomComplex(m * n, seed: 1000 + m), HpecData.RandomComplex(k, seed: 2000 + m));

    private static string TapsArgs(float[] taps)
    {
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < taps.Length; i += 2)
        {
            if (i > 0) text.Append(';');
            text.Append(taps[i].ToString("R", CultureInfo.InvariantCulture)).Append(',').Append(taps[i + 1].ToString("R", CultureInfo.InvariantCulture));
        }
        return new System.Text.Json.Nodes.JsonObject { ["taps"] = text.ToString() }.ToJsonString();
    }
}
