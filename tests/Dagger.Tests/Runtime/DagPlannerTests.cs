using Dagger.Orleans.Runtime;
using Dagger.Orleans.Spec;
using Xunit;

namespace Dagger.Orleans.Tests.Runtime;

public sealed class DagPlannerTests
{
    private static readonly DagSpec Diamond = new DagBuilder()
        .Node("out", "collect").Node("join", "add").Node("b", "offset", new { value = 1 }).Node("a", "scale", new { factor = 2 })
        .Node("src", "range", new { count = 3 })
        .Edge("src", "a").Edge("src", "b").Edge("a", "join", 0).Edge("b", "join", 1).Edge("join", "out").Build();

    [Fact]
    public void The_topological_order_puts_every_producer_before_its_consumers_whatever_the_spec_order()
    {
        var order = DagPlanner.TopologicalOrder(Diamond);

        Assert.Equal(["src", "a", "b", "join", "out"], order);
    }

    [Fact]
    public void The_start_order_starts_consumers_before_producers()
    {
        var groups = DagPlanner.StartOrder(Diamond);

        Assert.Equal([["out"], ["join"], ["b", "a"], ["src"]], groups);
    }

    [Fact]
    public void A_plan_names_each_nodes_inputs_and_outputs_with_ports_and_transports()
    {
        var plans = DagPlanner.Plan("dag1", Diamond, window: 4);

        var join = plans["join"];
        Assert.Equal(2, join.InputCount);
        Assert.Equal([("a", 0), ("b", 1)], join.Inputs.Select(i => (i.FromNode, i.Port)));
        Assert.Equal(["out"], join.Outputs.Select(o => o.ToNode));
        Assert.Equal(["a", "b"], plans["src"].Outputs.Select(o => o.ToNode));
        Assert.All(plans.Values, p => Assert.Equal(4, p.Window));
        Assert.All(plans.Values.SelectMany(p => p.Outputs), o => Assert.Equal("memory", o.Transport));
    }
}

public sealed class DaggerOptionsTests
{
    [Theory]
    [InlineData(1024, 32)]
    [InlineData(16, 32)]
    [InlineData(65536, 8)]
    [InlineData(1 << 20, 2)]
    public void The_window_is_capped_so_a_window_of_large_batches_stays_within_its_byte_budget(int batch, int expected)
    {
        Assert.Equal(expected, new DaggerOptions().WindowFor(batch));
    }
}
