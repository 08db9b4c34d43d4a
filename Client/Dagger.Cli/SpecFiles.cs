using Dagger.Orleans.Operators;
using Dagger.Orleans.Spec;

namespace Dagger.Orleans.Cli;

/// <summary>Reading a spec file and reporting its problems the way every command does.</summary>
internal static class SpecFiles
{
    /// <summary>Reads and validates; prints every problem on stderr and returns null when there is any.</summary>
    public static DagSpec? Load(string path, IOperatorCatalog catalog, IReadOnlyCollection<string> transports)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"dagger: cannot read spec '{path}': {e.Message}");
            return null;
        }
        var problems = DagValidator.ReadAndValidate(json, catalog, transports, out var spec);
        if (problems.Count == 0) return spec;
        Console.Error.WriteLine($"{path}: {problems.Count} problem{(problems.Count == 1 ? "" : "s")}:");
        foreach (var problem in problems) Console.Error.WriteLine($"  {problem}");
        return null;
    }

    /// <summary>The operators this program knows without starting a silo: the built-in ones.</summary>
    public static OperatorCatalog LocalCatalog() => OperatorCatalog.FromLoadedAssemblies([typeof(OperatorCatalog).Assembly]);

    public static readonly IReadOnlyCollection<string> EmbeddedTransports = [Transports.Memory];
}
