namespace Dagger.Orleans.Persistence.AzureStorage;

/// <summary>How a storage endpoint appears in messages and logs: scheme, host, port and path; never a SAS token (the query) or user info.</summary>
internal static class StorageEndpoints
{
    public static string Describe(Uri? endpoint) =>
        endpoint is null ? "(not set)" : endpoint.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped);
}
