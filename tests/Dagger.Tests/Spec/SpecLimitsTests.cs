using Dagger.Orleans.Hosting;
using Dagger.Orleans.Runtime;
using Dagger.Orleans.Spec;
using Xunit;
using static Dagger.Orleans.Tests.Spec.SpecTestSupport;

namespace Dagger.Orleans.Tests.Spec;

/// <summary>Issue 18's limits: each is checked at validation and named in the message, before anything runs.</summary>
public class SpecLimitsTests
{
    private static string Chain(string defaults = "", string op = "range", string args = """{ "count": 3 }""") => $$"""
        { {{defaults}} "nodes": [ { "id": "src", "op": "{{op}}", "args": {{args}} }, { "id": "out", "op": "collect" } ],
          "edges": [ { "from": "src", "to": "out" } ] }
        """;

    [Fact]
    public void A_batch_of_int_max_is_refused_at_validation_naming_the_limit()
    {
        var problem = SingleProblem(Chain("""  "defaults": { "batch": 2147483647 }, """));

        Assert.Equal("defaults.batch: 2147483647 elements is more than the limit of 1048576 (MaxBatch)", problem);
    }

    [Fact]
    public void A_batch_past_32_bits_is_named_as_over_the_limit_not_as_no_integer()
    {
        var problem = SingleProblem(Chain("""  "defaults": { "batch": 2147483648 }, """));

        Assert.Equal("defaults.batch: 2147483648 elements is more than the limit of 1048576 (MaxBatch)", problem);
    }

    [Fact]
    public void A_batch_within_the_elements_but_over_the_bytes_limit_names_the_bytes_limit()
    {
        var limits = SpecLimits.Default with { MaxBatchBytes = 8 * 1024 };
        var problems = DagValidator.ReadAndValidate(Chain("""  "defaults": { "batch": 2048 }, """), Catalog, MemoryOnly, out _, limits);

        Assert.Equal("defaults.batch: 2048 elements is 16384 bytes at 8 bytes an element, more than the limit of 8192 bytes (MaxBatchBytes)", Assert.Single(problems));
    }

    [Fact]
    public void A_spec_over_the_size_limit_is_one_short_problem_naming_the_limit()
    {
        var json = Chain(op: new string('x', 10 << 20));

        var problem = SingleProblem(json);

        Assert.Equal($"spec: {System.Text.Encoding.UTF8.GetByteCount(json)} bytes is more than the limit of 4194304 bytes (MaxSpecBytes)", problem);
    }

    [Fact]
    public void A_10_MB_operator_name_under_a_raised_size_limit_is_refused_quoting_64_characters()
    {
        var hugeOp = new string('x', 10 << 20);
        var limits = SpecLimits.Default with { MaxSpecBytes = 32 << 20 };

        var problems = DagValidator.ReadAndValidate(Chain(op: hugeOp), Catalog, MemoryOnly, out _, limits);

        var problem = Assert.Single(problems);
        Assert.Equal($"node 'src': operator name '{new string('x', 64)}… (10485760 characters)' is longer than the limit of 256 characters (MaxNameLength)", problem);
    }

    [Fact]
    public void Long_values_anywhere_are_quoted_to_64_characters()
    {
        var longText = new string('q', 5000);
        var problems = Problems($$"""
            { "name": "{{longText}}", "{{longText}}": 1,
              "nodes": [ { "id": "{{longText}}", "op": "range", "device": "{{longText}}", "args": { "count": "{{longText}}", "{{longText}}": 2 } },
                         { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "{{longText}}", "to": "out", "transport": "{{longText}}" }, { "from": "out", "to": "{{longText}}" } ] }
            """);

        Assert.True(problems.Count >= 8, string.Join("\n", problems));
        Assert.All(problems, p => Assert.True(p.Length < 600, $"a message of {p.Length} characters: {SpecLimits.Quote(p)}"));
        Assert.Contains(problems, p => p.Contains("… (5000 characters)"));
    }

    [Fact]
    public void A_duplicate_key_inside_args_is_refused_at_any_depth()
    {
        var problems = Problems("""
            { "nodes": [ { "id": "src", "op": "range", "args": { "count": 3, "count": 4 } }, { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "src", "to": "out" } ] }
            """);

        Assert.Equal("node 'src': args: field 'count' appears more than once", Assert.Single(problems));
    }

    [Fact]
    public void A_number_too_large_for_a_double_is_refused_as_not_finite()
    {
        var problem = SingleProblem(Chain(op: "constant", args: """{ "count": 3, "value": 1e400 }"""));

        Assert.Equal("node 'src': argument 'value' of operator 'constant' must be a finite number, not the number 1e400", problem);
    }

