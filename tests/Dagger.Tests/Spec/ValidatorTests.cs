using Dagger.Orleans.Spec;
using Xunit;
using static Dagger.Orleans.Tests.Spec.SpecTestSupport;

namespace Dagger.Orleans.Tests.Spec;

/// <summary>Every rule of CONTRACT §1, each broken on its own, with the message naming the node, edge or field.</summary>
public class ValidatorTests
{
    /// <summary>A valid two-node spec (<c>src</c> → <c>out</c>) with <paramref name="srcExtra"/> spliced into the source node.</summary>
    private static string SourceToSink(string srcExtra = "", string edgeExtra = "") => $$"""
        { "nodes": [ { "id": "src", "op": "range", "args": { "count": 3 }{{srcExtra}} }, { "id": "out", "op": "collect" } ],
          "edges": [ { "from": "src", "to": "out"{{edgeExtra}} } ] }
        """;

    [Fact]
    public void The_quickstart_example_is_valid()
    {
        Assert.Empty(Problems(Example("quickstart.json")));
    }

    [Fact]
    public void The_sleep10_example_is_valid()
    {
        Assert.Empty(Problems(Example("sleep10.json")));
    }

    [Fact]
    public void Two_nodes_with_the_same_id_are_refused_naming_the_id()
    {
        var problem = SingleProblem("""
            { "nodes": [ { "id": "src", "op": "range" }, { "id": "out", "op": "count" }, { "id": "out", "op": "count" } ],
              "edges": [ { "from": "src", "to": "out" } ] }
            """);

        Assert.Equal("node 'out': duplicate id (nodes[2] repeats an earlier node's id)", problem);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("slash/in/it")]
    [InlineData("")]
    [InlineData("ümlaut")]
    public void An_id_outside_the_id_pattern_is_refused_naming_the_id(string id)
    {
        var problems = Problems($$"""
            { "nodes": [ { "id": "src", "op": "range" }, { "id": "{{id}}", "op": "count" } ],
              "edges": [ { "from": "src", "to": "{{id}}" } ] }
            """);

        Assert.Equal($"nodes[1]: id '{id}' is not valid (1 to 64 characters of A-Z, a-z, 0-9, '_', '.', '-')", Assert.Single(problems));
    }

    [Fact]
    public void An_id_of_65_characters_is_refused_and_one_of_64_accepted()
    {
        var ok = new string('a', 64);
        var tooLong = new string('b', 65);

        var problems = Problems($$"""
            { "nodes": [ { "id": "{{ok}}", "op": "range" }, { "id": "{{tooLong}}", "op": "count" } ],
              "edges": [ { "from": "{{ok}}", "to": "{{tooLong}}" } ] }
            """);

        // Messages quote at most 64 characters of a value, and say how long it was.
        Assert.StartsWith($"nodes[1]: id '{tooLong[..64]}… (65 characters)' is not valid", Assert.Single(problems));
    }

    [Fact]
    public void An_id_ending_in_a_newline_is_refused()
    {
        var problems = Problems("""
            { "nodes": [ { "id": "src", "op": "range" }, { "id": "out\n", "op": "count" } ],
              "edges": [ { "from": "src", "to": "out\n" } ] }
            """);

        Assert.StartsWith("nodes[1]: id 'out\n' is not valid", Assert.Single(problems));
    }

    [Fact]
    public void Ids_may_use_letters_digits_underscore_dot_and_dash()
    {
        Assert.Empty(Problems("""
            { "nodes": [ { "id": "Src_1.a-B", "op": "range" }, { "id": "0", "op": "count" } ],
              "edges": [ { "from": "Src_1.a-B", "to": "0" } ] }
            """));
    }

    [Fact]
    public void An_edge_to_a_missing_node_is_refused_naming_the_edge_and_the_node()
    {
        var problems = Problems("""
            { "nodes": [ { "id": "src", "op": "range" }, { "id": "out", "op": "count" } ],
              "edges": [ { "from": "src", "to": "out" }, { "from": "src", "to": "nowhere" } ] }
            """);

        Assert.Equal("edge 1 (src -> nowhere): 'to' names no node: 'nowhere'", Assert.Single(problems));
    }

