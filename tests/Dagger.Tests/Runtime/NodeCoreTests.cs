using Dagger.Orleans.Operators;
using Dagger.Orleans.Runtime;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Runtime;

/// <summary>What a node does to batches (copy-on-write, stamping what it emits, lockstep joins), without a grain or an edge.</summary>
public sealed class NodeCoreTests
{
    private static readonly OperatorCatalog Catalog = OperatorCatalog.FromLoadedAssemblies();

    private static (NodeCore Core, NodeLifecycle Life) Core(string op, string args, int batchSize = 4, long? maxEvals = null)
    {
        var life = Started();
        return (new NodeCore(Catalog.Create(op, args), batchSize, maxEvals, life), life);
    }

    private static Batch Doubles(long sequence, params double[] values)
    {
        var batch = Batch.Rent(ElementKind.Float64, values.Length);
        batch.Count = values.Length;
        values.CopyTo(batch.Float64s);
        batch.Sequence = sequence;
        return batch;
    }

    [Fact]
    public async Task An_operator_that_writes_into_its_input_works_on_a_private_copy_of_a_shared_batch()
    {
        var (core, _) = Core("scale", """{"factor":10}""");
        var shared = Doubles(0, 1, 2, 3);
        shared.AddHolders(1);

        await core.ProcessAsync(0, shared, CancellationToken.None);
        core.Output.Flush();
        var emitted = core.NextToEmit()!;

        Assert.Equal([1.0, 2, 3], shared.Float64s.ToArray());
        Assert.Equal([10.0, 20, 30], emitted.Float64s.ToArray());
        Assert.NotSame(shared, emitted);
        Assert.Equal(3, core.Received);
        emitted.Release();
        shared.Release();
    }

    [Fact]
    public async Task An_exclusive_batch_is_written_in_place_and_forwarded_without_a_copy()
    {
        var (core, _) = Core("scale", """{"factor":2}""");
        var mine = Doubles(0, 1, 2);

        await core.ProcessAsync(0, mine, CancellationToken.None);
        core.Output.Flush();

        var emitted = core.NextToEmit()!;
        Assert.Same(mine, emitted);
        Assert.Equal([2.0, 4], emitted.Float64s.ToArray());
        emitted.Release();
    }

    [Fact]
    public async Task What_it_emits_is_numbered_counted_and_cut_at_max_evals_and_nothing_goes_out_after()
    {
        var (core, life) = Core("range", """{"count":100}""", batchSize: 4, maxEvals: 10);

        var sequences = new List<long>();
        var counts = new List<int>();
        for (var call = 0; call < 5; call++)
        {
            await core.ProduceAsync(CancellationToken.None);
            while (core.NextToEmit() is { } batch)
            {
                sequences.Add(batch.Sequence);
                counts.Add(batch.Count);
                batch.Release();
            }
        }

        Assert.Equal([0L, 1, 2], sequences);
        Assert.Equal([4, 4, 2], counts);
        Assert.True(life.LimitReached);
        Assert.Null(core.NextToEmit());
        Assert.Equal(10, core.Emitted);
        Assert.Equal(3, core.EndOfStream().Sequence);
    }

    [Fact]
    public void A_forwarded_batch_still_shared_with_a_sibling_goes_out_as_a_private_copy()
    {
        var (core, _) = Core("scale", """{"factor":1}""");
        var shared = Doubles(7, 5, 6);
        shared.AddHolders(1);
        core.Output.Forward(shared);

        var emitted = core.NextToEmit()!;

        Assert.NotSame(shared, emitted);
        Assert.Equal(7, shared.Sequence);
        Assert.Equal(0, emitted.Sequence);
        Assert.Equal([5.0, 6], emitted.Float64s.ToArray());
        emitted.Release();
        shared.Release();
    }

    [Fact]
    public void A_batch_forwarded_twice_is_refused_and_goes_out_once()
    {
        var (core, _) = Core("scale", """{"factor":1}""");
        var mine = Doubles(3, 1, 2);
        core.Output.Forward(mine);

        var error = Assert.Throws<InvalidOperationException>(() => core.Output.Forward(mine));

        Assert.Contains("forwarded twice", error.Message);
        var emitted = core.NextToEmit()!;
        Assert.Null(core.NextToEmit());
        Assert.Equal([1.0, 2], emitted.Float64s.ToArray());
        emitted.Release();
        mine.Release();
    }

    [Fact]
    public async Task A_batch_from_a_stream_cache_reaches_a_writing_operator_only_as_a_private_copy_and_stays_as_cached()
    {
        var (core, _) = Core("scale", """{"factor":10}""");
        var cached = Doubles(0, 1, 2, 3);
        cached.AdoptFromStreamCache();

        await core.ProcessAsync(0, cached, CancellationToken.None);
        core.Output.Flush();
        var emitted = core.NextToEmit()!;

        Assert.NotSame(cached, emitted);
        Assert.Equal([1.0, 2, 3], cached.Float64s.ToArray());
        Assert.Equal([10.0, 20, 30], emitted.Float64s.ToArray());
        emitted.Release();
    }

