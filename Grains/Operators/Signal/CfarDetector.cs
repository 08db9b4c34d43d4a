namespace Dagger.Orleans.Operators.Signal;

/// <summary>
/// The HPEC cell-averaging CFAR along one vector of L cells: power P[j] = x[j]²; the noise estimate T[j] is the
/// mean power of the reference cells j ± (G+1 … G+Ncfar) that lie inside the vector; cell j is a detection when
/// P[j] &gt; μ·T[j]. (HPEC drops the terms that fall outside the vector; here T averages the cells that remain, so an
/// edge cell is not judged against a noise estimate made smaller by missing cells.)
/// </summary>
public static class CfarDetector
{
    [ThreadStatic] private static double[]? t_prefix;

    /// <summary>
    /// Writes P[j]/T[j] for every cell into <paramref name="ratio"/> (0 where no reference cell exists) in O(L): prefix sums
    /// of the power in double, so each window's sum is a difference of two prefixes; the interior cells, whose windows lie
    /// whole inside the vector, four at a time in Vector256&lt;double&gt;, the edge cells one by one.
    /// </summary>
    public static void Ratios(ReadOnlySpan<float> cells, Span<float> ratio, int guard, int reference)
    {
        var n = cells.Length;
        if (ratio.Length < n) throw new ArgumentException($"room for {ratio.Length} ratios, {n} cells", nameof(ratio));
        var prefix = t_prefix is { } p && p.Length > n ? p : t_prefix = new double[Math.Max(n + 1, 64)];
        prefix[0] = 0;
        for (var j = 0; j < n; j++) prefix[j + 1] = prefix[j] + (double)cells[j] * cells[j];
        var reach = guard + reference;
        // Interior: j − G − Ncfar ≥ 0 and j + G + Ncfar ≤ n − 1.
        var first = Math.Min(reach, n);
        var last = n - 1 - reach;
        var j0 = 0;
        for (; j0 < first; j0++) ratio[j0] = Edge(cells, prefix, j0, guard, reference);
        if (last >= first)
        {
            var width = 2.0 * reference;
            ref var s = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(prefix);
            var j = first;
            var scale = System.Runtime.Intrinsics.Vector256.Create(width);
            for (; j + 4 <= last + 1; j += 4)
            {
                var u = (nuint)j;
                // Σ left = S[j−G] − S[j−G−N]; Σ right = S[j+G+N+1] − S[j+G+1]; P[j] = S[j+1] − S[j].
                var leftHigh = System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref s, u - (nuint)guard);
                var leftLow = System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref s, u - (nuint)reach);
                var rightHigh = System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref s, u + (nuint)(reach + 1));
                var rightLow = System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref s, u + (nuint)(guard + 1));
                var power = System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref s, u + 1) - System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref s, u);
                var sums = leftHigh - leftLow + rightHigh - rightLow;
                var r = power * scale / sums;
                ratio[j] = (float)r[0];
                ratio[j + 1] = (float)r[1];
                ratio[j + 2] = (float)r[2];
                ratio[j + 3] = (float)r[3];
            }
            for (; j <= last; j++) ratio[j] = Edge(cells, prefix, j, guard, reference);
            j0 = last + 1;
        }
        for (; j0 < n; j0++) ratio[j0] = Edge(cells, prefix, j0, guard, reference);
    }

    /// <summary>One cell, its windows cut to the vector: the mean over the reference cells that remain.</summary>
    private static float Edge(ReadOnlySpan<float> cells, double[] prefix, int j, int guard, int reference)
    {
        var n = cells.Length;
        var leftLow = Math.Max(0, j - guard - reference);
        var leftHigh = Math.Max(0, j - guard);
        var rightLow = Math.Min(n, j + guard + 1);
        var rightHigh = Math.Min(n, j + guard + reference + 1);
        var count = leftHigh - leftLow + rightHigh - rightLow;
        if (count == 0) return 0f;
        var sum = prefix[leftHigh] - prefix[leftLow] + prefix[rightHigh] - prefix[rightLow];
        return (float)((double)cells[j] * cells[j] / (sum / count));
    }

    /// <summary>The running-sum loop the prefix-sum code replaced, kept as the reference it is tested against.</summary>
    public static void RatiosReference(ReadOnlySpan<float> cells, Span<float> ratio, int guard, int reference)
    {
        var n = cells.Length;
        double leftSum = 0, rightSum = 0;
        int leftCount = 0, rightCount = 0;
        // Right window of cell 0: cells G+1 … G+Ncfar.
        for (var c = guard + 1; c <= guard + reference && c < n; c++)
        {
            rightSum += Power(cells, c);
            rightCount++;
        }
        for (var j = 0; j < n; j++)
        {
            var count = leftCount + rightCount;
            ratio[j] = count == 0 ? 0f : (float)(Power(cells, j) / ((leftSum + rightSum) / count));
            // Slide to j+1: the left window gains j−G and loses j−G−Ncfar; the right loses j+G+1 and gains j+G+Ncfar+1.
            var enterLeft = j - guard;
            if (enterLeft >= 0) { leftSum += Power(cells, enterLeft); leftCount++; }
            var leaveLeft = j - guard - reference;
            if (leaveLeft >= 0) { leftSum -= Power(cells, leaveLeft); leftCount--; }
            var leaveRight = j + guard + 1;
            if (leaveRight < n) { rightSum -= Power(cells, leaveRight); rightCount--; }
            var enterRight = j + guard + reference + 1;
            if (enterRight < n) { rightSum += Power(cells, enterRight); rightCount++; }
        }
    }

    private static double Power(ReadOnlySpan<float> cells, int j) => (double)cells[j] * cells[j];
}
