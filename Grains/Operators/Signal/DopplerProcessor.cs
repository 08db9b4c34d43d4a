namespace Dagger.Orleans.Operators.Signal;

/// <summary>
/// The CPU reference of <c>doppler</c>: P pulses of L range gates (a CPI, pulse-major) become P Doppler bins of L
/// gates: Y[k][m] = Σₚ x[p][m]·exp(−2πj·kp/P) — a corner turn and an FFT across the pulses of each range gate.
/// </summary>
public static class DopplerProcessor
{
    /// <param name="cpi">P·L samples, pulse p at [p·L, (p+1)·L).</param>
    /// <param name="map">P·L samples, Doppler bin k at [k·L, (k+1)·L).</param>
    /// <param name="column">Scratch of 2·P floats.</param>
    public static void Transform(ReadOnlySpan<float> cpi, Span<float> map, int pulses, int gates, FftPlan plan, Span<float> column)
    {
        for (var m = 0; m < gates; m++)
        {
            for (var p = 0; p < pulses; p++)
            {
                column[2 * p] = cpi[2 * (p * gates + m)];
                column[2 * p + 1] = cpi[2 * (p * gates + m) + 1];
            }
            plan.Transform(column, inverse: false);
            for (var k = 0; k < pulses; k++)
            {
                map[2 * (k * gates + m)] = column[2 * k];
                map[2 * (k * gates + m) + 1] = column[2 * k + 1];
            }
        }
    }
}
