using Dagger.Orleans.Spec;
using Xunit;
using static Dagger.Orleans.Tests.Spec.SpecTestSupport;

namespace Dagger.Orleans.Tests.Spec;

/// <summary>
/// Issue 18 item 2: a spec names files only under the silo's roots. Paths are resolved as the kernel opens them (links,
/// <c>..</c>), and a refusal reads the same whether or not the file exists.
/// </summary>
public sealed class FileRootsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dagger-roots-").FullName;
    private readonly string _root;
    private readonly string _outside;

    public FileRootsTests()
    {
        _root = Directory.CreateDirectory(Path.Combine(_dir, "root")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(_dir, "outside")).FullName;
        File.WriteAllBytes(Path.Combine(_root, "in.cu8"), [1, 2, 3, 4]);
        Directory.CreateDirectory(Path.Combine(_root, "sub"));
        File.WriteAllBytes(Path.Combine(_outside, "secret.cu8"), [5, 6]);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private FileAccessPolicy Policy() => new([_root]);

    private static string IqSpec(string path) => $$"""
        { "nodes": [ { "id": "src", "op": "iq_file", "args": { "path": {{System.Text.Json.JsonSerializer.Serialize(path)}}, "format": "cu8" } },
                     { "id": "out", "op": "collect" } ],
          "edges": [ { "from": "src", "to": "out" } ] }
        """;

    private List<string> ProblemsUnder(FileAccessPolicy policy, string path) =>
        DagValidator.ReadAndValidate(IqSpec(path), Catalog, MemoryOnly, out _, files: policy);

    [Fact]
    public void A_file_under_a_root_is_allowed_and_a_relative_path_resolves_against_the_first_root()
    {
        Assert.Empty(ProblemsUnder(Policy(), Path.Combine(_root, "in.cu8")));
        Assert.Empty(ProblemsUnder(Policy(), "in.cu8"));
        Assert.Equal(Path.Combine(_root, "in.cu8"), Policy().Resolve("sub/../in.cu8"));
    }

    [Fact]
    public void Etc_passwd_is_refused_at_validation_with_a_message_that_names_the_roots()
    {
        var problem = Assert.Single(ProblemsUnder(Policy(), "/etc/passwd"));

        Assert.Equal($"node 'src': argument 'path' of operator 'iq_file': '/etc/passwd' is refused: specs may read files only under {_root} (Dagger:Files:Roots)", problem);
    }

    [Fact]
    public void The_refusal_is_the_same_for_a_file_that_exists_and_one_that_does_not()
    {
        var existing = Assert.Single(ProblemsUnder(Policy(), Path.Combine(_outside, "secret.cu8")));
        var missing = Assert.Single(ProblemsUnder(Policy(), Path.Combine(_outside, "nothing.cu8")));

        Assert.Equal(existing.Replace("secret.cu8", "X"), missing.Replace("nothing.cu8", "X"));
    }

    [Fact]
    public void Dot_dot_out_of_the_root_is_refused()
    {
        Assert.Null(Policy().Resolve("../outside/secret.cu8"));
        Assert.Null(Policy().Resolve(Path.Combine(_root, "sub", "..", "..", "outside", "secret.cu8")));
        Assert.Single(ProblemsUnder(Policy(), "sub/../../outside/secret.cu8"));
    }

    [Fact]
    public void A_link_inside_the_root_to_a_file_or_directory_outside_is_refused()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "passwd"), "/etc/passwd");
        Directory.CreateSymbolicLink(Path.Combine(_root, "etc"), "/etc");
        File.CreateSymbolicLink(Path.Combine(_root, "relative"), "../outside/secret.cu8");

        Assert.Null(Policy().Resolve("passwd"));
        Assert.Null(Policy().Resolve(Path.Combine(_root, "etc", "passwd")));
        Assert.Null(Policy().Resolve("relative"));
        Assert.Single(ProblemsUnder(Policy(), Path.Combine(_root, "passwd")));
    }

    [Fact]
    public void A_link_that_stays_inside_the_root_is_allowed_and_pinned_to_its_target()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "sub", "alias.cu8"), "../in.cu8");
        var spec = DagSpecReader.ReadOrThrow(IqSpec("sub/alias.cu8"));

        var pinned = Policy().Pin(spec, Catalog);

        Assert.Contains(System.Text.Json.JsonSerializer.Serialize(Path.Combine(_root, "in.cu8")), pinned.Nodes[0].ArgsJson);
    }

    [Fact]
    public void A_link_loop_is_refused_rather_than_followed_forever()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "a"), "b");
        File.CreateSymbolicLink(Path.Combine(_root, "b"), "a");

        Assert.Null(Policy().Resolve("a"));
    }

    [Fact]
    public void Without_roots_every_file_is_refused_saying_the_cluster_reads_none()
    {
        var problem = Assert.Single(ProblemsUnder(new FileAccessPolicy([]), Path.Combine(_root, "in.cu8")));

        Assert.EndsWith("is refused: this cluster lets specs read no files (its silos have no Dagger:Files:Roots)", problem);
    }

    [Fact]
    public void Taps_files_of_fir_and_fdfir_are_held_to_the_roots_too()
    {
        foreach (var op in new[] { "fir", "fdfir" })
        {
            var problems = DagValidator.ReadAndValidate($$"""
                { "nodes": [ { "id": "src", "op": "iq_file", "args": { "path": "in.cu8", "format": "cu8" } },
                             { "id": "f", "op": "{{op}}", "args": { "taps_file": "/etc/passwd" } },
                             { "id": "out", "op": "collect" } ],
                  "edges": [ { "from": "src", "to": "f" }, { "from": "f", "to": "out" } ] }
                """, Catalog, MemoryOnly, out _, files: Policy());

            Assert.Contains($"node 'f': argument 'taps_file' of operator '{op}': '/etc/passwd' is refused: specs may read files only under {_root} (Dagger:Files:Roots)", problems);
        }
    }

    [Fact]
    public void A_root_that_is_no_directory_is_refused_when_the_policy_is_made()
    {
        var e = Assert.Throws<ArgumentException>(() => new FileAccessPolicy([Path.Combine(_dir, "missing")]));

        Assert.Contains("is not an existing directory", e.Message);
    }
}
