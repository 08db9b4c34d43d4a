using Dagger.Orleans.Spec;
using Xunit;
using static Dagger.Orleans.Tests.Spec.SpecTestSupport;

namespace Dagger.Orleans.Tests.Spec;

public class SpecReaderTests
{
    [Fact]
    public void The_quickstart_example_reads_into_the_contract_diamond()
    {
        var spec = ReadValid(Example("quickstart.json"));

        Assert.Equal("diamond", spec.Name);
        Assert.Equal("memory", spec.DefaultTransportName);
        Assert.Equal(1024, spec.Batch);
        Assert.Equal(["src", "a", "b", "join", "out"], spec.Nodes.Select(n => n.Id));
        Assert.Equal(["range", "scale", "offset", "add", "collect"], spec.Nodes.Select(n => n.Op));
        Assert.Equal("""{"count":1000}""", spec.Nodes[0].ArgsJson);
        Assert.Equal("{}", spec.Nodes[3].ArgsJson);
        Assert.Equal(
            ["src -> a", "src -> b", "a -> join", "b -> join (port 1)", "join -> out"],
            spec.Edges.Select(e => e.ToString()));
    }

    [Fact]
    public void Fields_left_out_take_their_contract_defaults()
    {
        var spec = ReadValid("""
            { "nodes": [ { "id": "src", "op": "range", "args": { "count": 3 } }, { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "src", "to": "out" } ] }
            """);

        Assert.Null(spec.Name);
        Assert.Equal(DagSpec.DefaultBatch, spec.EffectiveBatch);
        Assert.Equal(1024, spec.EffectiveBatch);
        var edge = Assert.Single(spec.Edges);
        Assert.Equal(0, edge.Port);
        Assert.Equal("memory", spec.TransportOf(edge));
        Assert.All(spec.Nodes, n => Assert.Equal("cpu", n.EffectiveDevice));
        Assert.All(spec.Nodes, n => Assert.Null(n.MaxEvals));
    }

    [Fact]
    public void An_edge_without_a_transport_takes_the_one_from_defaults()
    {
        var spec = DagSpecReader.ReadOrThrow("""
            { "defaults": { "transport": "nats" },
              "nodes": [ { "id": "src", "op": "range" }, { "id": "out", "op": "count" } ],
              "edges": [ { "from": "src", "to": "out" }, { "from": "src", "to": "out", "port": 1, "transport": "mqtt" } ] }
            """);

        Assert.Equal("nats", spec.TransportOf(spec.Edges[0]));
        Assert.Equal("mqtt", spec.TransportOf(spec.Edges[1]));
    }

    [Fact]
    public void Node_device_and_max_evals_are_read()
    {
        var spec = DagSpecReader.ReadOrThrow("""
            { "nodes": [ { "id": "src", "op": "range", "device": "gpu", "max_evals": 7 } ], "edges": [] }
            """);

        var node = Assert.Single(spec.Nodes);
        Assert.Equal("gpu", node.EffectiveDevice);
        Assert.Equal(7, node.MaxEvals);
    }

    [Fact]
    public void Comments_are_tolerated()
    {
        var spec = ReadValid("""
            {
              // a comment
              "nodes": [ { "id": "src", "op": "range", "args": { /* inside args too */ "count": 3 } }, { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "src", "to": "out" } ]
            }
            """);

        Assert.Equal(2, spec.Nodes.Count);
        Assert.Equal("""{"count":3}""", spec.Nodes[0].ArgsJson);
    }

    [Fact]
    public void A_trailing_comma_is_refused_naming_where_it_is()
    {
        var problem = SingleProblem("""
            { "nodes": [ { "id": "src", "op": "range", "args": { "count": 3, } }, { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "src", "to": "out" } ] }
            """);

        Assert.Equal("spec: not valid JSON: a trailing comma (line 1, byte 66): JSON allows no comma before a closing ']' or '}'", problem);
    }

    [Fact]
    public void Text_that_is_not_json_is_one_problem_saying_so()
    {
        var problems = new List<string>();
        DagSpecReader.Read("{ \"nodes\": [ ", problems);

        var problem = Assert.Single(problems);
        Assert.StartsWith("spec: not valid JSON", problem);
    }

