using Microsoft.Extensions.Logging;

namespace Dagger.Orleans.Connections.Tls;

/// <summary>
/// The causes of failed connections of one client or silo, gathered from Orleans' own connection logs (which it logs
/// and retries rather than throws) and from our certificate check. When start-up gives up it throws only
/// "a task was canceled"; this is where the one-line error finds what actually went wrong: "connection refused",
/// "unexpected cluster id", a certificate the other end refused. It also tells a client whether a gateway has a
/// connection open (slow to let it in) or none does (down, or turning it away).
/// </summary>
public sealed class ConnectionFailureLog
{
    internal const string TlsCategory = "Orleans.Connections.Security";
    internal const string MessagingCategory = "Orleans.Runtime.Messaging";
    private const int MostCauses = 3;

    private readonly object _lock = new();
    private readonly List<(int Rank, string Cause)> _causes = [];
    private readonly Dictionary<string, bool> _endpointOpen = [];

    /// <summary>
    /// The distinct causes seen so far, most telling first, at most three, in one line; null when none. A refused
    /// certificate or a wrong cluster id explains the "connection terminated" that follows it, so those lead.
    /// </summary>
    public string? Summary
    {
        get
        {
            lock (_lock)
            {
                return _causes.Count == 0 ? null : string.Join("; ", _causes.OrderBy(c => c.Rank).Take(MostCauses).Select(c => c.Cause));
            }
        }
    }

    /// <summary>
    /// True while a connection to some endpoint is open: the last thing heard of that endpoint is that a connection to
    /// it was made, not that one failed or was closed. A client waiting on such a gateway is being let in slowly, not
    /// turned away.
    /// </summary>
    public bool AnyConnectionOpen
    {
        get
        {
            lock (_lock) return _endpointOpen.ContainsValue(true);
        }
    }

    internal void RecordEndpoint(string endpoint, bool open)
    {
        lock (_lock) _endpointOpen[endpoint] = open;
    }

    internal void Record(string category, string cause)
    {
        var rank = category.StartsWith(TlsCategory, StringComparison.Ordinal) ? 0
            : cause.Contains("cluster id", StringComparison.OrdinalIgnoreCase) ? 1
            : 2;
        lock (_lock)
        {
            if (_causes.Count < 32 && !_causes.Exists(c => c.Cause == cause)) _causes.Add((rank, cause));
        }
    }
}

/// <summary>Feeds <see cref="ConnectionFailureLog"/> from Orleans' connection logs (warnings, and "connected"), whatever the console shows.</summary>
internal sealed partial class ConnectionFailureLoggerProvider(ConnectionFailureLog log) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) =>
        categoryName.StartsWith(ConnectionFailureLog.TlsCategory, StringComparison.Ordinal)
        || categoryName.StartsWith(ConnectionFailureLog.MessagingCategory, StringComparison.Ordinal)
            ? new Recorder(categoryName, log)
            : NullLogger;

    public void Dispose()
    {
    }

    private static readonly ILogger NullLogger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    private sealed partial class Recorder(string category, ConnectionFailureLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Information)
            {
                // Orleans' ConnectionManager: "Connected to endpoint S127.0.0.1:30000:0" once a socket is open.
                var message = formatter(state, exception);
                if (exception is null && message.StartsWith("Connected to endpoint", StringComparison.Ordinal) && Endpoint(message) is { } opened)
                    log.RecordEndpoint(opened, open: true);
                return;
            }
            if (exception is null || !IsEnabled(logLevel)) return;
            // "Connection attempt to endpoint S127.0.0.1:30000:0 failed", "Connection [… Remote: 127.0.0.1:30000 …] terminated".
            if (Endpoint(formatter(state, exception)) is { } failed) log.RecordEndpoint(failed, open: false);
            var inner = exception;
            while (inner.InnerException is not null) inner = inner.InnerException;
            // A handshake or read cut short because this host gave up or shut down says nothing about the other end.
            if (inner is OperationCanceledException) return;
            log.Record(category, Cause(inner));
        }

        /// <summary>The endpoint a connection log names, as address:port ("endpoint S127.0.0.1:30000:0", "Remote: 127.0.0.1:30000").</summary>
        private static string? Endpoint(string message)
        {
            var match = EndpointPattern().Match(message);
            return match.Success ? match.Groups[1].Value : null;
        }

        [System.Text.RegularExpressions.GeneratedRegex(@"(?:endpoint S|Remote: )(\[[0-9A-Fa-f:.]+\]:\d+|[0-9.]+:\d+)")]
        private static partial System.Text.RegularExpressions.Regex EndpointPattern();

        /// <summary>The innermost message ("Connection refused", the TLS alert), not the wrappers that say "see inner exception".</summary>
        private string Cause(Exception innermost)
        {
            var message = innermost.Message.ReplaceLineEndings(" ").Trim();
            return category.StartsWith(ConnectionFailureLog.TlsCategory, StringComparison.Ordinal) ? $"TLS handshake failed: {message}" : message;
        }
    }
}
