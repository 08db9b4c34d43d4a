namespace Dagger.Orleans.Operators.Signal;

/// <summary>
/// The HPEC cell-averaging CFAR along one vector of L cells: power P[j] = x[j]²; the noise estimate T[j] is the
/// mean power of the reference cells j ± (G+1 … G+Ncfar) that lie inside the vector; cell j is a detection when
/// P[j] &gt; μ·T[j]. (HPEC drops the terms that fall outside the vector; here T averages the cells that remain, so an
/// edge cell is not judged against a noise estimate made smaller by missing cells.)
/// </summary>
public static class CfarDetector
{
    /// <summary>Writes P[j]/T[j] for every cell into <paramref name="ratio"/> (0 where no reference cell exists), using running sums: O(L).</summary>
    public static void Ratios(ReadOnlySpan<float> cells, Span<float> ratio, int guard, int reference)
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
