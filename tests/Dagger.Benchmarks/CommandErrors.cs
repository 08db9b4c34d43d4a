namespace Dagger.Orleans.Benchmarks;

/// <summary>Bad arguments to a mode: the message is printed with the usage, exit 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