    [Fact]
    public void An_edge_from_a_missing_node_is_refused_naming_the_edge_and_the_node()
    {
        var problems = Problems("""
            { "nodes": [ { "id": "src", "op": "range" }, { "id": "out", "op": "merge" }, { "id": "end", "op": "count" } ],
              "edges": [ { "from": "src", "to": "out" }, { "from": "ghost", "to": "out", "port": 1 }, { "from": "out", "to": "end" } ] }
            """);

        Assert.Contains("edge 1 (ghost -> out): 'from' names no node: 'ghost'", problems);
    }

    [Fact]
    public void A_cycle_is_refused_naming_the_nodes_on_it()
    {
        // src -> m (port 0), b -> m (port 1), m -> b, b -> out: every arity is right, but m and b feed each other.
        var problem = SingleProblem("""
            { "nodes": [ { "id": "src", "op": "range" }, { "id": "m", "op": "merge" },
                         { "id": "b", "op": "scale", "args": { "factor": 2 } }, { "id": "out", "op": "count" } ],
              "edges": [ { "from": "src", "to": "m" }, { "from": "b", "to": "m", "port": 1 },
                         { "from": "m", "to": "b" }, { "from": "b", "to": "out" } ] }
            """);

        Assert.Equal("cycle: m -> b -> m (a DAG has no cycles)", problem);
    }

    [Fact]
    public void A_node_feeding_itself_is_a_cycle()
    {
        var problem = SingleProblem("""
            { "nodes": [ { "id": "src", "op": "range" }, { "id": "m", "op": "merge" }, { "id": "out", "op": "count" } ],
              "edges": [ { "from": "src", "to": "m" }, { "from": "m", "to": "m", "port": 1 }, { "from": "m", "to": "out" } ] }
            """);

        Assert.Equal("cycle: m -> m (a DAG has no cycles)", problem);
    }

    [Fact]
    public void Two_separate_cycles_are_both_reported()
    {
        var problems = Problems("""
            { "nodes": [ { "id": "src", "op": "range" },
                         { "id": "m1", "op": "merge" }, { "id": "m2", "op": "merge" }, { "id": "out", "op": "count" } ],
              "edges": [ { "from": "src", "to": "m1" }, { "from": "m1", "to": "m1", "port": 1 },
                         { "from": "m1", "to": "m2" }, { "from": "m2", "to": "m2", "port": 1 }, { "from": "m2", "to": "out" } ] }
            """);

        Assert.Equal(["cycle: m1 -> m1 (a DAG has no cycles)", "cycle: m2 -> m2 (a DAG has no cycles)"], problems);
    }

    [Fact]
    public void A_source_with_an_input_is_refused_naming_the_node()
    {
        var problems = Problems("""
            { "nodes": [ { "id": "src", "op": "range" }, { "id": "src2", "op": "range" }, { "id": "out", "op": "count" } ],
              "edges": [ { "from": "src", "to": "src2" }, { "from": "src2", "to": "out" } ] }
            """);

        Assert.Equal("node 'src2': operator 'range' is a source and takes no inputs, but 1 edge(s) lead into it", Assert.Single(problems));
    }

    [Fact]
    public void A_sink_with_an_output_is_refused_naming_the_node()
    {
        var problems = Problems("""
            { "nodes": [ { "id": "src", "op": "range" }, { "id": "out", "op": "collect" }, { "id": "after", "op": "count" } ],
              "edges": [ { "from": "src", "to": "out" }, { "from": "out", "to": "after" } ] }
            """);

        Assert.Equal("node 'out': operator 'collect' is a sink and has no outputs, but 1 edge(s) leave it", Assert.Single(problems));
    }

    [Fact]
    public void A_node_that_is_not_a_sink_needs_an_output()
    {
        var problems = Problems("""
            { "nodes": [ { "id": "src", "op": "range" }, { "id": "a", "op": "scale", "args": { "factor": 2 } }, { "id": "out", "op": "count" } ],
              "edges": [ { "from": "src", "to": "a" }, { "from": "src", "to": "out" } ] }
            """);

        var problem = Assert.Single(problems);
        Assert.StartsWith("node 'a': operator 'scale' produces output but no edge leaves it", problem);
    }

