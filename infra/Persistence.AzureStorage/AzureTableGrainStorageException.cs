using Orleans;
using Orleans.Runtime;

namespace Dagger.Orleans.Persistence.AzureStorage;

/// <summary>
/// The Azure Table grain storage could not start (table or container unreachable) or could not read, write or clear a
/// grain's state after the client's retries. The message names the provider, the grain, the table and the endpoint.
/// </summary>
[GenerateSerializer]
public sealed class AzureTableGrainStorageException : OrleansException
{
    public AzureTableGrainStorageException(string message) : base(message)
    {
    }

    public AzureTableGrainStorageException(string message, Exception inner) : base(message, inner)
    {
    }
}
