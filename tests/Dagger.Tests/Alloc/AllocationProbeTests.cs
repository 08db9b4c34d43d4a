using Dagger.Orleans.Diagnostics;
using Dagger.Orleans.Operators.Signal;
using Dagger.Orleans.Tests.TestSupport;
using Xunit;

namespace Dagger.Orleans.Tests.Alloc;

/// <summary>How <see cref="AllocationProbe"/> drives a DAG and judges what it measures.</summary>
public sealed class AllocationProbeTests
{
    [Fact]
    public void An_operator_that_allocates_per_element_is_flagged_over_budget_with_its_numbers()
    {
        var report = AllocSpecs.Measure(AllocSpecs.Chain(256, """{"op":"range"}""", """{"op":"alloc_test_garbage"}""", """{"op":"count"}"""));

        var garbage = report["n1"];
        Assert.Equal(AllocationVerdict.Over, garbage.Verdict);
        Assert.False(report.AllWithinBudget);
        // One double[1] per element: 32 bytes on a 64-bit runtime, plus a share of the output batch object.
        Assert.InRange(garbage.BytesPerElement, 32, 33);
        Assert.Equal(256, garbage.ElementsPerBatch);
        Assert.True(garbage.Bytes > garbage.AllowedBytes, $"{garbage.Bytes} bytes measured, {garbage.AllowedBytes} allowed");
        Assert.Contains("OVER", AllocSpecs.Describe(report), StringComparison.Ordinal);
        Assert.Equal(AllocationVerdict.Ok, report["n0"].Verdict);
        // Over in every window: measured again up to the limit, and still over.
        Assert.Equal(AllocSpecs.Options.Windows, report.Windows);
    }

    [Fact]
    public void The_radar_example_feeds_magnitude_the_complex_vectors_doppler_produces_and_stays_within_budget()
    {
        var report = AllocSpecs.Measure(File.ReadAllText(CliRepoRoot.File("examples/radar.json")), AllocSpecs.AcceleratorOptions);
        var table = AllocSpecs.Describe(report);

        Assert.Equal("complex[512]", report["doppler"].Output);
        Assert.Equal("complex[512]", report["magnitude"].Input);
        Assert.Equal("vector[512]", report["magnitude"].Output);
        Assert.Equal("record", report["cfar"].Output);
        Assert.Equal(16, report["magnitude"].ElementsPerBatch);
        Assert.True(report.AllWithinBudget, table);
        // A run of the example is 4 CPIs: cfar sends its detections on once, at the end, so collect gets one call per run.
        Assert.Equal(AllocationVerdict.StartupOnly, report["detections"].Verdict);
        foreach (var node in report.Nodes)
        {
            if (node.NodeId != "detections") Assert.True(node.Verdict == AllocationVerdict.Ok, $"{node.NodeId} is {node.Verdict}:\n{table}");
        }
    }

    [Fact]
    public void A_lockstep_operator_combines_one_batch_from_each_port()
    {
        var report = AllocSpecs.Measure("""
            { "defaults": { "batch": 500 },
              "nodes": [ { "id": "x", "op": "range" }, { "id": "y", "op": "constant", "args": { "value": 1, "type": "float32" } }, { "id": "z", "op": "add" }, { "id": "s", "op": "sum" } ],
              "edges": [ { "from": "x", "to": "z", "port": 0 }, { "from": "y", "to": "z", "port": 1 }, { "from": "z", "to": "s" } ] }
            """);

        var add = report["z"];
        Assert.Equal("lockstep", add.Role);
        Assert.Equal(500, add.ElementsPerBatch);
        Assert.Equal("float64", add.Output);
        Assert.Equal(AllocationVerdict.Ok, add.Verdict);
        Assert.Equal(AllocSpecs.Options.MeasuredCalls, add.Calls);
    }