    [Fact]
    public void A_lone_source_needs_an_output()
    {
        var problem = SingleProblem("""{ "nodes": [ { "id": "src", "op": "range" } ], "edges": [] }""");

        Assert.StartsWith("node 'src': operator 'range' produces output but no edge leaves it", problem);
    }

    [Fact]
    public void A_sink_without_an_input_is_refused()
    {
        var problems = Problems("""
            { "nodes": [ { "id": "src", "op": "range" }, { "id": "out", "op": "count" }, { "id": "idle", "op": "collect" } ],
              "edges": [ { "from": "src", "to": "out" } ] }
            """);

        Assert.Equal("node 'idle': operator 'collect' takes 1 input, but 0 edge(s) lead into it", Assert.Single(problems));
    }

    [Fact]
    public void Add_with_one_input_is_an_arity_mismatch_naming_the_node()
    {
        var problems = Problems("""
            { "nodes": [ { "id": "src", "op": "range" }, { "id": "join", "op": "add" }, { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "src", "to": "join" }, { "from": "join", "to": "out" } ] }
            """);

        Assert.Equal("node 'join': operator 'add' takes 2 inputs, but 1 edge(s) lead into it", Assert.Single(problems));
    }

    [Fact]
    public void Scale_with_two_inputs_is_an_arity_mismatch_naming_the_node()
    {
        var problems = Problems("""
            { "nodes": [ { "id": "src", "op": "range" }, { "id": "a", "op": "scale", "args": { "factor": 2 } }, { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "src", "to": "a" }, { "from": "src", "to": "a", "port": 1 }, { "from": "a", "to": "out" } ] }
            """);

        Assert.Equal("node 'a': operator 'scale' takes 1 input, but 2 edge(s) lead into it", Assert.Single(problems));
    }

    [Fact]
    public void Merge_takes_any_number_of_inputs_from_one()
    {
        Assert.Empty(Problems("""
            { "nodes": [ { "id": "s1", "op": "range" }, { "id": "s2", "op": "range" }, { "id": "s3", "op": "range" },
                         { "id": "m", "op": "merge" }, { "id": "out", "op": "count" } ],
              "edges": [ { "from": "s1", "to": "m" }, { "from": "s2", "to": "m", "port": 1 }, { "from": "s3", "to": "m", "port": 2 },
                         { "from": "m", "to": "out" } ] }
            """));
    }

    [Fact]
    public void Input_ports_with_a_gap_are_refused_naming_the_node_and_the_missing_port()
    {
        var problem = SingleProblem("""
            { "nodes": [ { "id": "s1", "op": "range" }, { "id": "s2", "op": "range" }, { "id": "m", "op": "merge" }, { "id": "out", "op": "count" } ],
              "edges": [ { "from": "s1", "to": "m" }, { "from": "s2", "to": "m", "port": 2 }, { "from": "m", "to": "out" } ] }
            """);

        Assert.Equal("node 'm': input ports must be 0..1 without gaps, but port 1 has no edge (ports used: 0, 2)", problem);
    }

    [Fact]
    public void Two_edges_into_the_same_port_are_refused_naming_the_node_and_the_port()
    {
        var problems = Problems("""
            { "nodes": [ { "id": "src", "op": "range" }, { "id": "a", "op": "scale", "args": { "factor": 2 } },
                         { "id": "join", "op": "add" }, { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "src", "to": "a" }, { "from": "src", "to": "join" }, { "from": "a", "to": "join" },
                         { "from": "join", "to": "out" } ] }
            """);

        Assert.Contains(problems, p => p.StartsWith("node 'join': input port 0 is fed by more than one edge", StringComparison.Ordinal));
        Assert.Contains("node 'join': input ports must be 0..1 without gaps, but port 1 has no edge (ports used: 0)", problems);
        Assert.Equal(2, problems.Count);
    }

    [Fact]
    public void A_negative_port_is_refused_naming_the_edge()
    {
        var problems = Problems(SourceToSink(edgeExtra: """, "port": -1"""));

        Assert.Contains("edge 0 (src -> out): port must be 0 or more (got -1)", problems);
    }

