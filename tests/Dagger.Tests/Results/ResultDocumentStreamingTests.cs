using System.Runtime.CompilerServices;
using System.Text;
using Dagger.Orleans.Client;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Results;

/// <summary>The result document written with stored results copied in chunk by chunk is the document of the same results held whole.</summary>
public sealed class ResultDocumentStreamingTests
{
    private static readonly Dictionary<string, string[]> Chunks = new()
    {
        ["b"] = ["[1,", "2,3", "]"],
        ["c"] = ["{\"x\":[4", ".5,6]}"],
        ["e"] = ["\"long te", "xt\""],
    };

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Read(ResultDescriptor result, [EnumeratorCancellation] CancellationToken cancellation)
    {
        foreach (var chunk in Chunks[result.NodeId])
        {
            await Task.Yield();
            yield return Encoding.UTF8.GetBytes(chunk);
        }
    }

    private static ResultDescriptor Stored(string node) => new()
    {
        DagId = "d", NodeId = node, Store = ResultStores.Memory, Chunks = Chunks[node].Length, Bytes = Encoding.UTF8.GetByteCount(string.Concat(Chunks[node])),
    };

    [Fact]
    public async Task Stored_results_between_inline_ones_come_out_whole_with_the_commas_in_place()
    {
        var status = new DagStatus
        {
            DagId = "d",
            State = DagState.Completed,
            Nodes = [new NodeStatus { NodeId = "a", State = NodeState.Finished, Emitted = 0, Received = 3 }],
            Results = new Dictionary<string, string> { ["a"] = "7", ["d"] = "[]" },
            StoredResults = new Dictionary<string, ResultDescriptor> { ["b"] = Stored("b"), ["c"] = Stored("c"), ["e"] = Stored("e") },
            StartedAt = DateTimeOffset.UnixEpoch,
            EndedAt = DateTimeOffset.UnixEpoch.AddSeconds(1),
        };
        var whole = status with
        {
            Results = new Dictionary<string, string>(status.Results) { ["b"] = "[1,2,3]", ["c"] = "{\"x\":[4.5,6]}", ["e"] = "\"long text\"" },
            StoredResults = new Dictionary<string, ResultDescriptor>(),
        };

        using var output = new MemoryStream();
        await ResultDocument.WriteAsync(output, status, Read, errorOverride: "why");

        Assert.Equal(ResultDocument.Write(whole, "why") + "\n", Encoding.UTF8.GetString(output.ToArray()));
    }
}
