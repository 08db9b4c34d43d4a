using Dagger.Orleans.Gpu;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Operators.Signal;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Bench.Radar;

/// <summary>
/// The radar pipeline's kernels called directly, one CPI at a time (what one batch of the DAG carries): pulse
/// compression, Doppler processing, magnitude, CFAR and the pick of the cells above μ — no nodes, no edges.
/// </summary>
internal sealed class RadarChain : IDisposable
{
    private const string What = "radar bench";
    private readonly PulseCompressKernel _compress;
    private readonly DopplerKernel _doppler;
    private readonly MagnitudeKernel _magnitude;
    private readonly CfarKernel _cfar;
    private readonly MatchedFilter _filter = new(RadarScene.ChirpSamples, RadarScene.Bandwidth);
    private readonly float[] _compressed = new float[2 * RadarScene.SamplesPerCpi];
    private readonly OutputBuffer _magnitudes = new(RadarScene.Pulses);

    public RadarChain(SharedAccelerator gpu)
    {
        _compress = new PulseCompressKernel(gpu);
        _doppler = new DopplerKernel(gpu);
        _magnitude = new MagnitudeKernel(gpu);
        _cfar = new CfarKernel(gpu);
    }

    /// <summary>Processes one CPI (<see cref="RadarScene.Pulses"/> pulses of <see cref="RadarScene.Gates"/> gates) and returns its detections.</summary>
    public int Process(ReadOnlySpan<float> cpi)
    {
        const int pulses = RadarScene.Pulses, gates = RadarScene.Gates;
        _compress.Run(cpi, pulses, gates, _filter, What).CopyTo(_compressed);
        var map = Batch.Rent(ElementKind.Complex, pulses, gates);
        map.Count = pulses;
        _doppler.Run(_compressed, pulses, gates, What).CopyTo(map.Float32s);
        _magnitude.Run(map, _magnitudes);
        map.Release();
        _magnitudes.Flush();
        var detections = 0;
        while (_magnitudes.HasReady)
        {
            var magnitudes = _magnitudes.TakeReady();
            var ratios = _cfar.Run(magnitudes.Float32s, magnitudes.Count, gates, RadarScene.Guard, RadarScene.Reference);
            for (var i = 0; i < ratios.Length; i++)
            {
                if (ratios[i] > RadarScene.Mu) detections++;
            }
            magnitudes.Release();
        }
        return detections;
    }

    public void Dispose()
    {
        _compress.Dispose();
        _doppler.Dispose();
        _magnitude.Dispose();
        _cfar.Dispose();
    }
}
