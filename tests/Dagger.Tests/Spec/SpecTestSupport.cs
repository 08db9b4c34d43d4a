using Dagger.Orleans.Operators;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Tests.TestSupport;
using Xunit;

namespace Dagger.Orleans.Tests.Spec;

/// <summary>Reading and validating spec text the way the CLI does for an embedded silo (only "memory" configured).</summary>
internal static class SpecTestSupport
{
    /// <summary>The built-in operators only, so messages listing operators do not depend on what else a test run loads.</summary>
    public static readonly OperatorCatalog Catalog = new([typeof(OperatorCatalog).Assembly]);

    public static readonly IReadOnlyCollection<string> MemoryOnly = [Transports.Memory];

    public static List<string> Problems(string json, IReadOnlyCollection<string>? transports = null) =>
        DagValidator.ReadAndValidate(json, Catalog, transports ?? MemoryOnly, out _);

    public static DagSpec ReadValid(string json)
    {
        var problems = Problems(json);
        Assert.True(problems.Count == 0, "expected a valid spec, got:\n" + string.Join("\n", problems));
        return DagSpecReader.ReadOrThrow(json);
    }

    /// <summary>The single problem of a spec that breaks exactly one rule.</summary>
    public static string SingleProblem(string json, IReadOnlyCollection<string>? transports = null)
    {
        var problems = Problems(json, transports);
        Assert.True(problems.Count == 1, $"expected exactly one problem, got {problems.Count}:\n" + string.Join("\n", problems));
        return problems[0];
    }

    public static string Example(string name) => File.ReadAllText(CliRepoRoot.File(Path.Combine("examples", name)));
}
