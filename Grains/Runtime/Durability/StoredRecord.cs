namespace Dagger.Orleans.Runtime.Durability;

/// <summary>
/// What a durable record stores: the value and the format it was written in. The grain storage serializes it once
/// (Orleans' binary serializer: our types' <c>[Id]</c>s keep it version tolerant); <see cref="Format"/> lets the
/// next incompatible change recognise records written before it and refuse them by name instead of misreading them.
/// </summary>
[GenerateSerializer]
public sealed class StoredRecord<T>
{
    /// <summary>
    /// Format 1 was the previous version's own table storage (bytes wrapped in <c>StoredBytes</c>, table
    /// <c>DaggerGrainState</c>: see <see cref="PreviousVersionState"/>); 2 is the official Orleans providers with this envelope.
    /// </summary>
    public const int CurrentFormat = 2;

    [Id(0)] public int Format { get; set; } = CurrentFormat;

    [Id(1)] public T? Value { get; set; }
}

/// <summary>How a grain storage appears in a <see cref="DurableStateException"/>: what and where (the endpoint, never a key).</summary>
public sealed record DurableStorageDescription(string Text);
