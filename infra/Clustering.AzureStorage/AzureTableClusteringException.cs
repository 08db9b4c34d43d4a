namespace Dagger.Orleans.Clustering.AzureStorage;

/// <summary>The membership table cannot be used: unreachable storage, a bad cluster id, a corrupt row. The message names what and where.</summary>
public sealed class AzureTableClusteringException(string message, Exception? innerException = null) : Exception(message, innerException);