    [Fact]
    public void Text_that_is_not_json_is_reported_by_the_validator_as_well()
    {
        var problems = Problems("nodes: [src, out]");

        Assert.Contains(problems, p => p.StartsWith("spec: not valid JSON", StringComparison.Ordinal));
    }

    [Fact]
    public void A_node_field_given_twice_is_a_problem_naming_the_node_and_field()
    {
        var problems = Problems("""
            { "nodes": [ { "id": "src", "op": "range", "op": "constant", "args": { "count": 3 } }, { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "src", "to": "out" } ] }
            """);

        Assert.Contains("node 'src': field 'op' appears more than once", problems);
    }

    [Fact]
    public void An_argument_given_twice_is_a_problem_rather_than_the_last_one_silently_winning()
    {
        var problem = SingleProblem("""
            { "nodes": [ { "id": "src", "op": "range", "args": { "count": 3, "count": 5 } }, { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "src", "to": "out" } ] }
            """);

        Assert.Equal("node 'src': args: field 'count' appears more than once", problem);
    }

    [Fact]
    public void Optional_fields_given_as_null_mean_their_defaults()
    {
        var spec = ReadValid("""
            { "name": null, "defaults": { "transport": null, "batch": null },
              "nodes": [ { "id": "src", "op": "range", "args": null, "device": null, "max_evals": null }, { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "src", "to": "out", "port": null, "transport": null } ] }
            """);

        Assert.Null(spec.Name);
        Assert.Equal(1024, spec.EffectiveBatch);
        Assert.Equal("memory", spec.TransportOf(spec.Edges[0]));
        Assert.Null(spec.Nodes[0].MaxEvals);
        Assert.Equal("{}", spec.Nodes[0].ArgsJson);
    }

    [Fact]
    public void A_top_level_that_is_not_an_object_is_refused()
    {
        var problems = new List<string>();
        DagSpecReader.Read("[1, 2]", problems);

        Assert.Equal("spec: the top level must be a JSON object, not an array", Assert.Single(problems));
    }

    [Fact]
    public void A_spec_without_nodes_is_refused_naming_the_field()
    {
        var problems = new List<string>();
        DagSpecReader.Read("""{ "edges": [] }""", problems);

        Assert.Equal("nodes: missing (a spec needs a \"nodes\" array)", Assert.Single(problems));
    }

    [Fact]
    public void An_unknown_top_level_field_is_an_error_naming_it()
    {
        var problem = SingleProblem("""
            { "nodes": [ { "id": "src", "op": "range", "args": { "count": 1 } }, { "id": "out", "op": "count" } ],
              "edges": [ { "from": "src", "to": "out" } ],
              "edgez": [] }
            """);

        Assert.StartsWith("spec: unknown field 'edgez'", problem);
        Assert.Contains("known fields: name, defaults, nodes, edges", problem);
    }

    [Fact]
    public void An_unknown_field_in_defaults_is_an_error_naming_it()
    {
        var problem = SingleProblem("""
            { "defaults": { "transport": "memory", "batch_size": 10 },
              "nodes": [ { "id": "src", "op": "range", "args": { "count": 1 } }, { "id": "out", "op": "count" } ],
              "edges": [ { "from": "src", "to": "out" } ] }
            """);

        Assert.StartsWith("defaults: unknown field 'batch_size'", problem);
    }

    [Fact]
    public void An_unknown_node_field_is_an_error_naming_the_node_and_the_field()
    {
        var problem = SingleProblem("""
            { "nodes": [ { "id": "src", "op": "range", "args": { "count": 1 }, "maxEvals": 3 }, { "id": "out", "op": "count" } ],
              "edges": [ { "from": "src", "to": "out" } ] }
            """);

        Assert.StartsWith("node 'src': unknown field 'maxEvals'", problem);
        Assert.Contains("max_evals", problem);
    }

    [Fact]
    public void An_unknown_edge_field_is_an_error_naming_the_edge_and_the_field()
    {
        var problem = SingleProblem("""
            { "nodes": [ { "id": "src", "op": "range", "args": { "count": 1 } }, { "id": "out", "op": "count" } ],
              "edges": [ { "from": "src", "to": "out", "prot": 0 } ] }
            """);

        Assert.StartsWith("edge 0 (src -> out): unknown field 'prot'", problem);
    }

