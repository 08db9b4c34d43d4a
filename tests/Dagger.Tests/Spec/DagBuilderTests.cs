using System.Text.Json.Nodes;
using Dagger.Orleans.Spec;
using Xunit;
using static Dagger.Orleans.Tests.Spec.SpecTestSupport;

namespace Dagger.Orleans.Tests.Spec;

public class DagBuilderTests
{
    private static DagBuilder Diamond() => new DagBuilder("diamond")
        .Defaults(transport: "memory", batch: 1024)
        .Node("src", "range", new { count = 1000 })
        .Node("a", "scale", new { factor = 2 })
        .Node("b", "offset", new { value = 1 })
        .Node("join", "add")
        .Node("out", "collect")
        .Edge("src", "a")
        .Edge("src", "b")
        .Edge("a", "join", port: 0)
        .Edge("b", "join", port: 1)
        .Edge("join", "out");

    [Fact]
    public void The_contract_diamond_built_in_code_equals_the_quickstart_example()
    {
        var fromFile = DagSpecReader.ReadOrThrow(Example("quickstart.json"));

        var built = Diamond().Build();

        Assert.Equal(fromFile.ToJson(), built.ToJson());
    }

    [Fact]
    public void The_built_diamond_is_valid()
    {
        Assert.Empty(DagValidator.Validate(Diamond().Build(), Catalog, MemoryOnly));
    }

    [Fact]
    public void A_built_spec_survives_a_round_trip_through_json()
    {
        var built = Diamond().Build();

        var read = DagSpecReader.ReadOrThrow(built.ToJson());

        Assert.Equal(built.ToJson(), read.ToJson());
        Assert.Equal(built.Nodes, read.Nodes);
        Assert.Equal(built.Edges, read.Edges);
    }

    [Fact]
    public void A_builder_without_defaults_writes_no_defaults_object()
    {
        var json = new DagBuilder()
            .Node("src", "range", new { count = 3 }).Node("out", "count").Edge("src", "out")
            .Build().ToJson();

        Assert.Equal("""{"nodes":[{"id":"src","op":"range","args":{"count":3}},{"id":"out","op":"count"}],"edges":[{"from":"src","to":"out"}]}""", json);
    }

    [Fact]
    public void Arguments_may_be_an_anonymous_object_a_dictionary_a_json_object_or_json_text()
    {
        var specs = new[]
        {
            new DagBuilder().Node("a", "range", new { start = 5, count = 3 }).Build(),
            new DagBuilder().Node("a", "range", new Dictionary<string, object> { ["start"] = 5, ["count"] = 3 }).Build(),
            new DagBuilder().Node("a", "range", new JsonObject { ["start"] = 5, ["count"] = 3 }).Build(),
            new DagBuilder().Node("a", "range", """{ "start": 5,  "count": 3 }""").Build(),
        };

        Assert.All(specs, s => Assert.Equal("""{"start":5,"count":3}""", s.Nodes[0].ArgsJson));
    }

    [Fact]
    public void Device_max_evals_port_and_transport_are_written_as_contract_fields()
    {
        var spec = new DagBuilder("fields")
            .Node("src", "range", device: "gpu", maxEvals: 10)
            .Node("m", "merge")
            .Node("out", "count")
            .Edge("src", "m")
            .Edge("src", "m", port: 1, transport: "nats")
            .Edge("m", "out")
            .Build();

        var json = JsonNode.Parse(spec.ToJson())!;

        Assert.Equal("gpu", (string?)json["nodes"]![0]!["device"]);
        Assert.Equal(10, (long?)json["nodes"]![0]!["max_evals"]);
        Assert.Null(json["nodes"]![0]!["args"]);
        Assert.Equal(1, (int?)json["edges"]![1]!["port"]);
        Assert.Equal("nats", (string?)json["edges"]![1]!["transport"]);
        Assert.Null(json["edges"]![0]!["port"]);
        Assert.Null(json["edges"]![0]!["transport"]);
    }

    [Fact]
    public void A_built_spec_is_validated_by_the_same_rules_as_a_read_one()
    {
        var spec = new DagBuilder()
            .Node("src", "range")
            .Node("a", "scale")
            .Node("out", "collect")
            .Edge("src", "a").Edge("a", "out").Edge("a", "ghost")
            .Build();

        var problems = DagValidator.Validate(spec, Catalog, MemoryOnly);

        Assert.Equal(
            [
                "node 'a': operator 'scale' needs argument 'factor' (the multiplier)",
                "edge 2 (a -> ghost): 'to' names no node: 'ghost'",
            ],
            problems);
    }
}
