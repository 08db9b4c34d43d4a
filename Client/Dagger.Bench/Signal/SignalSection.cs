using System.Globalization;
using Dagger.Orleans.Bench.Chain;
using Dagger.Orleans.Bench.Harness;
using Dagger.Orleans.Operators.Signal;
using Dagger.Orleans.Spec;

namespace Dagger.Orleans.Bench.Signal;

/// <summary>
/// Our signal operators' CPU code next to GNU Radio 3.10's blocks, measured in the same run on the same cores (issue 14
/// item 3): complex FIR against <c>fir_filter_ccc</c>, FFT filtering against <c>fft_filter_ccc</c>, the 1024-point FFT
/// against <c>fft_vcc</c>, FM demodulation against <c>quadrature_demod_cf</c>, and the 8-stage float chain against 8 × <c>multiply_const_ff</c>. GNU Radio is a benchmark
/// baseline only: without it the rows say so and ours are still measured. The radar pipeline's peer (numpy) is in the
/// <c>radar</c> section.
/// </summary>
public sealed class SignalSection : IBenchSection
{
    public string Name => "signal";

    public string Title => "Signal operators (CPU path) vs GNU Radio 3.10 on the same cores";

    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var seconds = context.Quick ? 0.25 : 2.0;
        var atLeast = TimeSpan.FromSeconds(seconds);
        var loadBefore = PeerScript.Load();
        context.Log.WriteLine($"  signal: GNU Radio flowgraphs ({seconds:0.##} s each), load {loadBefore}");
        var (peers, missing) = await PeerScript.RunAsync("gnuradio_signal.py", seconds.ToString(CultureInfo.InvariantCulture), TimeSpan.FromSeconds(60 + 40 * seconds), cancellationToken);
        PeerResult? Peer(string name) => peers.FirstOrDefault(p => p.Case == name);

        var rows = new List<BenchRow>();
        void Add(string @case, string unit, double ours, PeerResult? peer, double? goal, string note)
        {
            rows.Add(peer is null
                ? new BenchRow("signal", @case, unit, ours, "GNU Radio: not measured", null, goal, Note: $"{note}; peer skipped: {missing ?? "no result"}")
                : new BenchRow("signal", @case, unit, ours, peer.Detail, peer.Rate, goal, Note: note));
            context.Log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  signal: {@case}: ours {ours / 1e6:F2} M, peer {(peer is null ? "-" : (peer.Rate / 1e6).ToString("F2", CultureInfo.InvariantCulture))} M {unit}"));
        }

        Add($"complex FIR, {SignalKernels.Taps} taps (fir, {SignalKernels.FirWidth}-sample vectors)", "samples/s",
            SignalKernels.Fir(atLeast, cancellationToken), Peer("fir"), 1.0,
            "ours: direct SIMD convolution summed in double (HPEC's per-output error bound), one thread; input samples per second");
        Add($"FFT filter, {SignalKernels.Taps} taps (fdfir, {SignalKernels.FftFilterWidth}-sample vectors, F = 1024)", "samples/s",
            SignalKernels.FftFilter(atLeast, cancellationToken), Peer("fft_filter"), 1.0,
            $"ours: FFT(x)·FFT(h), inverse FFT ({(FftPlan.For(1024, "bench").UsesFftw ? "FFTW" : "our FFT")}), float32, one thread; input samples per second");
        var fftw = FftPlan.For(SignalKernels.FftLength, "bench").UsesFftw;
        Add($"FFT, {SignalKernels.FftLength} points (our SIMD FFT)", "vectors/s",
            SignalKernels.Fft(ours: true, atLeast, cancellationToken), Peer("fft"), null,
            "ours: SIMD radix-2² FFT on split data, twiddles and plan cached per size, one thread");
        Add($"FFT, {SignalKernels.FftLength} points (fft operator: {(fftw ? "FFTW" : "our FFT, FFTW not installed")})", "vectors/s",
            SignalKernels.Fft(ours: false, atLeast, cancellationToken), Peer("fft"), null,
            fftw ? "libfftw3f through a thin P/Invoke, FFTW_MEASURE in-place plan, one thread" : "FFTW (libfftw3-single3) not installed: the operator runs our FFT");

        Add("FM demodulation (fm_demod, 4096-sample vectors)", "samples/s",
            SignalKernels.FmDemod(atLeast, cancellationToken), Peer("fm_demod"), null,
            "ours: x[n]·conj(x[n−1]) and a polynomial atan2, eight lanes at a time, one thread");

        var elements = context.Quick ? 2_000_000L : 100_000_000L;
        await using (var silo = await BenchSilo.StartAsync(cancellationToken))
        {
            await DaggerChain.RunAsync(silo.Client, Math.Min(elements, 4_000_000), 1024, 8, Transports.Memory, cancellationToken);
            var chain = await DaggerChain.RunAsync(silo.Client, elements, 1024, 8, Transports.Memory, cancellationToken);
            const string chainNote = "ours: a DAG range (float32) → scale × 8 → count in an embedded silo, batch 1024, timed from submission to completion";
            Add("8-stage float chain (runtime)", "items/s", chain, Peer("multiply_chain"), null, chainNote);
            Add("8-stage float chain (runtime), peer with 64K-item buffers", "items/s", chain, Peer("multiply_chain_64k"), null, chainNote);
        }

        context.Notes.Add($"Load average (1 min) before the section: {loadBefore}; after: {PeerScript.Load()}. The cores are shared: ratios are what one run saw.");
        context.Notes.Add("GNU Radio runs from bench/peers/gnuradio_signal.py with /usr/bin/python3 (Debian's gnuradio 3.10): vector_source → head → block → null_sink, "
            + "items grown until a run lasts its share of the budget, timed around tb.run(). Ours: the operator's per-element code in a loop on one thread (the same code a node runs).");
        if (missing is not null) context.Notes.Add($"GNU Radio rows skipped: {missing}");
        return rows;
    }
}
