using Dagger.Orleans.Gpu;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Operators.Signal;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Signal;

public sealed class FftTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(256)]
    [InlineData(1024)]
    public void The_cpu_fft_matches_a_double_precision_dft(int n)
    {
        var x = SignalData.RandomComplex(n, seed: n);
        var y = (float[])x.Clone();

        FftPlan.For(n, "test").Transform(y, inverse: false);

        // Radix-2 in float32: the error grows like log2(n)·eps relative to the spectrum's scale.
        Assert.True(SignalData.RelativeMaxError(y, SignalData.Dft(x, inverse: false)) < 1e-6 * (1 + Math.Log2(n)));
    }

    [Fact]
    public void Inverse_of_forward_gives_back_the_signal()
    {
        var x = SignalData.RandomComplex(512, seed: 7);
        var y = (float[])x.Clone();
        var plan = FftPlan.For(512, "test");

        plan.Transform(y, inverse: false);
        plan.Transform(y, inverse: true);

        Assert.True(SignalData.RelativeMaxError(y, Array.ConvertAll(x, v => (double)v)) < 1e-6);
    }

    [Fact]
    public void The_inverse_fft_matches_a_scaled_inverse_dft()
    {
        var x = SignalData.RandomComplex(64, seed: 3);
        var y = (float[])x.Clone();

        FftPlan.For(64, "test").Transform(y, inverse: true);

        Assert.True(SignalData.RelativeMaxError(y, SignalData.Dft(x, inverse: true)) < 1e-6);
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("gpu")]
    public void A_length_that_is_not_a_power_of_two_is_refused_naming_the_node(string device)
    {
        var fft = OperatorHarness.Create<TransformOperator>("fft", "{}", device);

        var error = Assert.Throws<ArgumentException>(() => OperatorHarness.Transform(fft, [OperatorHarness.ComplexBatch(new float[2 * 12])]));

        Assert.Contains("power-of-two", error.Message);
        Assert.Contains("12", error.Message);
        Assert.Contains("node 'fft'", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_kernel_on_the_ilgpu_cpu_accelerator_matches_the_dft_for_a_batch_of_rows(bool inverse)
    {
        const int n = 256, rows = 5;
        var x = SignalData.RandomComplex(n * rows, seed: 11);
        using var kernel = new FftKernel(SignalData.CpuAccelerator);
        var batch = Batch.Rent(ElementKind.Complex, rows, n);
        batch.Count = rows;
        x.CopyTo(batch.Float32s);
        var output = new OutputBuffer(1024);

        kernel.Run(batch, output, inverse, "test");
        output.Flush();

        var result = output.TakeReady();
        for (var r = 0; r < rows; r++)
        {
            var reference = SignalData.Dft(x.AsSpan(2 * r * n, 2 * n), inverse);
            Assert.True(SignalData.RelativeMaxError(result.ComplexVector(r), reference) < 1e-5, $"row {r}");
        }
        result.Release();
        batch.Release();
    }
}
