namespace Dagger.Orleans.Operators.Signal.Simd;

/// <summary>
/// Per-thread work arrays of the FFTs: plans are shared by every node of the process, so their scratch cannot live in
/// the plan; a thread's arrays grow to the largest size it has used and are then reused (no allocation in steady state).
/// </summary>
internal static class Scratch
{
    [ThreadStatic] private static float[]? t_re;
    [ThreadStatic] private static float[]? t_im;
    [ThreadStatic] private static float[]? t_interleaved;
    [ThreadStatic] private static float[]? t_re2;
    [ThreadStatic] private static float[]? t_im2;

    /// <summary>Two split arrays (re, im) of at least <paramref name="samples"/> floats each.</summary>
    public static (float[] Re, float[] Im) Split(int samples) => (Grow(ref t_re, samples), Grow(ref t_im, samples));

    /// <summary>A second pair of split arrays, distinct from <see cref="Split"/>'s (an out-of-place FFT reads one, writes the other).</summary>
    public static (float[] Re, float[] Im) SecondSplit(int samples) => (Grow(ref t_re2, samples), Grow(ref t_im2, samples));

    /// <summary>An interleaved array of at least <paramref name="samples"/> complex samples.</summary>
    public static float[] Interleaved(int samples) => Grow(ref t_interleaved, 2 * samples);

    private static float[] Grow(ref float[]? array, int length)
    {
        if (array is null || array.Length < length) array = new float[Math.Max(length, 16)];
        return array;
    }
}
