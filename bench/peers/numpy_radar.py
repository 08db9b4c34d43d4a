#!/usr/bin/python3
"""numpy/scipy peer of the radar pipeline of examples/radar.json (`dagger bench --only radar` / `signal`): per CPI of
16 pulses x 512 gates, pulse compression against the 64-sample chirp (FFT of 1024, times the conjugate chirp
spectrum, inverse FFT), Doppler FFT across the pulses, magnitude, and CA-CFAR along range (guard 4, 5 reference cells
each side, mu 100 on power, the mean over the reference cells inside the vector). The same scene as RadarScene.cs:
targets "40:3:1;150:12:0.5;300:0:1", noise 0.5. The CPIs are generated before the clock starts; every CPI must give
exactly its 3 detections.

Usage: numpy_radar.py SECONDS. Prints one line, "RESULT " and a JSON object: {"case", "cpis", "seconds", "rate", "unit", "detail"}.
Exit 3 when numpy or scipy is missing. Run with Debian's /usr/bin/python3 (python3-numpy, python3-scipy).
"""
import json
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
try:
    import numpy as np
    import scipy
    from scipy.ndimage import correlate1d
except ImportError as error:
    print(f"numpy/scipy not importable: {error}", file=sys.stderr)
    sys.exit(3)

PULSES, GATES, CHIRP, BANDWIDTH = 16, 512, 64, 1.0
TARGETS = [(40, 3, 1.0), (150, 12, 0.5), (300, 0, 1.0)]
NOISE, GUARD, REFERENCE, MU = 0.5, 4, 5, 100.0
FFT = 1 << int(np.ceil(np.log2(GATES + CHIRP - 1)))


def chirp():
    n = np.arange(CHIRP)
    return np.exp(1j * np.pi * BANDWIDTH * (n - CHIRP / 2) ** 2 / CHIRP).astype(np.complex64)


def scene(cpis, rng):
    s = chirp()
    data = (rng.standard_normal((cpis, PULSES, GATES)) + 1j * rng.standard_normal((cpis, PULSES, GATES)))
    data = (data * NOISE / np.sqrt(2)).astype(np.complex64)
    for gate, doppler, amplitude in TARGETS:
        turn = np.exp(2j * np.pi * doppler * np.arange(PULSES) / PULSES) * amplitude
        end = min(GATES, gate + CHIRP)
        data[:, :, gate:end] += (turn[:, None] * s[None, : end - gate]).astype(np.complex64)
    return data


SPECTRUM = np.conj(np.fft.fft(chirp(), FFT)).astype(np.complex64)
WINDOW = np.r_[np.ones(REFERENCE), np.zeros(2 * GUARD + 1), np.ones(REFERENCE)].astype(np.float32)


def process(cpi):
    compressed = np.fft.ifft(np.fft.fft(cpi, FFT, axis=1) * SPECTRUM, axis=1)[:, :GATES]
    doppler = np.fft.fft(compressed, axis=0)
    magnitude = np.abs(doppler).astype(np.float32)
    power = magnitude * magnitude
    sums = correlate1d(power, WINDOW, axis=1, mode="constant")
    counts = correlate1d(np.ones(GATES, np.float32), WINDOW, mode="constant")
    return int(np.count_nonzero(power > MU * sums / counts))


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    cpis = scene(8, np.random.default_rng(7))
    done, wrong = 0, 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for cpi in cpis:
            wrong += process(cpi) != len(TARGETS)
        done += len(cpis)
    elapsed = time.perf_counter() - started
    print("RESULT " + json.dumps({"case": "radar", "cpis": done, "seconds": elapsed, "rate": done * PULSES * GATES / elapsed,
                      "unit": "samples/s", "wrong_cpis": wrong,
                      "detail": f"numpy {np.__version__} / scipy {scipy.__version__}, one thread: FFT {FFT} pulse compression, "
                                f"Doppler FFT, abs, CA-CFAR by correlate1d"}))


if __name__ == "__main__":
    main()
