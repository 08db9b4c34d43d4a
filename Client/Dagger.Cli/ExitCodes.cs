namespace Dagger.Orleans.Cli;

/// <summary>The exit codes of CONTRACT §3.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>A node failed, or the run was cut off by <c>--timeout</c>.</summary>
    public const int Failed = 1;
    public const int Invalid = 2;
    public const int Interrupted = 130;
}
