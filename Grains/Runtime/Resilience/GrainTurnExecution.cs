using Polly;

namespace Dagger.Orleans.Runtime.Resilience;

/// <summary>
/// Runs a pipeline from inside a grain so that every try, and what follows each pause, runs on the grain's scheduler,
/// as a hand-written awaited loop did. Polly continues on the thread pool by default (it awaits with
/// <c>ConfigureAwait(false)</c>): a try after a pause would then run outside the grain's turn, beside the grain's other
/// work, on state only the grain's own thread may touch.
/// </summary>
internal static class GrainTurnExecution
{
    public static async ValueTask ExecuteInGrainTurnAsync(this ResiliencePipeline pipeline, Func<CancellationToken, ValueTask> operation,
        CancellationToken cancellation = default)
    {
        var context = ResilienceContextPool.Shared.Get(continueOnCapturedContext: true, cancellation);
        try
        {
            await pipeline.ExecuteAsync(static (context, operation) => operation(context.CancellationToken), context, operation);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public static async ValueTask<T> ExecuteInGrainTurnAsync<T>(this ResiliencePipeline pipeline, Func<CancellationToken, ValueTask<T>> operation,
        CancellationToken cancellation = default)
    {
        var context = ResilienceContextPool.Shared.Get(continueOnCapturedContext: true, cancellation);
        try
        {
            return await pipeline.ExecuteAsync(static (context, operation) => operation(context.CancellationToken), context, operation);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