    [Fact]
    public void An_unknown_edge_transport_is_refused_naming_the_edge_and_the_transport()
    {
        var problem = SingleProblem(SourceToSink(edgeExtra: """, "transport": "pigeon" """));

        Assert.Equal("edge 0 (src -> out): transport: unknown transport 'pigeon' (one of memory, nats, mqtt, shm)", problem);
    }

    [Fact]
    public void An_unknown_default_transport_is_refused_naming_the_field()
    {
        var problem = SingleProblem("""
            { "defaults": { "transport": "carrier" },
              "nodes": [ { "id": "src", "op": "range" }, { "id": "out", "op": "count" } ], "edges": [ { "from": "src", "to": "out" } ] }
            """);

        Assert.StartsWith("defaults.transport: unknown transport 'carrier'", problem);
    }

    [Fact]
    public void Nats_is_refused_when_only_memory_is_configured()
    {
        var problem = SingleProblem(SourceToSink(edgeExtra: """, "transport": "nats" """));

        Assert.Equal("edge 0 (src -> out): transport: transport 'nats' is not configured on this cluster (configured: memory)", problem);
    }

    [Fact]
    public void A_default_transport_the_cluster_lacks_is_refused_naming_the_field()
    {
        var problem = SingleProblem("""
            { "defaults": { "transport": "mqtt" },
              "nodes": [ { "id": "src", "op": "range" }, { "id": "out", "op": "count" } ], "edges": [ { "from": "src", "to": "out" } ] }
            """);

        Assert.Equal("defaults.transport: transport 'mqtt' is not configured on this cluster (configured: memory)", problem);
    }

