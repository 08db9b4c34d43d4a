using System.Buffers;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;

namespace Dagger.Orleans.Streaming;

/// <summary>Turns the body of a whole (or reassembled) message back into a batch container.</summary>
internal static class StreamMessageReader
{
    public static SerializedBatchContainer Read(Serializer serializer, in ReadOnlySequence<byte> body, EventSequenceTokenV2 token, object? receipt)
    {
        var container = serializer.Deserialize<SerializedBatchContainer>(body)
            ?? throw new InvalidDataException("a broker message holds no batch (it deserialized to null)");
        container.SetSequenceToken(token);
        container.Receipt = receipt;
        return container;
    }
}
