using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Dagger.Orleans.Tests.Cli;

/// <summary>What one finished <c>dagger</c> process left behind.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr, IReadOnlyList<string> Args)
{
    public IReadOnlyList<string> StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    /// <summary>stdout parsed as the one JSON result document <c>run</c> prints.</summary>
    public JsonElement Document()
    {
        try
        {
            using var document = JsonDocument.Parse(Stdout);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"stdout is not one JSON document ({e.Message}):\n{this}", e);
        }
    }

    /// <summary>Everything about the run, for assertion messages.</summary>
    public override string ToString() =>
        $"dagger {string.Join(' ', Args)}\nexit code: {ExitCode}\n--- stdout ---\n{Truncate(Stdout)}\n--- stderr ---\n{Truncate(Stderr)}";

    private static string Truncate(string s) => s.Length <= 4000 ? s : s[..4000] + $"... ({s.Length} characters)";
}

/// <summary>
/// One running <c>dotnet dagger.dll ...</c> process: stdin closed, stdout collected whole, stderr collected line by
/// line so a test can wait for a progress line. Every wait is bounded; a process still running when the test
/// ends is killed.
/// </summary>
public sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly IReadOnlyList<string> _args;
    private readonly Task<string> _stdout;
    private readonly Task _stderrPump;
    private readonly List<string> _stderr = [];
    private readonly List<Waiter> _waiters = [];
    private bool _stderrEnded;

    private sealed record Waiter(Func<string, bool> Match, int From, TaskCompletionSource<int> Found);

    private CliProcess(string dll, string workingDirectory, IReadOnlyList<string> args, IDictionary<string, string?>? environment = null)
    {
        _args = args;
        var start = new ProcessStartInfo(DotnetHost)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // The product's defaults, whatever the environment of the test run says.
        start.Environment.Remove("DAGGER_LOG_LEVEL");
        // A variable given null is removed: the process runs as if it had never been set.
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {DotnetHost} {dll}");
        _process.StandardInput.Close();
        _stdout = _process.StandardOutput.ReadToEndAsync();
        _stderrPump = PumpStderrAsync();
    }

    /// <summary>The <c>dotnet</c> host running the tests (the SDK sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    public static string DotnetHost { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public int Id => _process.Id;

    /// <summary>True once the process has ended (exited, or was killed).</summary>
    public bool HasExited => _process.HasExited;

    public static CliProcess Start(string dll, string workingDirectory, params string[] args) => new(dll, workingDirectory, args);

    /// <summary>Starts with <paramref name="environment"/> over this process' environment (a null value removes a variable).</summary>
    public static CliProcess Start(string dll, string workingDirectory, IReadOnlyList<string> args, IDictionary<string, string?>? environment) =>
        new(dll, workingDirectory, args, environment);

    /// <summary>Waits for a stderr line, at index <paramref name="from"/> or later, that <paramref name="match"/> accepts; returns its index.</summary>
    public async Task<int> WaitForStderrLineAsync(Func<string, bool> match, TimeSpan timeout, int from = 0)
    {
        Waiter waiter;
        lock (_stderr)
        {
            for (var i = from; i < _stderr.Count; i++)
            {
                if (match(_stderr[i])) return i;
            }
            if (_stderrEnded) throw new InvalidOperationException($"stderr ended without the line waited for:\n{StderrSoFar()}");
            waiter = new Waiter(match, from, new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously));
            _waiters.Add(waiter);
        }
        try
        {
            return await waiter.Found.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no such stderr line within {timeout.TotalSeconds} s; stderr so far:\n{StderrSoFar()}");
        }
    }

    public string StderrLine(int index)
    {
        lock (_stderr) return _stderr[index];
    }

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal would.</summary>
    public async Task InterruptAsync()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })
            ?? throw new InvalidOperationException("could not start kill");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await kill.WaitForExitAsync(cts.Token);
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -INT {_process.Id} exited with {kill.ExitCode}");
    }

    /// <summary>Waits for the process to end and for its output to be read; kills it and throws when it runs past <paramref name="timeout"/>.</summary>
    public async Task<CliResult> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await Task.WhenAll(_stdout, _stderrPump).WaitAsync(TimeSpan.FromSeconds(10));
            throw new TimeoutException($"dagger ran for more than {timeout.TotalSeconds} s and was killed:\n{Result(-1)}");
        }
        await Task.WhenAll(_stdout, _stderrPump).WaitAsync(TimeSpan.FromSeconds(10));
        return Result(_process.ExitCode);
    }

    private CliResult Result(int exitCode) =>
        new(exitCode, _stdout.IsCompletedSuccessfully ? _stdout.Result : "", StderrSoFar(), _args);

    /// <summary>The last <paramref name="lines"/> lines of stderr so far (for a failure message).</summary>
    public string StderrTail(int lines)
    {
        lock (_stderr) return string.Join('\n', _stderr.Skip(Math.Max(0, _stderr.Count - lines)));
    }

    private string StderrSoFar()
    {
        lock (_stderr) return string.Join('\n', _stderr);
    }

    private async Task PumpStderrAsync()
    {
        try
        {
            while (await _process.StandardError.ReadLineAsync() is { } line)
            {
                lock (_stderr)
                {
                    _stderr.Add(line);
                    var index = _stderr.Count - 1;
                    foreach (var waiter in _waiters.Where(w => index >= w.From && w.Match(line)).ToList())
                    {
                        waiter.Found.TrySetResult(index);
                        _waiters.Remove(waiter);
                    }
                }
            }
        }
        finally
        {
            lock (_stderr)
            {
                _stderrEnded = true;
                foreach (var waiter in _waiters)
                    waiter.Found.TrySetException(new InvalidOperationException($"stderr ended without the line waited for:\n{string.Join('\n', _stderr)}"));
                _waiters.Clear();
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It ended between the check and the kill.
        }
        _process.Dispose();
    }
}
