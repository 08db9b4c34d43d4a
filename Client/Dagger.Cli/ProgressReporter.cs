using Dagger.Orleans.Wire;
using Spectre.Console;

namespace Dagger.Orleans.Cli;

/// <summary>
/// Progress on stderr: a live Spectre.Console bar when stderr is a terminal, plain timestamped lines otherwise
/// (so logs and tests read it). Never writes to stdout, which carries the result document.
/// </summary>
internal abstract class ProgressReporter
{
    public static ProgressReporter Create() =>
        Console.IsErrorRedirected ? new PlainProgress() : new TerminalProgress();

    public abstract void Line(string text);

    public abstract void Update(DagStatus status);

    public virtual Task<DagStatus> TrackAsync(Func<Task<DagStatus>> wait) => wait();

    protected static string Summary(DagStatus s)
    {
        var done = s.Nodes.Count(n => n.State is NodeState.Finished or NodeState.Failed or NodeState.Cancelled);
        var emitted = s.Nodes.Sum(n => n.Emitted);
        var line = $"{s.State}: {done}/{s.Nodes.Count} nodes ended, {emitted:N0} elements emitted, {s.Seconds:F1} s";
        return s.Stall is null ? line : $"{line}; {s.Stall}";
    }

    private sealed class PlainProgress : ProgressReporter
    {
        private DateTime _lastLine = DateTime.MinValue;

        public override void Line(string text) => Console.Error.WriteLine($"dagger: {text}");

        public override void Update(DagStatus status)
        {
            // One line a second at most: enough to see a long run move without flooding a log.
            if (DateTime.UtcNow - _lastLine < TimeSpan.FromSeconds(1) && !status.State.IsTerminal()) return;
            _lastLine = DateTime.UtcNow;
            Line(Summary(status));
        }
    }

    private sealed class TerminalProgress : ProgressReporter
    {
        private readonly IAnsiConsole _console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error), Interactive = InteractionSupport.Yes });
        private ProgressTask? _task;

        public override void Line(string text) => _console.MarkupLine($"[grey]dagger:[/] {Markup.Escape(text)}");

        public override void Update(DagStatus status)
        {
            if (_task is null) return;
            _task.MaxValue = Math.Max(1, status.Nodes.Count);
            _task.Value = status.Nodes.Count(n => n.State is NodeState.Finished or NodeState.Failed or NodeState.Cancelled);
            _task.Description = Markup.Escape(Summary(status));
        }

        public override async Task<DagStatus> TrackAsync(Func<Task<DagStatus>> wait)
        {
            DagStatus? final = null;
            await _console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn())
                .StartAsync(async ctx =>
                {
                    _task = ctx.AddTask("starting");
                    final = await wait();
                    Update(final);
                    _task.StopTask();
                });
            return final!;
        }
    }
}
