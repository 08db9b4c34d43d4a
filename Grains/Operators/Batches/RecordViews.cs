using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators;

/// <summary>
/// A record of an input batch, to read: a <see cref="Record"/> is a reference type with setters, and the batch may be
/// shared, so a read-only input hands records out through this view. <see cref="Clone"/> gives a record of one's own.
/// </summary>
public readonly struct RecordView(Record record)
{
    public long Key => record.Key;
    public double Value => record.Value;
    public string? Label => record.Label;

    /// <summary>A private copy, to keep or to write to the output.</summary>
    public Record Clone() => record.Clone();
}

/// <summary>The records of an input batch, read-only (see <see cref="RecordView"/>); indexable and enumerable without allocating.</summary>
public readonly ref struct RecordViews(ReadOnlySpan<Record> records)
{
    private readonly ReadOnlySpan<Record> _records = records;

    public int Length => _records.Length;

    public RecordView this[int index] => new(_records[index]);

    public Enumerator GetEnumerator() => new(_records);

    public ref struct Enumerator(ReadOnlySpan<Record> records)
    {
        private readonly ReadOnlySpan<Record> _records = records;
        private int _index = -1;

        public bool MoveNext() => ++_index < _records.Length;

        public readonly RecordView Current => new(_records[_index]);
    }
}
