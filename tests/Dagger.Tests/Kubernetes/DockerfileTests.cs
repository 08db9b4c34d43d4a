using System.Text.RegularExpressions;
using System.Xml.Linq;
using Dagger.Orleans.Tests.TestSupport;
using Xunit;

namespace Dagger.Orleans.Tests.Kubernetes;

/// <summary>
/// Silo/Dockerfile against the repository (no container runtime here to build it): it copies what exists, restores
/// with every project the silo references, and starts the assembly the silo build makes.
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly string Dockerfile = File.ReadAllText(CliRepoRoot.File("Silo/Dockerfile"));

    [Fact]
    public void Every_path_the_dockerfile_copies_from_the_repository_exists()
    {
        var sources = CopyLine().Matches(Dockerfile).SelectMany(m => m.Groups["sources"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();

        Assert.NotEmpty(sources);
        Assert.All(sources, s => Assert.True(File.Exists(CliRepoRoot.File(s)) || Directory.Exists(CliRepoRoot.File(s)), $"COPY {s}: no such file or folder"));
    }

    [Fact]
    public void The_restore_step_has_the_project_file_of_every_project_the_silo_references()
    {
        var restore = Dockerfile[..Dockerfile.IndexOf("RUN dotnet restore", StringComparison.Ordinal)];
        foreach (var project in ProjectClosure("Silo/Silo.csproj"))
            Assert.Contains($"COPY {project} ", restore, StringComparison.Ordinal);
    }

    [Fact]
    public void The_image_starts_the_silo_assembly_with_the_kubernetes_profile_on_a_runtime_base()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"Dagger.Orleans.Silo.dll\"]", Dockerfile, StringComparison.Ordinal);
        Assert.True(File.Exists(CliRepoRoot.File($"Silo/bin/{configuration}/net10.0/Dagger.Orleans.Silo.dll")), "the silo build makes no Dagger.Orleans.Silo.dll");
        Assert.Contains("CMD [\"--profile\", \"kubernetes\"]", Dockerfile, StringComparison.Ordinal);
        Assert.True(File.Exists(CliRepoRoot.File("Silo/appsettings.kubernetes.json")));
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/aspnet:10\.0$", Dockerfile);
    }

    /// <summary>The project and every project it references, transitively, as repository-relative paths.</summary>
    private static IEnumerable<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next)) continue;
            var dir = Path.GetDirectoryName(next)!;
            foreach (var reference in XDocument.Load(CliRepoRoot.File(next)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(CliRepoRoot.File(dir), reference.Attribute("Include")!.Value.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(CliRepoRoot.Path, full).Replace('\\', '/'));
            }
        }
        return seen;
    }

    [GeneratedRegex(@"(?m)^COPY (?!--from)(?<sources>.+?) \S+$")]
    private static partial Regex CopyLine();
}
