namespace Dagger.Orleans.Spec;

/// <summary>
/// How big a spec may be, checked when it is read and validated, before anything runs: a spec is input from whoever
/// can reach the cluster, and a careless or hostile one must be refused with a message naming the limit, not found
/// out at run time by an overflow or a silo out of memory. The defaults are generous (every example, test and
/// benchmark stays far inside them); a silo sets its own in <c>DaggerOptions.Limits</c> (<c>Dagger:Limits</c>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SpecLimits
{
    public static readonly SpecLimits Default = new();

    /// <summary>Messages quote at most this many characters of a value taken from the spec.</summary>
    public const int QuoteLength = 64;

    /// <summary>Bytes of spec text (UTF-8).</summary>
    [Id(0)] public int MaxSpecBytes { get; init; } = 4 << 20;

    /// <summary>How deeply objects and arrays may nest in the spec text (the top-level object is depth 1).</summary>
    [Id(1)] public int MaxDepth { get; init; } = 32;

    [Id(2)] public int MaxNodes { get; init; } = 10_000;

    [Id(3)] public int MaxEdges { get; init; } = 50_000;

    /// <summary>Edges into one node, and edges out of one node: each is an inbox or a writer with a window of batches.</summary>
    [Id(4)] public int MaxEdgesPerNode { get; init; } = 1024;

    /// <summary>Elements per stream batch (<c>defaults.batch</c>).</summary>
    [Id(5)] public int MaxBatch { get; init; } = 1 << 20;

    /// <summary>Bytes per stream batch, reckoned at 8 bytes an element (a 64-bit number), as the flow-control window is.</summary>
    [Id(6)] public long MaxBatchBytes { get; init; } = 8L << 20;

    /// <summary>Characters of a name: the spec's name, an operator, a field, a transport, a device.</summary>
    [Id(7)] public int MaxNameLength { get; init; } = 256;

    /// <summary>Bytes of one node's <c>args</c> object as JSON.</summary>
    [Id(8)] public int MaxArgsBytes { get; init; } = 1 << 20;

    /// <summary>What is wrong with these limits themselves (checked at silo start), each naming the setting; empty when nothing is.</summary>
    public IReadOnlyList<string> Problems(string prefix)
    {
        var problems = new List<string>();
        void Positive(long value, string name)
        {
            if (value <= 0) problems.Add($"{prefix}{name} must be positive (got {value})");
        }
        Positive(MaxSpecBytes, nameof(MaxSpecBytes));
        Positive(MaxDepth, nameof(MaxDepth));
        Positive(MaxNodes, nameof(MaxNodes));
        Positive(MaxEdges, nameof(MaxEdges));
        Positive(MaxEdgesPerNode, nameof(MaxEdgesPerNode));
        Positive(MaxBatch, nameof(MaxBatch));
        Positive(MaxBatchBytes, nameof(MaxBatchBytes));
        Positive(MaxNameLength, nameof(MaxNameLength));
        Positive(MaxArgsBytes, nameof(MaxArgsBytes));
        if (MaxDepth is > 0 and < 4)
            problems.Add($"{prefix}{nameof(MaxDepth)} must be at least 4, the depth of a node's args inside a spec (got {MaxDepth})");
        return problems;
    }

    /// <summary>A value from the spec as a message may show it: whole when short, else its first <see cref="QuoteLength"/> characters and its length.</summary>
    public static string Quote(string? value)
    {
        if (value is null) return "";
        if (value.Length <= QuoteLength) return value;
        // Cut before a lone high surrogate, so the quote stays valid text.
        var cut = char.IsHighSurrogate(value[QuoteLength - 1]) ? QuoteLength - 1 : QuoteLength;
        return $"{value[..cut]}… ({value.Length} characters)";
    }
}