    [Theory]
    [InlineData(nameof(Batch.Release))]
    [InlineData(nameof(Batch.AddHolders))]
    [InlineData(nameof(Batch.AdoptIfReceivedCopy))]
    [InlineData(nameof(Batch.AdoptFromStreamCache))]
    [InlineData(nameof(Batch.CloneExclusive))]
    public void Only_the_runtime_can_change_who_holds_a_batch(string member)
    {
        // An operator or a user's plugin does not compile against these; the test pins that they stay non-public.
        var method = typeof(Batch).GetMethod(member, System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic);

        Assert.NotNull(method);
        Assert.True(method!.IsAssembly, $"Batch.{member} must be internal (the runtime's), not visible to operators");
    }

    [Fact]
    public async Task An_operator_that_only_reads_passes_a_shared_batch_on_without_a_copy()
    {
        var (core, _) = Core("explode", """{"at":1e9}""");
        var shared = Doubles(0, 1, 2);
        shared.AddHolders(1);

        await core.ProcessAsync(0, shared, CancellationToken.None);

        Assert.True(core.Output.HasReady);
        var forwarded = core.Output.TakeReady();
        Assert.Same(shared, forwarded);
        forwarded.Release();
        shared.Release();
    }

    [Fact]
    public async Task An_input_view_kept_after_its_call_throws_instead_of_reading_a_recycled_buffer()
    {
        var keeper = new ViewKeeper();
        var core = new NodeCore(keeper, 4, null, Started());

        await core.ProcessAsync(0, Doubles(0, 1, 2), CancellationToken.None);

        var error = Assert.Throws<InvalidOperationException>(() => keeper.Kept.Count);
        Assert.Contains("after the operator call", error.Message);
    }

    [Fact]
    public async Task Writing_a_batch_after_forwarding_it_throws_and_what_went_out_is_unchanged()
    {
        var core = new NodeCore(new WriteAfterForward(), 4, null, Started());
        var mine = Doubles(0, 1, 2);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => core.ProcessAsync(0, mine, CancellationToken.None).AsTask());

        Assert.Contains("after it was forwarded", error.Message);
        var emitted = core.NextToEmit()!;
        Assert.Equal([-1.0, 2], emitted.Float64s.ToArray());
        emitted.Release();
    }

    [Fact]
    public void The_input_view_offers_nothing_to_write_with()
    {
        var writable = typeof(InputBatch).GetProperties().Where(p => p.CanWrite || p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(Span<>)).Select(p => p.Name);
        var writableMethods = typeof(InputBatch).GetMethods().Where(m => m.ReturnType.IsGenericType && m.ReturnType.GetGenericTypeDefinition() == typeof(Span<>)).Select(m => m.Name);
        var recordSetters = typeof(RecordView).GetProperties().Where(p => p.CanWrite).Select(p => p.Name);

        Assert.Empty(writable);
        Assert.Empty(writableMethods);
        Assert.Empty(recordSetters);
    }

    private static NodeLifecycle Started()
    {
        var life = new NodeLifecycle();
        life.Start();
        return life;
    }

    /// <summary>Keeps its input view past the call: a bug the view must catch.</summary>
    private sealed class ViewKeeper : TransformOperator
    {
        public InputBatch Kept { get; private set; }

        public override ValueTask TransformAsync(int port, InputBatch input, OutputBuffer output, CancellationToken cancellation)
        {
            Kept = input;
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Negates the first element, forwards, then writes again: the second write must be refused.</summary>
    private sealed class WriteAfterForward : TransformOperator
    {
        public override ValueTask TransformAsync(int port, InputBatch input, OutputBuffer output, CancellationToken cancellation)
        {
            var batch = input.Writable();
            batch.Float64s[0] = -1;
            output.Forward(batch);
            batch.Float64s[1] = -2;
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public void A_lockstep_node_counts_what_it_takes_in_as_any_node_does()
    {
        var (core, _) = Core("add", "{}");
        var join = new LockstepJoin((LockstepOperator)core.Operator, 2);

        core.OfferLockstep(join, 0, Doubles(0, 1, 2, 3));
        core.OfferLockstep(join, 1, Doubles(0, 10, 20));

        Assert.Equal(5, core.Received);
        Assert.Equal(2, join.CombineInto(core.Output));
        join.ReleaseAll();
    }

    [Fact]
    public void A_lockstep_join_combines_batches_of_different_sizes_element_by_element_and_carries_the_unread_rest()
    {
        var join = new LockstepJoin((LockstepOperator)Catalog.Create("add", "{}"), 2);
        var output = new OutputBuffer(16);

        Assert.Equal(0, join.NeededPort());
        join.Offer(0, Doubles(0, 1, 2, 3));
        Assert.Equal(1, join.NeededPort());
        join.Offer(1, Doubles(0, 10, 20));
        Assert.Null(join.NeededPort());
        Assert.Equal(2, join.CombineInto(output));

        Assert.Equal(1, join.NeededPort());
        var carry = join.CarryRest();
        Assert.Equal([3.0], carry[0]!.Float64s.ToArray());
        Assert.Null(carry[1]);
        join.Offer(1, Doubles(1, 30, 40));
        Assert.Equal(1, join.CombineInto(output));

        output.Flush();
        var combined = new List<double>();
        while (output.HasReady)
        {
            var batch = output.TakeReady();
            combined.AddRange(batch.Float64s.ToArray());
            batch.Release();
        }
        Assert.Equal([11.0, 22, 33], combined);
        carry[0]!.Release();
        join.ReleaseAll();
    }
}
