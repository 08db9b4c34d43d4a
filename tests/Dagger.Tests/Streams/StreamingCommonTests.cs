using System.Buffers;
using Dagger.Orleans.Streaming;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using Xunit;

namespace Dagger.Orleans.Tests.Streams;

/// <summary>The code both stream providers share: framing, splitting and reassembly, names, redaction.</summary>
public sealed class StreamingCommonTests
{
    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(SerializedBatchContainer).Assembly).AddAssembly(typeof(ContractEvent).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    private static SerializedBatchContainer Batch(int payloadBytes, int sequence = 7) =>
        new(StreamId.Create(ContractStreams.Namespace, "key"), [ContractEvent.Create(sequence, payloadBytes)], new Dictionary<string, object> { ["trace"] = "abc" });

    [Fact]
    public void A_batch_under_the_payload_limit_travels_as_one_frame_and_reads_back_equal()
    {
        using var message = OutgoingMessage.Create(Serializer, Batch(100), maxPayload: 4096);
        var assembler = new FrameAssembler<int>(1 << 20);

        Assert.Equal(1, message.FrameCount);
        Assert.Equal(FrameStatus.Whole, assembler.Accept(new ReadOnlySequence<byte>(message.Frame(0)), 1, out var whole));
        var read = StreamMessageReader.Read(Serializer, whole.Body, new EventSequenceTokenV2(5), receipt: "r");
        var item = Assert.Single(read.GetEvents<ContractEvent>());
        Assert.True(item.Item1.IsIntact(100));
        Assert.Equal(new EventSequenceTokenV2(5, 0), item.Item2);
        Assert.Equal("r", read.Receipt);
    }

    [Fact]
    public void A_batch_over_the_payload_limit_is_split_into_frames_no_larger_than_the_limit_and_reassembled_in_any_order()
    {
        const int limit = 4096;
        using var message = OutgoingMessage.Create(Serializer, Batch(50_000), limit);
        var assembler = new FrameAssembler<int>(1 << 20);

        Assert.True(message.FrameCount > 10);
        for (var i = 0; i < message.FrameCount; i++) Assert.True(message.Frame(i).Length <= limit);
        // Last chunk first, the rest in order; one chunk delivered twice.
        Assert.Equal(FrameStatus.Partial, assembler.Accept(new ReadOnlySequence<byte>(message.Frame(message.FrameCount - 1)), 100, out _));
        Assert.Equal(FrameStatus.Partial, assembler.Accept(new ReadOnlySequence<byte>(message.Frame(0)), 0, out _));
        Assert.Equal(FrameStatus.Duplicate, assembler.Accept(new ReadOnlySequence<byte>(message.Frame(0)), 200, out _));
        AssembledMessage<int> assembled = default;
        var status = FrameStatus.Partial;
        for (var i = 1; i < message.FrameCount - 1; i++) status = assembler.Accept(new ReadOnlySequence<byte>(message.Frame(i)), i, out assembled);

        Assert.Equal(FrameStatus.Completed, status);
        using (assembled)
        {
            Assert.Equal(200, assembled.Receipts![0]);
            Assert.Equal(100, assembled.Receipts[^1]);
            var read = StreamMessageReader.Read(Serializer, assembled.Body, new EventSequenceTokenV2(1), null);
            Assert.True(Assert.Single(read.GetEvents<ContractEvent>()).Item1.IsIntact(50_000));
        }
        Assert.Equal(0, assembler.PartialCount);
    }

    [Fact]
    public void Chunks_of_a_batch_whose_other_chunks_never_come_are_evicted_with_their_receipts()
    {
        var time = new ManualClock();
        using var message = OutgoingMessage.Create(Serializer, Batch(20_000), 4096);
        var assembler = new FrameAssembler<int>(1 << 20, time);
        assembler.Accept(new ReadOnlySequence<byte>(message.Frame(0)), 41, out _);
        assembler.Accept(new ReadOnlySequence<byte>(message.Frame(1)), 42, out _);
        var evicted = new List<int>();

        Assert.Equal(0, assembler.EvictStale(TimeSpan.FromMinutes(1), evicted));
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, assembler.EvictStale(TimeSpan.FromMinutes(1), evicted));
        Assert.Equal([41, 42], evicted);
        Assert.Equal(0, assembler.PartialCount);
    }

    [Fact]
    public void A_message_without_the_providers_header_is_rejected_as_invalid_data()
    {
        var assembler = new FrameAssembler<int>(1 << 20);

        var error = Assert.Throws<InvalidDataException>(() => assembler.Accept(new ReadOnlySequence<byte>("hello"u8.ToArray()), 1, out _));
        Assert.Contains("not written by this provider", error.Message);
    }

    [Theory]
    [InlineData("plain-name_1", "plain-name_1")]
    [InlineData("a.b", "a~2Eb")]
    [InlineData("x*>/+# ~", "x~2A~3E~2F~2B~23~20~7E")]
    [InlineData("", "~~")]
    [InlineData(null, "~")]
    public void Names_are_escaped_into_single_tokens_every_broker_accepts(string? name, string expected) =>
        Assert.Equal(expected, BrokerNames.Escape(name));

    [Fact]
    public void Stream_tokens_escape_namespace_and_key_and_keep_them_apart()
    {
        Assert.Equal("ns~2E1.dag~2F1~20~3E", BrokerNames.StreamTokens(StreamId.Create("ns.1", "dag/1 >"), '.'));
        Assert.NotEqual(BrokerNames.StreamTokens(StreamId.Create("a", "b.c"), '.'), BrokerNames.StreamTokens(StreamId.Create("a.b", "c"), '.'));
    }

    [Fact]
    public void Urls_lose_their_user_info_in_messages() =>
        Assert.Equal("nats://***@host:4222", Secrets.RedactUrl("nats://user:pw@host:4222"));

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
