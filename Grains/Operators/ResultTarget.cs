using System.Text.Json;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators;

/// <summary>
/// Where a sink's result goes as JSON while it is written, so that no copy of a big result is ever held whole: a file
/// (<see cref="ResultFile"/>, <c>dagger run --results-dir</c> on the embedded silo) or the cluster's result store in
/// chunks (<c>Runtime.Results.ChunkedResult</c>). A sink that streams (<c>collect</c>) writes each batch's elements as
/// they come; any other sink writes its result here once its inputs have ended.
/// </summary>
internal abstract class ResultTarget : IDisposable
{
    public abstract Utf8JsonWriter Writer { get; }

    /// <summary>Hands what the writer holds on (to the file, or into chunks), so a streamed result takes no memory between batches.</summary>
    public void Flush() => Writer.Flush();

    /// <summary>Called once the streamed result's opening (collect: <c>[</c>) is written.</summary>
    public virtual void OpeningWritten()
    {
    }

    /// <summary>Whether written bytes wait to be sent on (the node sends them between batches, with <see cref="SendAsync"/>).</summary>
    public virtual bool HasUnsent => false;

    /// <summary>Sends on what waits (sealed chunks to the store).</summary>
    public virtual Task SendAsync() => Task.CompletedTask;

    /// <summary>Ends the result (its JSON is all written and flushed): the sink's entry in the run's status.</summary>
    public abstract ValueTask<SinkResult> CompleteAsync();

    public abstract void Dispose();
}

/// <summary>A sink's result as the run's status gets it: its JSON text inline, or where it was stored.</summary>
internal readonly record struct SinkResult(string? Json, ResultDescriptor? Stored)
{
    public static readonly SinkResult None = new(null, null);
}