    [Fact]
    public void A_field_of_the_wrong_json_type_is_an_error_naming_it()
    {
        var problems = new List<string>();
        DagSpecReader.Read("""
            { "name": 5,
              "defaults": { "batch": "big" },
              "nodes": [ { "id": 1, "op": "range" }, { "id": "out", "op": "count", "args": [1] } ],
              "edges": [ { "from": "src", "to": "out", "port": "zero" } ] }
            """, problems);

        Assert.Equal(
            [
                "name: must be a string, not the number 5",
                "defaults.batch: must be an integer, not the string \"big\"",
                "nodes[0].id: must be a string, not the number 1",
                "node 'out': field 'args' must be an object, not an array",
                "edge 0 (src -> out): field 'port': must be an integer, not the string \"zero\"",
            ],
            problems);
    }

    [Fact]
    public void Missing_required_node_and_edge_fields_are_errors_naming_the_position()
    {
        var problems = new List<string>();
        DagSpecReader.Read("""
            { "nodes": [ { "op": "range" }, { "id": "out" } ], "edges": [ { "to": "out" } ] }
            """, problems);

        Assert.Equal(
            [
                "nodes[0]: missing field 'id'",
                "node 'out': missing field 'op'",
                "edges[0]: missing field 'from'",
            ],
            problems);
    }

    [Fact]
    public void A_max_evals_that_is_not_an_integer_is_an_error_naming_the_node()
    {
        var problems = new List<string>();
        DagSpecReader.Read("""
            { "nodes": [ { "id": "src", "op": "range", "max_evals": 2.5 } ], "edges": [] }
            """, problems);

        Assert.Equal("node 'src': field 'max_evals' must be a positive integer, not the number 2.5", Assert.Single(problems));
    }

    [Fact]
    public void Read_or_throw_lists_every_problem_in_the_exception()
    {
        var e = Assert.Throws<DagSpecException>(() => DagSpecReader.ReadOrThrow("""
            { "nodez": [], "edges": [ { "from": "a", "to": "b", "colour": "red" } ] }
            """));

        Assert.Equal(3, e.Problems.Count);
        Assert.Contains(e.Problems, p => p.StartsWith("spec: unknown field 'nodez'", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("nodes: missing", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("edge 0 (a -> b): unknown field 'colour'", StringComparison.Ordinal));
        Assert.All(e.Problems, p => Assert.Contains(p, e.Message));
    }

    [Fact]
    public void Writing_a_spec_and_reading_it_back_gives_the_same_spec()
    {
        var json = """
            { "name": "all-fields", "defaults": { "transport": "memory", "batch": 16 },
              "nodes": [ { "id": "src", "op": "range", "args": { "start": 5, "count": 10 }, "device": "any", "max_evals": 4 },
                         { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "src", "to": "out", "transport": "memory" } ] }
            """;
        var first = DagSpecReader.ReadOrThrow(json);

        var again = DagSpecReader.ReadOrThrow(first.ToJson());

        Assert.Equal(first.ToJson(), again.ToJson());
        Assert.Equal(16, again.Batch);
        Assert.Equal("any", again.Nodes[0].Device);
        Assert.Equal(4, again.Nodes[0].MaxEvals);
        Assert.Equal("memory", again.Edges[0].Transport);
    }

    [Fact]
    public void The_canonical_json_does_not_depend_on_whitespace_in_the_file()
    {
        var compact = DagSpecReader.ReadOrThrow("""{"nodes":[{"id":"s","op":"range","args":{"count":2}},{"id":"o","op":"count"}],"edges":[{"from":"s","to":"o"}]}""");
        var spaced = DagSpecReader.ReadOrThrow("""
            {
              "nodes": [
                { "id": "s", "op": "range", "args": {   "count" :  2 } },
                { "id": "o", "op": "count", "args": { } }
              ],
              "edges": [ { "from": "s", "to": "o", "port": 0 } ]
            }
            """);

        Assert.Equal(compact.ToJson(), spaced.ToJson());
    }
}
