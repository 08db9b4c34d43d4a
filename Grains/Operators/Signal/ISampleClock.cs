namespace Dagger.Orleans.Operators.Signal;

/// <summary>
/// A source whose samples have a clock: the node reports how many samples it emitted and their rate, and the result
/// document turns them into the run's real-time factor (signal duration ÷ run time; above 1: faster than a live
/// receiver delivers).
/// </summary>
public interface ISampleClock
{
    /// <summary>Samples per second of the emitted signal; null when the spec gave none (the factor is then not reported).</summary>
    double? SampleRate { get; }

    /// <summary>Samples emitted so far (complex samples for complex vectors).</summary>
    long SamplesEmitted { get; }
}
