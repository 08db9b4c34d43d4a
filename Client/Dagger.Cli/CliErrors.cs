using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Dagger.Orleans.Cli;

/// <summary>
/// How <c>dagger</c> reports what went wrong: one line on stderr naming the setting or address and the cause. Stack
/// traces and Orleans' own logs only with <c>--verbose</c>.
/// </summary>
internal static class CliErrors
{
    public static readonly Option<bool> VerboseOption = new("--verbose")
    {
        Description = "show Orleans' logs and the stack trace of an unexpected error",
        Recursive = true,
    };

    /// <summary>Set once the command line is parsed.</summary>
    public static bool Verbose { get; set; }

    /// <summary>The level of the client's and the embedded silo's console logs: nothing unless <c>--verbose</c>.</summary>
    public static LogLevel ClientLogLevel => Verbose ? LogLevel.Information : LogLevel.None;

    /// <summary>An error no command expected: its type and message in one line (all of it with <c>--verbose</c>); exit 1.</summary>
    public static int Unexpected(Exception e)
    {
        Console.Error.WriteLine(Verbose ? $"dagger: {e}" : $"dagger: {e.GetType().Name}: {OneLine(e.Message)} (--verbose shows where)");
        return ExitCodes.Failed;
    }

    public static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