    [Fact]
    public void Nats_is_accepted_when_the_cluster_has_it()
    {
        Assert.Empty(Problems(SourceToSink(edgeExtra: """, "transport": "nats" """), [Transports.Memory, Transports.Nats]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-100)]
    public void A_max_evals_of_zero_or_less_is_refused_naming_the_node(int maxEvals)
    {
        var problem = SingleProblem(SourceToSink(srcExtra: $", \"max_evals\": {maxEvals}"));

        Assert.Equal($"node 'src': max_evals must be a positive integer (got {maxEvals})", problem);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    public void A_positive_max_evals_is_accepted(int maxEvals)
    {
        var spec = ReadValid(SourceToSink(srcExtra: $", \"max_evals\": {maxEvals}"));

        Assert.Equal(maxEvals, spec.Nodes[0].MaxEvals);
    }

    [Fact]
    public void A_device_other_than_cpu_gpu_or_any_is_refused_naming_the_node()
    {
        var problem = SingleProblem(SourceToSink(srcExtra: """, "device": "tpu" """));

        Assert.Equal("node 'src': device 'tpu' is not one of cpu, gpu, any", problem);
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("gpu")]
    [InlineData("any")]
    public void The_contract_devices_are_accepted(string device)
    {
        Assert.Empty(Problems(SourceToSink(srcExtra: $", \"device\": \"{device}\"")));
    }

    [Fact]
    public void A_batch_of_zero_is_refused_naming_the_field()
    {
        var problem = SingleProblem("""
            { "defaults": { "batch": 0 },
              "nodes": [ { "id": "src", "op": "range" }, { "id": "out", "op": "count" } ], "edges": [ { "from": "src", "to": "out" } ] }
            """);

        Assert.Equal("defaults.batch: must be a positive integer (got 0)", problem);
    }

    [Fact]
    public void An_empty_node_list_is_refused()
    {
        Assert.Equal("nodes: a DAG needs at least one node", SingleProblem("""{ "nodes": [], "edges": [] }"""));
    }

    [Fact]
    public void A_misspelt_operator_is_refused_with_a_suggestion()
    {
        var problem = SingleProblem("""
            { "nodes": [ { "id": "src", "op": "range" }, { "id": "a", "op": "scal", "args": { "factor": 2 } }, { "id": "out", "op": "count" } ],
              "edges": [ { "from": "src", "to": "a" }, { "from": "a", "to": "out" } ] }
            """);

        Assert.Equal("node 'a': unknown operator 'scal' (did you mean 'scale'?)", problem);
    }

    [Fact]
    public void An_operator_unlike_any_known_one_is_refused_listing_the_known_operators()
    {
        var problem = SingleProblem("""
            { "nodes": [ { "id": "src", "op": "range" }, { "id": "a", "op": "fourier-transform" }, { "id": "out", "op": "count" } ],
              "edges": [ { "from": "src", "to": "a" }, { "from": "a", "to": "out" } ] }
            """);

        Assert.StartsWith("node 'a': unknown operator 'fourier-transform' (known operators: ", problem);
        foreach (var op in new[] { "range", "constant", "scale", "offset", "sleep", "add", "merge", "collect", "sum", "count" })
            Assert.Contains(op, problem);
    }

    [Fact]
    public void An_unknown_argument_is_refused_naming_the_node_the_argument_and_the_known_ones()
    {
        var problem = SingleProblem("""
            { "nodes": [ { "id": "src", "op": "range" }, { "id": "a", "op": "scale", "args": { "factor": 2, "factr": 3 } }, { "id": "out", "op": "count" } ],
              "edges": [ { "from": "src", "to": "a" }, { "from": "a", "to": "out" } ] }
            """);

        Assert.Equal("node 'a': unknown argument 'factr' for operator 'scale' (its arguments: factor)", problem);
    }

    [Fact]
    public void An_argument_to_an_operator_that_takes_none_is_refused()
    {
        var problem = SingleProblem("""
            { "nodes": [ { "id": "src", "op": "range" }, { "id": "out", "op": "count", "args": { "max": 3 } } ],
              "edges": [ { "from": "src", "to": "out" } ] }
            """);

        Assert.Equal("node 'out': unknown argument 'max' for operator 'count' (it takes no arguments)", problem);
    }

    [Fact]
    public void A_missing_required_argument_is_refused_naming_the_node_and_the_argument()
    {
        var problem = SingleProblem("""
            { "nodes": [ { "id": "src", "op": "range" }, { "id": "a", "op": "scale" }, { "id": "out", "op": "count" } ],
              "edges": [ { "from": "src", "to": "a" }, { "from": "a", "to": "out" } ] }
            """);

        Assert.Equal("node 'a': operator 'scale' needs argument 'factor' (the multiplier)", problem);
    }

    [Fact]
    public void A_number_argument_given_a_string_is_refused_naming_the_node_and_the_argument()
    {
        var problem = SingleProblem("""
            { "nodes": [ { "id": "src", "op": "range" }, { "id": "a", "op": "scale", "args": { "factor": "two" } }, { "id": "out", "op": "count" } ],
              "edges": [ { "from": "src", "to": "a" }, { "from": "a", "to": "out" } ] }
            """);

        Assert.Equal("node 'a': argument 'factor' of operator 'scale' must be a number, not the string \"two\"", problem);
    }

    [Fact]
    public void An_integer_argument_given_a_fraction_is_refused()
    {
        var problem = SingleProblem("""
            { "nodes": [ { "id": "src", "op": "range", "args": { "count": 2.5 } }, { "id": "out", "op": "count" } ],
              "edges": [ { "from": "src", "to": "out" } ] }
            """);

        Assert.Equal("node 'src': argument 'count' of operator 'range' must be an integer, not the number 2.5", problem);
    }

    [Fact]
    public void A_string_argument_outside_its_allowed_values_is_refused_listing_them()
    {
        var problem = SingleProblem("""
            { "nodes": [ { "id": "src", "op": "range", "args": { "type": "complex" } }, { "id": "out", "op": "count" } ],
              "edges": [ { "from": "src", "to": "out" } ] }
            """);

        Assert.Equal("node 'src': argument 'type' of operator 'range' must be one of int64, float64, float32, vector, record, not \"complex\"", problem);
    }

    [Theory]
    [InlineData("range", "count", "-1", "0")]
    [InlineData("range", "width", "0", "1")]
    [InlineData("sleep", "ms", "-5", "0")]
    public void A_numeric_argument_below_its_minimum_is_refused_naming_the_bound(string op, string arg, string value, string minimum)
    {
        var source = op == "range" ? $$"""{ "id": "n", "op": "range", "args": { "{{arg}}": {{value}} } }""" : """{ "id": "s", "op": "range", "args": { "count": 1 } }""";
        var nodes = op == "range"
            ? $$"""[ {{source}}, { "id": "out", "op": "count" } ]"""
            : $$"""[ {{source}}, { "id": "n", "op": "sleep", "args": { "ms": {{value}} } }, { "id": "out", "op": "count" } ]""";
        var edges = op == "range" ? """[ { "from": "n", "to": "out" } ]""" : """[ { "from": "s", "to": "n" }, { "from": "n", "to": "out" } ]""";

        var problem = SingleProblem($$"""{ "nodes": {{nodes}}, "edges": {{edges}} }""");

        Assert.Equal($"node 'n': argument '{arg}' of operator '{op}' must be at least {minimum}, not {value}", problem);
    }

    [Fact]
    public void An_integer_argument_too_large_for_its_operator_is_refused_naming_the_bound()
    {
        var problem = SingleProblem("""
            { "nodes": [ { "id": "n", "op": "range", "args": { "type": "vector", "width": 10000000000 } }, { "id": "out", "op": "count" } ],
              "edges": [ { "from": "n", "to": "out" } ] }
            """);

        Assert.Equal("node 'n': argument 'width' of operator 'range' must be at most 2147483647, not 10000000000", problem);
    }

    [Fact]
    public void Integers_written_as_whole_floats_are_integers()
    {
        var spec = ReadValid("""
            { "defaults": { "batch": 64.0 },
              "nodes": [ { "id": "src", "op": "range", "args": { "start": 1.0, "count": 3e0 }, "max_evals": 2.0 }, { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "src", "to": "out", "port": 0.0 } ] }
            """);

        Assert.Equal(64, spec.Batch);
        Assert.Equal(2, spec.Nodes[0].MaxEvals);
    }

    [Fact]
    public void A_spec_with_several_problems_reports_every_one()
    {
        var problems = Problems("""
            { "name": "broken",
              "colour": "blue",
              "defaults": { "transport": "memory", "batch": -5 },
              "nodes": [
                { "id": "src",  "op": "range", "args": { "count": 10 }, "max_evals": 0 },
                { "id": "src",  "op": "range" },
                { "id": "a",    "op": "scal",  "args": { "factor": 2 } },
                { "id": "b",    "op": "offset", "args": { "value": "one" } },
                { "id": "join", "op": "add" },
                { "id": "out",  "op": "collect", "args": { "limit": 3 } }
              ],
              "edges": [
                { "from": "src",  "to": "a" },
                { "from": "src",  "to": "b", "transport": "nats" },
                { "from": "a",    "to": "join" },
                { "from": "join", "to": "out" },
                { "from": "out",  "to": "nowhere" }
              ] }
            """);

        string[] expected =
        [
            "spec: unknown field 'colour'",
            "defaults.batch: must be a positive integer (got -5)",
            "node 'src': max_evals must be a positive integer (got 0)",
            "node 'src': duplicate id",
            "node 'a': unknown operator 'scal' (did you mean 'scale'?)",
            "node 'b': argument 'value' of operator 'offset' must be a number",
            "node 'out': unknown argument 'limit' for operator 'collect'",
            "edge 1 (src -> b): transport: transport 'nats' is not configured",
            "edge 4 (out -> nowhere): 'to' names no node: 'nowhere'",
            "node 'b': operator 'offset' produces output but no edge leaves it",
            "node 'join': operator 'add' takes 2 inputs, but 1 edge(s) lead into it",
        ];
        foreach (var start in expected)
            Assert.True(problems.Any(p => p.StartsWith(start, StringComparison.Ordinal)), $"no problem starting '{start}' in:\n{string.Join("\n", problems)}");
        Assert.Equal(expected.Length, problems.Count);
    }

    [Fact]
    public void Validating_a_built_spec_reports_the_same_problems_as_validating_its_json()
    {
        var spec = new DagBuilder()
            .Node("src", "range", new { count = 2 }, maxEvals: 0)
            .Node("join", "add")
            .Node("out", "collect")
            .Edge("src", "join").Edge("join", "out", transport: "nats")
            .Build();

        var direct = DagValidator.Validate(spec, Catalog, MemoryOnly);
        var viaJson = Problems(spec.ToJson());

        Assert.Equal(3, direct.Count);
        Assert.Equal(direct, viaJson);
    }
}
