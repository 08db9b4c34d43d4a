using Dagger.Orleans.Operators.Signal;
using Dagger.Orleans.Operators.Signal.Simd;

namespace Dagger.Orleans.Bench.Radar;

/// <summary>
/// The radar pipeline's CPU code called directly, one CPI at a time (what one batch of the DAG carries): pulse
/// compression, Doppler processing (split planes, column FFT), magnitude, CFAR and the count of cells above μ — the
/// code the nodes run, without nodes or edges.
/// </summary>
internal sealed class RadarChain
{
    private const string What = "radar bench";
    private const int Pulses = RadarScene.Pulses, Gates = RadarScene.Gates;
    private readonly MatchedFilter _filter = new(RadarScene.ChirpSamples, RadarScene.Bandwidth);
    private readonly FftPlan _doppler = FftPlan.For(Pulses, What);
    private readonly float[] _compressed = new float[2 * Gates];
    private readonly float[] _re = new float[Pulses * Gates];
    private readonly float[] _im = new float[Pulses * Gates];
    private readonly float[] _bin = new float[2 * Gates];
    private readonly float[] _magnitudes = new float[Gates];
    private readonly float[] _ratios = new float[Gates];

    /// <summary>Processes one CPI (<see cref="RadarScene.Pulses"/> pulses of <see cref="RadarScene.Gates"/> gates) and returns its detections.</summary>
    public int Process(ReadOnlySpan<float> cpi)
    {
        for (var p = 0; p < Pulses; p++)
        {
            _filter.Compress(cpi.Slice(2 * p * Gates, 2 * Gates), _compressed, What);
            var row = _doppler.BitReversed[p] * Gates;
            ComplexLayout.Split(_compressed, _re.AsSpan(row, Gates), _im.AsSpan(row, Gates));
        }
        ColumnFft.Transform(_re, _im, Gates, _doppler);
        var detections = 0;
        for (var k = 0; k < Pulses; k++)
        {
            ComplexLayout.Join(_re.AsSpan(k * Gates, Gates), _im.AsSpan(k * Gates, Gates), _bin, 1f, conjugate: false);
            MagnitudeOperator.Magnitude(_bin, _magnitudes);
            CfarDetector.Ratios(_magnitudes, _ratios, RadarScene.Guard, RadarScene.Reference);
            foreach (var ratio in _ratios)
            {
                if (ratio > RadarScene.Mu) detections++;
            }
        }
        return detections;
    }
}
