using System.Text.Json;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators;

/// <summary>
/// The base of every operator. Derive from <see cref="SourceOperator"/>, <see cref="TransformOperator"/>,
/// <see cref="ElementwiseOperator"/>, <see cref="LockstepOperator"/> or <see cref="SinkOperator"/>, mark the class
/// <c>[Operator("name")]</c> and its arguments <c>[Arg("name")]</c>; the silo finds it by name.
/// One instance runs one node, on one thread at a time.
/// </summary>
public abstract class DaggerOperator
{
    /// <summary>The node this instance runs (set before the first call).</summary>
    public string NodeId { get; internal set; } = "";

    /// <summary>Elements per output batch (the spec's <c>defaults.batch</c>).</summary>
    public int BatchSize { get; internal set; } = 1024;

    /// <summary>The device the node asked for: <c>"cpu"</c> (default), <c>"gpu"</c> or <c>"any"</c> (set before the first call).</summary>
    public string Device { get; internal set; } = "cpu";

    internal virtual int DefaultMinInputs => 1;

    internal virtual int DefaultMaxInputs => 1;

    internal virtual bool IsSink => false;

    /// <summary>
    /// Writes what this operator has to remember to go on somewhere else — a live migration to another silo, a
    /// checkpoint — as one JSON value. An operator with state (counters, accumulators, history carried between
    /// batches) must override this and <see cref="RestoreState"/>; the default, for stateless operators, writes null.
    /// Arguments are not state: they come back from the spec.
    /// </summary>
    public virtual void SaveState(Utf8JsonWriter writer) => writer.WriteNullValue();

    /// <summary>Takes back what <see cref="SaveState"/> wrote, on a fresh instance made from the same arguments.</summary>
    public virtual void RestoreState(JsonElement state)
    {
    }
}

/// <summary>An operator with no inputs.</summary>
public abstract class SourceOperator : DaggerOperator
{
    internal override int DefaultMinInputs => 0;

    internal override int DefaultMaxInputs => 0;

    /// <summary>Writes the next elements (about a batch) to <paramref name="output"/>; returns false once the source is exhausted.
    /// <paramref name="cancellation"/> fires when the run is cancelled: stop producing then.</summary>
    public abstract ValueTask<bool> ProduceAsync(OutputBuffer output, CancellationToken cancellation);
}

/// <summary>
/// An operator that turns input batches into output. Multi-input transforms (like <c>merge</c>) receive batches as they
/// arrive, with their port. The input is a read-only view for the length of the call; to compute in place, take
/// <see cref="InputBatch.Writable"/> (a private copy only when the batch is shared) and forward that.
/// </summary>
public abstract class TransformOperator : DaggerOperator
{
    public abstract ValueTask TransformAsync(int port, InputBatch input, OutputBuffer output, CancellationToken cancellation);
}

/// <summary>
/// A one-input, one-output operator defined by a function on numbers, applied in place to every kind of numeric
/// element: int64 (read as float64, emitted as float64), float64, float32, each component of a float32 vector,
/// the re and the im part of each complex sample, and a record's value.
/// </summary>
public abstract class ElementwiseOperator : TransformOperator
{
    public abstract double Apply(double x);

    public sealed override ValueTask TransformAsync(int port, InputBatch view, OutputBuffer output, CancellationToken cancellation)
    {
        var input = view.Writable();
        switch (input.Kind)
        {
            case ElementKind.Int64:
                input.ConvertInt64ToFloat64InPlace();
                ApplyAll(input.Float64s);
                break;
            case ElementKind.Float64:
                ApplyAll(input.Float64s);
                break;
            case ElementKind.Float32:
            case ElementKind.Vector:
            case ElementKind.Complex:
                ApplyAll(input.Float32s);
                break;
            case ElementKind.Record:
                foreach (var record in input.RecordSpan) record.Value = Apply(record.Value);
                break;
        }
        output.Forward(input);
        return ValueTask.CompletedTask;
    }

    /// <summary>Applies <see cref="Apply"/> to every value; override with a vectorised loop that gives the same numbers.</summary>
    protected virtual void ApplyAll(Span<double> values)
    {
        for (var i = 0; i < values.Length; i++) values[i] = Apply(values[i]);
    }

    /// <summary>Applies <see cref="Apply"/> (in 64-bit arithmetic, rounded back to 32 bits) to every value.</summary>
    protected virtual void ApplyAll(Span<float> values)
    {
        for (var i = 0; i < values.Length; i++) values[i] = (float)Apply(values[i]);
    }
}

/// <summary>
/// An operator over inputs read in lockstep: element i of every input combines into element i of the output.
/// It ends when any input ends.
/// </summary>
public abstract class LockstepOperator : DaggerOperator
{
    internal override int DefaultMinInputs => 2;

    internal override int DefaultMaxInputs => 2;

    public abstract double Combine(double a, double b);
}

/// <summary>An operator with no outputs whose end state is the node's result.</summary>
public abstract class SinkOperator : DaggerOperator
{
    private long _chargedBytes;
    private ResultTarget? _resultTarget;
    private Task<SinkResult>? _ending;

    internal override bool IsSink => true;

    /// <summary>The most bytes the result may take as JSON (<c>DaggerOptions.MaxResultBytes</c>); the runtime sets it.</summary>
    public long MaxResultBytes { get; internal set; } = long.MaxValue;

