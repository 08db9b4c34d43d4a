using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace Dagger.Orleans.Wire;

/// <summary>
/// Whether a grain call failed because the silo it went to (or through) is gone or going: the silo died, or the
/// target activation was deactivating as the call reached it. Orleans reports it in several shapes: a connection
/// that cannot be made, an unavailable silo, or a rejection that carries either only as text. A call that failed
/// this way never ran, so the caller may ask again once the cluster has moved on.
/// </summary>
public static class SiloLoss
{
    public static bool IsCallLost(Exception e) => e is ConnectionFailedException or OrleansMessageRejectionException;
}
