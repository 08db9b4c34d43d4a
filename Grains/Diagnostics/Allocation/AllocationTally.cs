namespace Dagger.Orleans.Diagnostics;

/// <summary>What a node's measured calls added up to.</summary>
internal sealed class AllocationTally
{
    public long Calls;
    public long Elements;
    public long InputBytes;
    public long OutputElements;
    public long OutputRecords;
    public long OutputBatches;
    public long Bytes;

    public void Reset()
    {
        Calls = 0;
        Elements = 0;
        InputBytes = 0;
        OutputElements = 0;
        OutputRecords = 0;
        OutputBatches = 0;
        Bytes = 0;
    }
}
