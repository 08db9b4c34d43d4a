using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Dagger.Orleans.Silo;

/// <summary>
/// The silo's console log, held back until the silo is ready. A start-up that fails then says so in one line
/// (<see cref="StartupFailure"/>) instead of the dozens of lines of warnings and stack traces Orleans and the providers
/// log on the way; a start-up that succeeds prints what was held back, in order. <c>--verbose</c> shows everything
/// at once, as it happens.
/// </summary>
internal sealed class StartupLog : ILoggerProvider
{
    /// <summary>Enough for any start-up seen; past it the oldest held lines are dropped and counted.</summary>
    private const int MostHeld = 10_000;

    private readonly ConsoleLoggerProvider _console;
    private readonly Queue<Action> _held = new();
    private readonly object _lock = new();
    private bool _open;
    private int _dropped;

    private StartupLog(ConsoleLoggerProvider console, bool verbose)
    {
        _console = console;
        _open = verbose;
    }

    /// <summary>Puts the console provider <c>AddConsole</c> registered behind the gate.</summary>
    public static void Install(ILoggingBuilder logging, bool verbose)
    {
        var console = logging.Services.Single(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider));
        logging.Services.Remove(console);
        logging.Services.AddSingleton(sp => new StartupLog(ActivatorUtilities.CreateInstance<ConsoleLoggerProvider>(sp), verbose));
        logging.Services.AddSingleton<ILoggerProvider>(sp => sp.GetRequiredService<StartupLog>());
    }

    /// <summary>The silo is ready: print what was held back and let the log through from now on.</summary>
    public void Open()
    {
        lock (_lock)
        {
            if (_open) return;
            if (_dropped > 0) Console.Error.WriteLine($"dagger silo: {_dropped} early log entries were dropped");
            while (_held.TryDequeue(out var write)) write();
            _open = true;
        }
    }

    /// <summary>Start-up failed: what was held back is not shown (<c>--verbose</c> shows it).</summary>
    public void Discard()
    {
        lock (_lock) _held.Clear();
    }

    public ILogger CreateLogger(string categoryName) => new GatedLogger(this, _console.CreateLogger(categoryName));

    public void Dispose() => _console.Dispose();

    private void Write(Action write)
    {
        if (Volatile.Read(ref _open))
        {
            write();
            return;
        }
        lock (_lock)
        {
            if (_open)
            {
                write();
                return;
            }
            if (_held.Count == MostHeld)
            {
                _held.Dequeue();
                _dropped++;
            }
            _held.Enqueue(write);
        }
    }

    private sealed class GatedLogger(StartupLog gate, ILogger console) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => console.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => console.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // Formatted now: the state may not outlive the call.
            var message = formatter(state, exception);
            gate.Write(() => console.Log(logLevel, eventId, message, exception, static (m, _) => m));
        }
    }
}
