#!/usr/bin/python3
"""GNU Radio 3.10 peers of `dagger bench --only signal`: each flowgraph runs a fixed number of items through one
block (or a chain) from an in-memory source to a null sink, timed around tb.run().

Usage: gnuradio_signal.py SECONDS [CASE...]   (cases: fir fft_filter fft fm_demod multiply_chain multiply_chain_64k)
Prints one line per case on stdout, "RESULT " and a JSON object (GNU Radio logs to stdout too): {"case", "items", "seconds", "rate", "unit", "detail"}.
Exit 3 when GNU Radio's Python bindings are missing (the bench reports the peer as not installed).
Run it with Debian's /usr/bin/python3: the gnuradio package installs its bindings there.
"""
import json
import sys
import time

try:
    from gnuradio import gr, blocks, analog, filter as grfilter, fft as grfft
    from gnuradio.fft import window
except ImportError as error:  # the bench turns this into a "peer not installed" row
    print(f"gnuradio not importable: {error}", file=sys.stderr)
    sys.exit(3)

import random

TAPS = 128
FFT_SIZE = 1024


def taps(count):
    rng = random.Random(2000)
    return [complex(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(count)]


def complex_data(count):
    rng = random.Random(1000)
    return [complex(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(count)]


def run(build, items):
    """Builds a flowgraph for `items` items and returns the seconds tb.run() took."""
    tb = gr.top_block()
    build(tb, items)
    started = time.perf_counter()
    tb.run()
    return time.perf_counter() - started


def timed(build, seconds, first_items):
    """Grows the item count until a run takes at least a fifth of the budget, then runs for about `seconds`."""
    items = first_items
    elapsed = run(build, items)
    while elapsed < seconds / 5:
        items *= 4
        elapsed = run(build, items)
    items = max(items, int(items * seconds / elapsed))
    return items, run(build, items)


def fir(tb, items):
    src = blocks.vector_source_c(complex_data(1 << 16), True)
    head = blocks.head(gr.sizeof_gr_complex, items)
    flt = grfilter.fir_filter_ccc(1, taps(TAPS))
    tb.connect(src, head, flt, blocks.null_sink(gr.sizeof_gr_complex))


def fft_filter(tb, items):
    src = blocks.vector_source_c(complex_data(1 << 16), True)
    head = blocks.head(gr.sizeof_gr_complex, items)
    flt = grfilter.fft_filter_ccc(1, taps(TAPS), 1)
    tb.connect(src, head, flt, blocks.null_sink(gr.sizeof_gr_complex))


def fft(tb, items):
    src = blocks.vector_source_c(complex_data(64 * FFT_SIZE), True, FFT_SIZE)
    head = blocks.head(gr.sizeof_gr_complex * FFT_SIZE, items)
    transform = grfft.fft_vcc(FFT_SIZE, True, [], False, 1)
    tb.connect(src, head, transform, blocks.null_sink(gr.sizeof_gr_complex * FFT_SIZE))


def fm_demod(tb, items):
    src = blocks.vector_source_c(complex_data(1 << 16), True)
    head = blocks.head(gr.sizeof_gr_complex, items)
    tb.connect(src, head, analog.quadrature_demod_cf(1.0), blocks.null_sink(gr.sizeof_float))


def multiply_chain(buffer_items):
    def build(tb, items):
        src = blocks.vector_source_f([float(i % 1000) for i in range(1 << 16)], True)
        head = blocks.head(gr.sizeof_float, items)
        stages = [blocks.multiply_const_ff(1.0001) for _ in range(8)]
        if buffer_items:
            for block in [src, head] + stages:
                block.set_min_output_buffer(buffer_items)
        tb.connect(src, head, *stages, blocks.null_sink(gr.sizeof_float))
    return build


CASES = {
    "fir": (fir, 1 << 20, "samples/s", f"filter.fir_filter_ccc, {TAPS} complex taps, decimation 1"),
    "fft_filter": (fft_filter, 1 << 20, "samples/s", f"filter.fft_filter_ccc, {TAPS} complex taps, nthreads 1"),
    "fft": (fft, 1 << 10, "vectors/s", f"fft.fft_vcc {FFT_SIZE}-point forward, no window, nthreads 1"),
    "fm_demod": (fm_demod, 1 << 20, "samples/s", "analog.quadrature_demod_cf, gain 1"),
    "multiply_chain": (multiply_chain(0), 1 << 22, "items/s", "8 x blocks.multiply_const_ff, default buffers"),
    "multiply_chain_64k": (multiply_chain(65536), 1 << 22, "items/s", "8 x blocks.multiply_const_ff, 64K-item buffers"),
}


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    names = sys.argv[2:] or list(CASES)
    for name in names:
        build, first, unit, detail = CASES[name]
        items, elapsed = timed(build, seconds, first)
        print("RESULT " + json.dumps({"case": name, "items": items, "seconds": elapsed, "rate": items / elapsed, "unit": unit,
                          "detail": f"GNU Radio {gr.version()}: {detail}"}), flush=True)


if __name__ == "__main__":
    main()