    [Fact]
    public void A_dag_one_batch_long_has_no_steady_state_and_is_reported_as_start_up_not_judged()
    {
        var report = AllocSpecs.Measure(AllocSpecs.Chain(1024, """{"op":"range","args":{"count":100}}""", """{"op":"collect"}"""));

        Assert.All(report.Nodes, n => Assert.Equal(AllocationVerdict.StartupOnly, n.Verdict));
        Assert.True(report["n1"].Bytes > 0, "collect keeps its elements: its first call allocates");
        Assert.True(report.AllWithinBudget);
        Assert.Contains("start-up", AllocSpecs.Describe(report), StringComparison.Ordinal);
    }

    [Fact]
    public void A_node_that_never_gets_input_is_reported_as_not_measured()
    {
        var report = AllocSpecs.Measure(
            AllocSpecs.Chain(16, """{"op":"chirp","args":{"samples":64}}""", """{"op":"magnitude"}""", """{"op":"cfar","args":{"guard":1,"reference":2,"mu":1e30}}""", """{"op":"count"}"""),
            AllocSpecs.Options with { RoundsPerCall = 2 });

        Assert.Equal(AllocationVerdict.NotMeasured, report["n3"].Verdict);
        Assert.Equal(AllocationVerdict.Ok, report["n2"].Verdict);
        Assert.True(report.AllWithinBudget);
        Assert.Contains("n3: no input reached it", AllocSpecs.Describe(report), StringComparison.Ordinal);
    }

    [Fact]
    public void A_budget_declared_for_the_accelerator_path_applies_only_to_nodes_that_run_kernels()
    {
        Assert.Equal(AllocationBudget.Zero, AllocationBudget.Of(typeof(MagnitudeOperator), "cpu"));
        var declared = Assert.Single(typeof(MagnitudeOperator).GetCustomAttributes(typeof(AllocationBudgetAttribute), false).Cast<AllocationBudgetAttribute>(), a => a.Device == "gpu");
        Assert.Equal(320, declared.BytesPerBatch);
        Assert.Contains("kernel launch", declared.Reason, StringComparison.Ordinal);
        var gpu = AllocationBudget.Of(typeof(MagnitudeOperator), "gpu");
        Assert.Equal(gpu, AllocationBudget.Of(typeof(MagnitudeOperator), "any"));
        // A gpu node runs its kernels only where the process has a GPU; elsewhere it runs the CPU code, under the CPU budget.
        Assert.Equal(Dagger.Orleans.Gpu.ProcessAccelerator.Wanted("gpu") ? 320 : 0, gpu.BytesPerBatch);
    }

    [Fact]
    public void The_batch_object_allowed_per_output_batch_is_measured_on_this_runtime()
    {
        // A Batch object: header and method table, six fields and their padding.
        Assert.InRange(AllocationBudget.BatchShellBytes, 40, 96);
        Assert.Equal(40, AllocationBudget.RecordBytes);
    }

    [Fact]
    public void The_json_report_names_every_node_with_its_numbers_and_verdict()
    {
        var report = AllocSpecs.Measure(AllocSpecs.Chain(1024, """{"op":"range"}""", """{"op":"scale","args":{"factor":2}}""", """{"op":"sum"}"""));
        using var stream = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(stream)) AllocationReportWriter.WriteJson(writer, report);

        using var json = System.Text.Json.JsonDocument.Parse(stream.ToArray());
        var root = json.RootElement;
        Assert.True(root.GetProperty("within_budget").GetBoolean());
        var nodes = root.GetProperty("nodes");
        Assert.Equal(3, nodes.GetArrayLength());
        var scale = nodes[1];
        Assert.Equal("scale", scale.GetProperty("operator").GetString());
        Assert.Equal(0, scale.GetProperty("bytes").GetInt64());
        Assert.Equal(1024, scale.GetProperty("elements_per_batch").GetDouble());
        Assert.Equal("ok", scale.GetProperty("verdict").GetString());
    }
}
