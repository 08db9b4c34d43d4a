using System.Diagnostics;
using Dagger.Orleans.Runtime;
using Dagger.Orleans.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;
using Wire = Dagger.Orleans.Wire;

namespace Dagger.Orleans.Tests.Runtime;

/// <summary>The shm ring on its own: two mappings of one file, as a consumer and a producer of one host have.</summary>
public sealed class ShmRingTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dagger-ring-test-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private string RingPath(string name = "r") => Path.Combine(_directory, name + ShmPaths.Extension);

    private static Batch Longs(long sequence, int count, long first)
    {
        var batch = Batch.Rent(ElementKind.Int64, count);
        batch.Count = count;
        for (var i = 0; i < count; i++) batch.Int64s[i] = first + i;
        batch.Sequence = sequence;
        return batch;
    }

    [Fact]
    public void Batches_go_round_the_ring_many_times_in_order_and_unchanged()
    {
        using var consumer = ShmRing.CreateOrOpen(RingPath(), ShmOptions.MinRingBytes);
        using var producer = ShmRing.TryOpen(RingPath())!;
        long next = 0, expected = 0;
        // 100 elements of 8 bytes + headers: ~65 batches fill the ring, so 2,000 wrap it ~30 times at varying offsets.
        for (var sequence = 0; sequence < 2000; sequence++)
        {
            var batch = Longs(sequence, 50 + sequence % 100, next);
            next += batch.Count;
            while (!producer.TryWrite(batch, window: 32)) Drain();
            batch.Release();
        }
        Drain();
        Assert.Equal(next, expected);
        Assert.True(producer.IsDrained);

        void Drain()
        {
            while (consumer.TryRead() is { } read)
            {
                foreach (var value in read.Int64s) Assert.Equal(expected++, value);
                read.Release();
                consumer.CommitRead();
            }
        }
    }

    [Fact]
    public void A_producer_is_held_back_by_the_window_and_by_a_full_ring_until_the_consumer_commits()
    {
        using var consumer = ShmRing.CreateOrOpen(RingPath(), ShmOptions.MinRingBytes);
        using var producer = ShmRing.TryOpen(RingPath())!;
        var small = Longs(0, 1, 0);
        for (var i = 0; i < 4; i++) Assert.True(producer.TryWrite(small, window: 4));
        Assert.False(producer.TryWrite(small, window: 4));

        var read = consumer.TryRead()!;
        Assert.False(producer.TryWrite(small, window: 4));
        consumer.CommitRead();
        Assert.True(producer.TryWrite(small, window: 4));
        read.Release();

        var large = Longs(0, 3000, 0);
        var written = 0;
        while (producer.TryWrite(large, window: 1000)) written++;
        Assert.InRange(written, 1, 2);
        small.Release();
        large.Release();
    }

    [Fact]
    public void Records_and_the_end_of_stream_cross_with_their_fields()
    {
        using var consumer = ShmRing.CreateOrOpen(RingPath(), ShmOptions.MinRingBytes);
        using var producer = ShmRing.TryOpen(RingPath())!;
        var records = Batch.Rent(ElementKind.Record, 2);
        records.Count = 2;
        records.Records![0] = new Wire.Record { Key = 7, Value = 1.5, Label = "héllo" };
        records.Records[1] = new Wire.Record { Key = -1, Value = double.NaN, Label = null };
        records.Sequence = 3;
        Assert.True(producer.TryWrite(records, 8));
        Assert.True(producer.TryWrite(Batch.EndOfStream(4), 8));

        var read = consumer.TryRead()!;
        consumer.CommitRead();
        var end = consumer.TryRead()!;

        Assert.Equal(3, read.Sequence);
        Assert.Equal((7L, 1.5, "héllo"), (read.Records![0].Key, read.Records[0].Value, read.Records[0].Label));
        Assert.Equal(-1, read.Records[1].Key);
        Assert.True(double.IsNaN(read.Records[1].Value));
        Assert.Null(read.Records[1].Label);
        Assert.True(end.Final);
        Assert.Equal(4, end.Sequence);
        records.Release();
    }

    [Fact]
    public void A_batch_larger_than_half_the_ring_is_refused_naming_the_setting()
    {
        using var consumer = ShmRing.CreateOrOpen(RingPath(), ShmOptions.MinRingBytes);
        using var producer = ShmRing.TryOpen(RingPath())!;
        var huge = Longs(0, ShmOptions.MinRingBytes / 8, 0);

        var error = Assert.Throws<InvalidOperationException>(() => producer.TryWrite(huge, 8));

        Assert.Contains("Dagger:Shm:RingBytes", error.Message);
        huge.Release();
    }

    [Fact]
    public void A_consumer_that_comes_back_goes_on_where_its_earlier_activation_stood()
    {
        using var producer = CreateAndOpen(out var first);
        var batch = Longs(0, 10, 0);
        Assert.True(producer.TryWrite(batch, 8));
        Assert.True(producer.TryWrite(Longs(1, 10, 10), 8));
        first.TryRead()!.Release();
        first.CommitRead();
        first.Dispose();

        using var second = ShmRing.CreateOrOpen(RingPath(), ShmOptions.MinRingBytes);
        var read = second.TryRead()!;

        Assert.Equal(1, read.Sequence);
        Assert.Equal(10, read.Int64s[0]);
        batch.Release();
    }

    private ShmRing CreateAndOpen(out ShmRing consumer)
    {
        consumer = ShmRing.CreateOrOpen(RingPath(), ShmOptions.MinRingBytes);
        return ShmRing.TryOpen(RingPath())!;
    }

    [Fact]
    public async Task A_silo_starting_removes_the_rings_of_processes_that_are_gone_and_keeps_live_ones()
    {
        using (ShmRing.CreateOrOpen(RingPath("mine"), ShmOptions.MinRingBytes))
        {
        }
        using (var dead = ShmRing.CreateOrOpen(RingPath("orphan"), ShmOptions.MinRingBytes))
        {
        }
        // The orphan's creator: a process that has ended.
        using var gone = Process.Start(new ProcessStartInfo("true"))!;
        await gone.WaitForExitAsync();
        SetOwner(RingPath("orphan"), gone.Id);

        var janitor = new ShmJanitor(Options.Create(new DaggerOptions { Shm = new ShmOptions { Directory = _directory } }), NullLogger<ShmJanitor>.Instance);
        await janitor.StartAsync(CancellationToken.None);

        Assert.True(File.Exists(RingPath("mine")));
        Assert.False(File.Exists(RingPath("orphan")));
    }

    private static void SetOwner(string path, int pid)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = 16;
        stream.Write(BitConverter.GetBytes((long)pid));
    }

    [Fact]
    public void Ring_names_keep_edges_apart_and_hash_a_run_id_that_is_not_a_plain_name()
    {
        Assert.NotEqual(ShmPaths.For("/d", "run", "a.b", "c", 0), ShmPaths.For("/d", "run", "a", "b.c", 0));
        Assert.Equal("/d/run+a+b+1.ring", ShmPaths.For("/d", "run", "a", "b", 1));
        Assert.DoesNotContain("/../", ShmPaths.For("/d", "../etc/x", "a", "b", 0));
    }
}
