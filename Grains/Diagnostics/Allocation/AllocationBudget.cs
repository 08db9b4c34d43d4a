using System.Globalization;
using System.Reflection;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Diagnostics;

/// <summary>The allocation an operator type is allowed in steady state: its <see cref="AllocationBudgetAttribute"/>, or zero.</summary>
public sealed record AllocationBudget(double BytesPerElement, double BytesPerOutputRecord, double BytesPerBatch, double BytesPerInputByte, bool Amortised, string Reason)
{
    public static readonly AllocationBudget Zero = new(0, 0, 0, 0, false, "");

    /// <summary>
    /// What one <see cref="Batch"/> object costs on this runtime. Every output batch an operator starts rents one (its
    /// buffer comes from a pool, the object does not): that is the wire format's cost, allowed to every operator.
    /// </summary>
    public static int BatchShellBytes { get; } = MeasureBatchShell();

    /// <summary>What a <see cref="Record"/> element counts as for <see cref="BytesPerInputByte"/>: its object.</summary>
    public static int RecordBytes { get; } = MeasureRecord();

    /// <summary>The budget of <paramref name="operatorType"/> for a node on <paramref name="device"/>: its budget for that device, else its general one, else zero.</summary>
    public static AllocationBudget Of(Type operatorType, string device = Devices.Cpu)
    {
        AllocationBudgetAttribute? general = null, accelerated = null;
        foreach (var declared in operatorType.GetCustomAttributes<AllocationBudgetAttribute>())
        {
            if (declared.Device is null) general = declared;
            else if (declared.Device == Devices.Gpu) accelerated = declared;
            else throw new InvalidOperationException($"[AllocationBudget] on {operatorType.FullName}: Device must be null or \"{Devices.Gpu}\", not \"{declared.Device}\"");
        }
        var chosen = Gpu.ProcessAccelerator.Wanted(device) ? accelerated ?? general : general;
        return chosen is null ? Zero : new AllocationBudget(chosen.BytesPerElement, chosen.BytesPerOutputRecord, chosen.BytesPerBatch, chosen.BytesPerInputByte, chosen.Amortised, chosen.Reason);
    }

    public bool IsZero => BytesPerElement == 0 && BytesPerOutputRecord == 0 && BytesPerBatch == 0 && BytesPerInputByte == 0;

    /// <summary>
    /// The bytes allowed for a measurement: the declared rates times what was measured, plus one batch shell per output
    /// batch and one more for a batch still open when the measurement ended.
    /// </summary>
    public double Allowed(long elements, long inputBytes, long outputRecords, long calls, long outputBatches) =>
        BytesPerElement * elements + BytesPerInputByte * inputBytes + BytesPerOutputRecord * outputRecords + BytesPerBatch * calls
        + (double)BatchShellBytes * (outputBatches + 1);

    /// <summary>Short text for a table: "0 B/el", "24 B/el + 40 B/out record"; "(life)" when judged over the instance's life.</summary>
    public override string ToString()
    {
        var parts = new List<string>(3);
        if (BytesPerElement != 0 || IsZero) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{BytesPerElement:0.##} B/el"));
        if (BytesPerOutputRecord != 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{BytesPerOutputRecord:0.##} B/out record"));
        if (BytesPerInputByte != 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{BytesPerInputByte:0.##} B/in byte"));
        if (BytesPerBatch != 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{BytesPerBatch:0.##} B/batch"));
        return string.Join(" + ", parts) + (Amortised ? " (life)" : "");
    }

    private static int MeasureRecord()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var record = new Record();
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        GC.KeepAlive(record);
        return (int)bytes;
    }

    private static int MeasureBatchShell()
    {
        // The pooled buffer is rented and returned twice first, so the measured rent takes it from the pool.
        for (var i = 0; i < 2; i++) Batch.Rent(ElementKind.Float64, 1).Release();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var batch = Batch.Rent(ElementKind.Float64, 1);
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        batch.Release();
        return (int)bytes;
    }
}