    /// <summary>
    /// Where the result is written as it is produced (set by the runtime: the result store in chunks, or a file of
    /// <c>DaggerOptions.ResultsDirectory</c>); null when the operator runs on its own, and its result is kept for
    /// <see cref="ResultJson"/>.
    /// </summary>
    internal Func<ResultTarget>? ResultTargets { get; set; }

    /// <summary>The target this sink has written to so far (null before its first streamed write).</summary>
    internal ResultTarget? ResultTarget => _resultTarget;

    /// <summary>
    /// The writer of this sink's result where it goes (the result store, a file), for a sink that writes what it
    /// receives as it comes (<c>collect</c>) rather than keep it; opened at first use with
    /// <see cref="StartStreamedResult"/>. Null when the operator runs on its own (no runtime): keep what you receive then.
    /// </summary>
    protected Utf8JsonWriter? StreamedResult
    {
        get
        {
            if (ResultTargets is null) return null;
            if (_resultTarget is null)
            {
                _resultTarget = ResultTargets();
                StartStreamedResult(_resultTarget.Writer);
                _resultTarget.Flush();
                _resultTarget.OpeningWritten();
            }
            return _resultTarget.Writer;
        }
    }

    /// <summary>Writes what goes before the first streamed element (collect: the array's '[').</summary>
    protected virtual void StartStreamedResult(Utf8JsonWriter writer) { }

    /// <summary>Writes what closes a streamed result (collect: the array's ']').</summary>
    protected virtual void EndStreamedResult(Utf8JsonWriter writer) { }

    /// <summary>Hands a streamed result's pending bytes to its target: call after each batch, so they are not held in memory.</summary>
    protected void FlushStreamedResult() => _resultTarget?.Flush();

    /// <summary>
    /// Takes up a streamed result where another activation of this node left it (a move, a checkpoint):
    /// <paramref name="target"/> holds what was written, and the writer, new, is brought to the state the old one was
    /// in by writing the opening again — and a value, when values followed it — into nothing.
    /// </summary>
    internal void ResumeStreamedResult(Runtime.Results.ChunkedResult target, bool valuesWritten)
    {
        _resultTarget = target;
        target.WriteDiscarded(writer =>
        {
            StartStreamedResult(writer);
            if (valuesWritten) writer.WriteNullValue();
        });
    }

    /// <summary>
    /// Writes the result to its target — a streamed one is closed, any other written whole now — and ends it there.
    /// The runtime calls this once the inputs have ended, or the node was cancelled (a forceful cancel may come while
    /// the end is being stored: both get the one result).
    /// </summary>
    internal ValueTask<SinkResult> EndResultAsync()
    {
        if (ResultTargets is null) return ValueTask.FromResult(new SinkResult(ResultJson(), null));
        return new ValueTask<SinkResult>(_ending ??= EndTargetAsync());
    }

    private async Task<SinkResult> EndTargetAsync()
    {
        if (_resultTarget is { } streamed) EndStreamedResult(streamed.Writer);
        else
        {
            _resultTarget = ResultTargets!();
            WriteResult(_resultTarget.Writer);
        }
        _resultTarget.Flush();
        return await _resultTarget.CompleteAsync();
    }

    public abstract void Consume(InputBatch input);

    /// <summary>
    /// Takes one batch, awaiting what it must (a socket write): the node hands over the next batch only once this has
    /// completed, so a slow destination slows the DAG instead of filling memory. The default calls <see cref="Consume"/>.
    /// <paramref name="cancellation"/> fires on forceful cancellation.
    /// </summary>
    public virtual ValueTask ConsumeAsync(InputBatch input, CancellationToken cancellation)
    {
        Consume(input);
        return ValueTask.CompletedTask;
    }

    /// <summary>Runs once every input has ended, before <see cref="WriteResult"/>: a sink writing to a socket or a file
    /// flushes and closes it here, so the result says what really went out.</summary>
    public virtual ValueTask EndAsync(CancellationToken cancellation) => ValueTask.CompletedTask;

    /// <summary>Writes the result (one JSON value) once every input has ended.</summary>
    public abstract void WriteResult(Utf8JsonWriter writer);

    /// <summary>
    /// A sink that keeps what it receives (<c>collect</c>) charges, before keeping it, at least the bytes it will add to
    /// the result: past <see cref="MaxResultBytes"/> the node fails then, naming the cap, instead of growing the silo's
    /// memory until the result is written (an endless source into <c>collect</c> once took 7 GB in 15 s).
    /// </summary>
    /// <exception cref="ResultTooLargeException">The charges so far pass the cap.</exception>
    protected void ChargeResult(long bytes)
    {
        _chargedBytes += bytes;
        if (_chargedBytes > MaxResultBytes) throw new ResultTooLargeException(NodeId, MaxResultBytes);
    }

    /// <summary>The result as JSON text, for an operator run on its own; a sink that charged nothing is held to the cap here, as it writes.</summary>
    /// <exception cref="ResultTooLargeException">The result passes <see cref="MaxResultBytes"/>.</exception>
    public string ResultJson()
    {
        var buffer = new CappedBufferWriter(MaxResultBytes, NodeId);
        using (var json = new Utf8JsonWriter(buffer)) WriteResult(json);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
