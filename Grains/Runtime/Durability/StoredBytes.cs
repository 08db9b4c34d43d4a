namespace Dagger.Orleans.Runtime.Durability;

/// <summary>
/// What a run-state record looks like to the storage provider: bytes written by Orleans' own serializer. Whatever
/// state serializer the provider uses (JSON, binary), it only has to carry a byte array; our types keep their
/// version-tolerant <c>[Id]</c> layout.
/// </summary>
[GenerateSerializer]
public sealed class StoredBytes
{
    [Id(0)] public byte[]? Data { get; set; }
}
