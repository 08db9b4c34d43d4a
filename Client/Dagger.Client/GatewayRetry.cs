using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Client;

/// <summary>
/// Reads of a run (status, waiting for its end) ride out the loss of the gateway the client was talking to: the
/// silo died, the client moves to another gateway, and asking again is harmless because a read changes nothing.
/// Bounded: after <see cref="Attempts"/> tries the last error goes to the caller.
/// </summary>
internal static class GatewayRetry
{
    public const int Attempts = 20;
    private static readonly TimeSpan DefaultPause = TimeSpan.FromMilliseconds(500);

    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, CancellationToken cancellation = default, TimeSpan? pause = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await read();
            }
            catch (Exception e) when (attempt < Attempts && SiloLoss.IsCallLost(e))
            {
                await Task.Delay(pause ?? DefaultPause, cancellation);
            }
        }
    }
}
