using ILGPU;
using ILGPU.Runtime;

namespace Dagger.Orleans.Gpu;

/// <summary>
/// A device buffer with a page-locked host twin, allocated once per node and grown only when a bigger batch
/// arrives: batches in steady state allocate nothing on either side. Uploads go host span → page-locked → device,
/// downloads the reverse, so the transfer itself is a DMA from pinned memory on a real GPU.
/// </summary>
internal sealed class StagedBuffer<T> : IDisposable where T : unmanaged
{
    private readonly Accelerator _accelerator;
    private MemoryBuffer1D<T, Stride1D.Dense>? _device;
    private PageLockedArray1D<T>? _host;

    public StagedBuffer(Accelerator accelerator) => _accelerator = accelerator;

    public long Capacity { get; private set; }

    /// <summary>How many times the buffers were (re)allocated: once per size step, never per batch.</summary>
    public int Allocations { get; private set; }

    /// <summary>The first <paramref name="length"/> elements on the device (grown first if needed).</summary>
    public ArrayView<T> View(long length)
    {
        EnsureCapacity(length);
        return _device!.View.SubView(0, length);
    }

    /// <summary>The page-locked host twin's first <paramref name="length"/> elements.</summary>
    public Span<T> Host(int length)
    {
        EnsureCapacity(length);
        return _host!.Span[..length];
    }

    /// <summary>Copies <paramref name="data"/> to the device through the page-locked buffer (queued on <paramref name="stream"/>).</summary>
    public ArrayView<T> Upload(AcceleratorStream stream, ReadOnlySpan<T> data)
    {
        var view = View(data.Length);
        var pinned = _host!.Span[..data.Length];
        data.CopyTo(pinned);
        ReadOnlySpan<T> source = pinned;
        ((ArrayView1D<T, Stride1D.Dense>)view).CopyFromCPU(stream, in source);
        return view;
    }

    /// <summary>Copies the first <paramref name="length"/> device elements into the page-locked buffer and returns it (waits for the stream).</summary>
    public ReadOnlySpan<T> Download(AcceleratorStream stream, int length)
    {
        var view = (ArrayView1D<T, Stride1D.Dense>)View(length);
        var pinned = _host!.Span[..length];
        view.CopyToCPU(stream, in pinned);
        stream.Synchronize();
        return pinned;
    }

    private void EnsureCapacity(long length)
    {
        if (length <= Capacity) return;
        // Grow by at least half again, so a slowly rising batch size does not reallocate every time.
        var capacity = Math.Max(length, Capacity + Capacity / 2);
        _device?.Dispose();
        _host?.Dispose();
        _device = _accelerator.Allocate1D<T>(capacity);
        _host = _accelerator.AllocatePageLocked1D<T>(capacity);
        Capacity = capacity;
        Allocations++;
    }

    public void Dispose()
    {
        _device?.Dispose();
        _host?.Dispose();
        _device = null;
        _host = null;
        Capacity = 0;
    }
}
