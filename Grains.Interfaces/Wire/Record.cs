namespace Dagger.Orleans.Wire;

/// <summary>
/// The mutable reference-type element: a keyed value with an optional label. Operators that change a record
/// in place get a private copy first when the batch is shared, so fan-out never leaks a change to a sibling.
/// </summary>
[GenerateSerializer]
public sealed class Record
{
    [Id(0)] public long Key { get; set; }
    [Id(1)] public double Value { get; set; }
    [Id(2)] public string? Label { get; set; }

    public Record Clone() => new() { Key = Key, Value = Value, Label = Label };
}
