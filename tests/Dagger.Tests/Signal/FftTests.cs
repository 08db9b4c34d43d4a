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
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(64)]
    [InlineData(256)]
    [InlineData(1024)]
    [InlineData(8192)]
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

    /// <summary>Lengths that are not powers of two go through Bluestein's algorithm on a power-of-two FFT.</summary>
    [Theory]
    [InlineData(3, false)]
    [InlineData(5, true)]
    [InlineData(12, false)]
    [InlineData(100, true)]
    [InlineData(1000, false)]
    [InlineData(1023, true)]
    public void Any_length_matches_a_double_precision_dft(int n, bool inverse)
    {
        var x = SignalData.RandomComplex(n, seed: n);
        var y = (float[])x.Clone();

        FftPlan.ForAnyLength(n, "test").Transform(y, inverse);

        Assert.True(SignalData.RelativeMaxError(y, SignalData.Dft(x, inverse)) < 2e-6 * (1 + Math.Log2(n)), $"n = {n}");
    }

    /// <summary>Our own FFT, whether or not FFTW is installed (plans use FFTW for some lengths where it is).</summary>
    [Theory]
    [InlineData(8, false)]
    [InlineData(1024, true)]
    [InlineData(4096, false)]
    [InlineData(12, true)]
    [InlineData(1000, false)]
    public void Our_own_fft_matches_a_double_precision_dft(int n, bool inverse)
    {
        var x = SignalData.RandomComplex(n, seed: n + 1);
        var y = (float[])x.Clone();
        var plan = FftPlan.Managed(n);

        plan.Transform(y, inverse);

        Assert.False(plan.UsesFftw);
        Assert.True(SignalData.RelativeMaxError(y, SignalData.Dft(x, inverse)) < 2e-6 * (1 + Math.Log2(n)), $"n = {n}");
    }

    [Fact]
    public void Fftw_runs_the_lengths_it_measured_faster_on_when_it_is_installed()
    {
        var installed = Dagger.Orleans.Operators.Signal.Simd.Fftw.Available;

        Assert.Equal(installed, FftPlan.ForAnyLength(1000, "test").UsesFftw);
        Assert.Equal(installed, FftPlan.For(4096, "test").UsesFftw);
        Assert.False(FftPlan.For(256, "test").UsesFftw);
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("gpu")]
    public void The_fft_operator_takes_a_length_that_is_not_a_power_of_two(string device)
    {
        var x = SignalData.RandomComplex(12, seed: 5);
        var fft = OperatorHarness.Create<TransformOperator>("fft", "{}", device);

        var output = OperatorHarness.Elements(OperatorHarness.Transform(fft, [OperatorHarness.ComplexBatch([(float[])x.Clone()])]));

        Assert.True(SignalData.RelativeMaxError(output[0], SignalData.Dft(x, inverse: false)) < 1e-5);
    }

    [Fact]
    public void A_power_of_two_plan_refuses_another_length_naming_what_asked()
    {
        var error = Assert.Throws<ArgumentException>(() => FftPlan.For(12, "doppler (node 'd')"));

        Assert.Contains("power-of-two", error.Message);
        Assert.Contains("12", error.Message);
        Assert.Contains("node 'd'", error.Message);
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
