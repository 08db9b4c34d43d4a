using Dagger.Orleans.Connections.Tls;
using Microsoft.Extensions.DependencyInjection;

namespace Dagger.Orleans.Silo;

/// <summary>
/// A failed start-up in one line: what failed and each distinct cause under it ("… the NATS server at
/// nats://127.0.0.1:4222 (setting …): connection refused"), and the exit code: 2 for a bad setting (a provider's
/// options, an operator assembly that is missing or not an assembly), 1 for a server that cannot be reached.
/// </summary>
internal static class StartupFailure
{
    public const int BadSetting = 2;
    public const int Unreachable = 1;

    public static int ExitCode(Exception failure) =>
        Chain(failure).Any(e => e is OrleansConfigurationException or FileNotFoundException or BadImageFormatException or FileLoadException)
            ? BadSetting
            : Unreachable;

    /// <summary>Start-up ran past <see cref="SiloSettings.StartTimeout"/>: usually a cluster it cannot join, and the connection log says why.</summary>
    public static string TimedOut(SiloSettings settings, IServiceProvider services)
    {
        var causes = services.GetService<ConnectionFailureLog>()?.Summary;
        return $"not ready within Dagger:Silo:StartTimeout ({settings.StartTimeout.TotalSeconds:0.#} s), joining cluster '{settings.ClusterId}'"
            + (causes is null ? "" : $": {causes}");
    }

    public static string Describe(Exception failure)
    {
        var line = "";
        foreach (var e in Chain(failure))
        {
            var message = e.Message.ReplaceLineEndings(" ").Trim();
            // Wrappers repeat their cause or only point at it.
            if (message.Length == 0 || line.Contains(message, StringComparison.Ordinal) || message.Contains("see inner exception", StringComparison.OrdinalIgnoreCase)) continue;
            line = line.Length == 0 ? message : $"{line}: {message}";
        }
        return line.Length == 0 ? failure.GetType().Name : line;
    }

    /// <summary>The exception and its causes, aggregates flattened.</summary>
    private static IEnumerable<Exception> Chain(Exception failure)
    {
        var pending = new Stack<Exception>();
        pending.Push(failure);
        while (pending.TryPop(out var e))
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                for (var i = aggregate.InnerExceptions.Count - 1; i >= 0; i--) pending.Push(aggregate.InnerExceptions[i]);
            }
            else if (e.InnerException is not null)
            {
                pending.Push(e.InnerException);
            }
        }
    }
}
