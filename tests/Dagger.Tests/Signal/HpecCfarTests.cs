using Dagger.Orleans.Gpu;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Operators.Signal;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Signal;

/// <summary>
/// The HPEC Challenge CFAR kernel with its parameter sets (G guard cells, Ncfar reference cells each side, μ = 100):
/// a real data cube (beams × Dopplers × range gates) of Rayleigh noise whose level steps between regions, with
/// targets planted 40 dB above the local noise and spaced beyond each other's windows. The rule: exactly the
/// planted cells are detected, nothing else. Sets 2–4 keep their range length, G, Ncfar and μ but use 2 beams ×
/// 4 Dopplers instead of the full cube, to stay within CI time.
/// </summary>
public sealed class HpecCfarTests
{
    public static TheoryData<string, int, int, int, int, int, double> Sets => new()
    {
        // name, beams, range gates, Dopplers, Ncfar, G, mu
        { "set 1", 16, 64, 24, 5, 4, 100 },
        { "set 2 (reduced cube)", 2, 3500, 4, 10, 8, 100 },
        { "set 3 (reduced cube)", 2, 1909, 4, 10, 8, 100 },
        { "set 4 (reduced cube)", 2, 9900, 4, 20, 16, 100 },
    };

    [Theory]
    [MemberData(nameof(Sets))]
    public void The_cpu_reference_detects_exactly_the_planted_targets(string set, int beams, int gates, int dopplers, int reference, int guard, double mu)
    {
        var (cube, planted) = Cube(beams * dopplers, gates, reference, guard, seed: gates);
        var ratios = new float[cube.Length];

        for (var row = 0; row < beams * dopplers; row++)
            CfarDetector.Ratios(cube.AsSpan(row * gates, gates), ratios.AsSpan(row * gates, gates), guard, reference);

        Assert.Equal(planted, Detections(ratios, mu));
        Assert.NotEmpty(set);
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void The_ilgpu_kernel_on_the_cpu_accelerator_detects_exactly_the_planted_targets(string set, int beams, int gates, int dopplers, int reference, int guard, double mu)
    {
        var (cube, planted) = Cube(beams * dopplers, gates, reference, guard, seed: gates);
        using var kernel = new CfarKernel(SignalData.CpuAccelerator);

        var ratios = kernel.Run(cube, beams * dopplers, gates, guard, reference).ToArray();

        Assert.Equal(planted, Detections(ratios, mu));
        Assert.NotEmpty(set);
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("gpu")]
    public void The_operator_emits_a_record_per_planted_target_keyed_by_element_and_cell(string device)
    {
        const int rows = 6, gates = 200;
        var (cube, planted) = Cube(rows, gates, reference: 5, guard: 4, seed: 5);
        var cfar = OperatorHarness.Create<TransformOperator>("cfar", """{"guard":4,"reference":5,"mu":100}""", device);
        var batch = Batch.Rent(ElementKind.Vector, rows, gates);
        batch.Count = rows;
        cube.CopyTo(batch.Float32s);

        var output = OperatorHarness.Transform(cfar, [batch]);

        var records = output.SelectMany(b => b.RecordSpan.ToArray()).ToList();
        Assert.Equal(planted, records.Select(r => (int)r.Key).ToList());
        Assert.All(records, r => Assert.Equal(cube[r.Key], (float)r.Value));
        Assert.Equal($"element={planted[0] / gates},r={planted[0] % gates}", records[0].Label);
    }

    /// <summary>Rows of Rayleigh noise (power steps ×4 between row thirds) and the flat indices of the planted targets.</summary>
    private static (float[] Cube, List<int> Planted) Cube(int rows, int gates, int reference, int guard, int seed)
    {
        var random = new Random(seed);
        var cube = new float[rows * gates];
        var planted = new List<int>();
        var spacing = 2 * (guard + reference) + 2;
        for (var row = 0; row < rows; row++)
        {
            for (var j = 0; j < gates; j++)
            {
                var level = j < gates / 3 ? 1.0 : j < 2 * gates / 3 ? 2.0 : 1.0;
                var (a, b) = (Gaussian(random), Gaussian(random));
                cube[row * gates + j] = (float)(level * Math.Sqrt((a * a + b * b) / 2));
            }
            // Targets at seeded positions, each farther than G+Ncfar from the last, 40 dB above the noise.
            for (var j = random.Next(spacing); j < gates; j += spacing + random.Next(spacing))
            {
                cube[row * gates + j] = 100f * (j < gates / 3 || j >= 2 * gates / 3 ? 1f : 2f);
                planted.Add(row * gates + j);
            }
        }
        return (cube, planted);
    }

    private static List<int> Detections(ReadOnlySpan<float> ratios, double mu)
    {
        var found = new List<int>();
        for (var i = 0; i < ratios.Length; i++) if (ratios[i] > mu) found.Add(i);
        return found;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
