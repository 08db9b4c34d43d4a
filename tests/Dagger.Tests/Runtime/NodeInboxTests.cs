using Dagger.Orleans.Runtime;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Runtime;

public sealed class NodeInboxTests
{
    private static Batch Numbered(long sequence, long value)
    {
        var batch = Batch.Rent(ElementKind.Int64, 1);
        batch.Count = 1;
        batch.Int64s[0] = value;
        batch.Sequence = sequence;
        return batch;
    }

    [Fact]
    public async Task Batches_that_arrive_out_of_order_are_read_in_sequence_order()
    {
        var inbox = new NodeInbox(ports: 1, capacity: 4);
        foreach (var seq in new long[] { 2, 0, 3, 1 }) await inbox.WriteAsync(0, Numbered(seq, seq * 10));

        for (var expected = 0; expected < 4; expected++)
        {
            var batch = await inbox.ReadAsync(0);
            Assert.Equal(expected, batch!.Sequence);
            Assert.Equal(expected * 10, batch.Int64s[0]);
        }
    }

    [Fact]
    public async Task A_redelivered_batch_is_dropped_so_each_element_is_read_once()
    {
        var inbox = new NodeInbox(ports: 1, capacity: 4);
        await inbox.WriteAsync(0, Numbered(0, 1));
        await inbox.WriteAsync(0, Numbered(0, 1)); // waiting in its slot: a duplicate
        Assert.Equal(0, (await inbox.ReadAsync(0))!.Sequence);
        await inbox.WriteAsync(0, Numbered(0, 1)); // already taken: a duplicate
        await inbox.WriteAsync(0, Numbered(1, 2));

        var next = await inbox.ReadAsync(0);
        Assert.Equal(1, next!.Sequence);
        Assert.Equal(2, next.Int64s[0]);
    }

    [Fact]
    public async Task A_writer_too_far_ahead_waits_until_the_reader_makes_room()
    {
        var inbox = new NodeInbox(ports: 1, capacity: 2);
        await inbox.WriteAsync(0, Numbered(0, 0));
        await inbox.WriteAsync(0, Numbered(1, 1));

        var blocked = inbox.WriteAsync(0, Numbered(2, 2)).AsTask();
        Assert.False(blocked.IsCompleted);

        Assert.Equal(0, (await inbox.ReadAsync(0))!.Sequence);
        await blocked.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1, (await inbox.ReadAsync(0))!.Sequence);
        Assert.Equal(2, (await inbox.ReadAsync(0))!.Sequence);
    }

    [Fact]
    public async Task A_reader_waits_for_the_next_batch_and_wakes_when_it_is_written()
    {
        var inbox = new NodeInbox(ports: 1, capacity: 2);
        var read = inbox.ReadAsync(0).AsTask();
        Assert.False(read.IsCompleted);

        await inbox.WriteAsync(0, Numbered(0, 42));

        Assert.Equal(42, (await read.WaitAsync(TimeSpan.FromSeconds(5)))!.Int64s[0]);
    }

    [Fact]
    public async Task Reading_any_port_takes_ports_in_turn_and_ends_when_every_port_has_ended()
    {
        var inbox = new NodeInbox(ports: 2, capacity: 4);
        await inbox.WriteAsync(0, Numbered(0, 100));
        await inbox.WriteAsync(0, Numbered(1, 101));
        await inbox.WriteAsync(1, Numbered(0, 200));
        await inbox.WriteAsync(0, Batch.EndOfStream(2));
        await inbox.WriteAsync(1, Batch.EndOfStream(1));

        var seen = new List<(int Port, long Value)>();
        while (await inbox.ReadAnyAsync() is { } next)
        {
            if (!next.Batch.Final) seen.Add((next.Port, next.Batch.Int64s[0]));
        }

        Assert.Equal([(0, 100L), (1, 200L), (0, 101L)], seen);
    }

    [Fact]
    public async Task Closing_wakes_a_waiting_reader_and_a_waiting_writer_and_drops_later_writes()
    {
        var inbox = new NodeInbox(ports: 1, capacity: 1);
        await inbox.WriteAsync(0, Numbered(0, 0));
        var writer = inbox.WriteAsync(0, Numbered(1, 1)).AsTask();
        var other = new NodeInbox(ports: 1, capacity: 1);
        var reader = other.ReadAsync(0).AsTask();

        inbox.Close();
        other.Close();

        await writer.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Null(await reader.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Null(await inbox.ReadAsync(0));
        await inbox.WriteAsync(0, Numbered(5, 5)); // completes at once: nothing wants it
    }

    [Fact]
    public async Task Writes_from_another_thread_arrive_complete_and_in_order()
    {
        const int batches = 20_000;
        var inbox = new NodeInbox(ports: 1, capacity: 8);
        var producer = Task.Run(async () =>
        {
            for (var i = 0; i < batches; i++) await inbox.WriteAsync(0, Numbered(i, i));
            await inbox.WriteAsync(0, Batch.EndOfStream(batches));
        });

        long expected = 0;
        while (await inbox.ReadAsync(0) is { Final: false } batch)
        {
            Assert.Equal(expected, batch.Int64s[0]);
            expected++;
            batch.Release();
        }
        await producer.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(batches, expected);
    }
}