    [Fact]
    public void Node_edge_and_fan_counts_over_their_limits_are_named()
    {
        var limits = SpecLimits.Default with { MaxNodes = 2, MaxEdges = 1 };
        var problems = DagValidator.ReadAndValidate("""
            { "nodes": [ { "id": "a", "op": "range" }, { "id": "b", "op": "collect" }, { "id": "c", "op": "collect" } ],
              "edges": [ { "from": "a", "to": "b" }, { "from": "a", "to": "c" } ] }
            """, Catalog, MemoryOnly, out _, limits);

        Assert.Equal(["nodes: 3 nodes is more than the limit of 2 (MaxNodes)", "edges: 2 edges is more than the limit of 1 (MaxEdges)"], problems);

        var fan = DagValidator.ReadAndValidate("""
            { "nodes": [ { "id": "a", "op": "range" }, { "id": "b", "op": "collect" }, { "id": "c", "op": "collect" } ],
              "edges": [ { "from": "a", "to": "b" }, { "from": "a", "to": "c" } ] }
            """, Catalog, MemoryOnly, out _, SpecLimits.Default with { MaxEdgesPerNode = 1 });
        Assert.Equal("node 'a': 2 edges leave it, more than the limit of 1 (MaxEdgesPerNode)", Assert.Single(fan));
    }

    [Fact]
    public void A_port_past_32_bits_is_named_as_more_than_a_node_can_have()
    {
        var problems = Problems("""
            { "nodes": [ { "id": "a", "op": "range" }, { "id": "m", "op": "merge" }, { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "a", "to": "m", "port": 4294967296 }, { "from": "m", "to": "out" } ] }
            """);

        Assert.Contains("edge 0 (a -> m): field 'port': port 4294967296 is more than a node can have (at most 1024 inputs, MaxEdgesPerNode)", problems);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused_naming_it()
    {
        var deep = string.Concat(Enumerable.Repeat("[", 40)) + string.Concat(Enumerable.Repeat("]", 40));

        var problem = SingleProblem(Chain(args: $$"""{ "count": {{deep}} }"""));

        Assert.StartsWith("spec: not valid JSON: objects and arrays nest deeper than the limit of 32 (MaxDepth)", problem);
    }

    [Fact]
    public void Args_over_their_byte_limit_are_refused_naming_it()
    {
        var limits = SpecLimits.Default with { MaxArgsBytes = 64 };
        var problems = DagValidator.ReadAndValidate(Chain(args: $$"""{ "count": 3, "start": {{new string('1', 80)}} }"""), Catalog, MemoryOnly, out _, limits);

        Assert.Equal("node 'src': args are 100 bytes of JSON, more than the limit of 64 (MaxArgsBytes)", Assert.Single(problems));
    }

    [Fact]
    public void A_spec_sent_as_an_object_with_nulls_is_problems_not_an_exception()
    {
        var spec = new DagSpec { Nodes = [new NodeSpec { Id = null!, Op = "range" }, new NodeSpec { Id = "out", Op = "collect" }], Edges = null! };

        var problems = DagValidator.Validate(spec, Catalog, MemoryOnly);

        Assert.Contains("nodes[0]: a node needs an id and an op (and args, when given, as a JSON object)", problems);
    }

    [Fact]
    public void Every_example_and_its_batch_fits_the_default_limits()
    {
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(TestSupport.CliRepoRoot.File(Path.Combine("examples", "quickstart.json")))!, "*.json"))
        {
            var problems = new List<string>();
            DagSpecReader.Read(File.ReadAllText(file), problems);
            Assert.True(problems.Count == 0, $"{Path.GetFileName(file)}: {string.Join("; ", problems)}");
        }
    }

    [Fact]
    public void Options_with_a_bad_limit_a_missing_root_or_a_negative_stall_period_fail_validation_naming_each()
    {
        var options = new DaggerOptions { Limits = SpecLimits.Default with { MaxNodes = 0 }, MaxResultBytes = -1, StallAfter = TimeSpan.FromSeconds(-1) };
        options.Files.Roots.Add("/no/such/directory/for/dagger");

        var result = new DaggerOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(
            ["DaggerOptions.Limits.MaxNodes must be positive (got 0)", "DaggerOptions.MaxResultBytes must be positive (got -1)",
             "DaggerOptions.StallAfter must be zero (off) or positive (got -00:00:01)",
             "DaggerOptions.Files.Roots[0] (Dagger:Files:Roots:0) '/no/such/directory/for/dagger' is not an existing directory"],
            result.Failures!);
    }

    [Fact]
    public async Task An_embedded_silo_with_a_bad_limit_does_not_start()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => Client.DaggerClient.StartEmbeddedAsync(o => o.Limits = o.Limits with { MaxBatch = -5 }));

        Assert.Contains("DaggerOptions.Limits.MaxBatch must be positive (got -5)", e.Message);
    }
}
