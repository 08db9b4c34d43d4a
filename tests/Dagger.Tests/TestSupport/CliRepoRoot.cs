namespace Dagger.Orleans.Tests.TestSupport;

/// <summary>The checkout the tests run from: the folder holding Dagger.Orleans.sln, found by walking up from the test binaries.</summary>
public static class CliRepoRoot
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    /// <summary>A file of the checkout, by its path relative to the root (e.g. "examples/quickstart.json").</summary>
    public static string File(string relative) => System.IO.Path.Combine(Path, relative);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "Dagger.Orleans.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no Dagger.Orleans.sln in {AppContext.BaseDirectory} or any folder above it");
    }
}
