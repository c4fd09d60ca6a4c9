"""Beep detection benchmark: speed (x real time) and pattern accuracy on random synthetic sequences.

Usage: ``.venv/bin/python benchmarks/bench_beeps.py [--n 120] [--seed 0]``

Each case draws a pattern (AMI counts, Award long+short, Phoenix groups, repeating alarm
units, continuous tone), beep/gap lengths with +-15% jitter, a frequency (600-3800 Hz),
sine or band-limited square wave, a sample rate (8 or 16 kHz), optional clipping, and
background noise (white at SNR 30/20/10/5/0 dB, or speech-like formant-band noise).  A case
is correct when the first notation equals the expected one and every beep's edges are
within 20 ms (for CONT and 1L-REPEAT, the notation may be any listed one).  False beeps are counted on noise-only and speech-like-only audio.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diagnostics.sound.beeps import beep_codes, detect_beeps  # noqa: E402

PATTERNS = {  # notation -> group sizes/classes (list of group strings), repeated units
    "1S": ["S"], "2S": ["SS"], "3S": ["SSS"], "5S": ["SSSSS"], "8S": ["SSSSSSSS"],
    "1L2S": ["LSS"], "1L3S": ["LSSS"], "1L8S": ["LSSSSSSSS"],
    "1-2-1": ["S", "SS", "S"], "1-3-3": ["S", "SSS", "SSS"], "3-3-4": ["SSS", "SSS", "SSSS"],
    "4-2-3": ["SSSS", "SS", "SSS"],
    "3S-REPEAT": ["SSS"] * 3, "4S-REPEAT": ["SSSS"] * 3, "1L-REPEAT": ["L"] * 4,
    "CONT": ["C"],
}


def synth(pattern: list[str], sr: int, rng: np.random.Generator) -> tuple[np.ndarray, list[tuple[float, float]]]:
    f = float(rng.uniform(600, min(3800, 0.42 * sr)))
    square = rng.random() < 0.3
    short = rng.uniform(0.12, 0.3)
    long_ = short * rng.uniform(2.5, 4)
    gap = rng.uniform(0.12, 0.3)
    pause = max(gap * 3.5, rng.uniform(0.7, 1.2))
    events = []
    for gi, g in enumerate(pattern):
        for bi, k in enumerate(g):
            d = {"S": short, "L": long_, "C": rng.uniform(2.5, 4)}[k] * rng.uniform(0.9, 1.1)
            last = bi == len(g) - 1
            events.append((d, (pause if last else gap) * rng.uniform(0.9, 1.1)))
    lead, tail = rng.uniform(0.2, 1.0), rng.uniform(0.2, 1.0)
    total = lead + sum(d + g for d, g in events) + tail
    x = np.zeros(int(total * sr))
    t, truth = lead, []
    ramp = int(0.002 * sr)
    for d, g in events:
        n0, n1 = int(t * sr), int((t + d) * sr)
        ph = 2 * np.pi * f * np.arange(n1 - n0) / sr
        w = (sum(np.sin(k * ph) / k for k in range(1, int(sr / 2 / f) + 1, 2)) * 4 / np.pi * 0.6) if square else np.sin(ph)
        env = np.ones(n1 - n0)
        env[:ramp], env[-ramp:] = np.linspace(0, 1, ramp), np.linspace(1, 0, ramp)
        x[n0:n1] = 0.5 * w * env
        truth.append((t + 0.001, t + d - 0.001))
        t += d + g
    return x, truth


def formant_noise(n: int, sr: int, rng: np.random.Generator, level: float) -> np.ndarray:
    out = np.zeros(n)
    seg = int(0.12 * sr)
    freqs = np.fft.rfftfreq(seg, 1 / sr)
    for k in range(0, n - seg, seg):
        spec = np.fft.rfft(rng.normal(0, 1, seg))
        shape = sum(np.exp(-0.5 * ((freqs - fc) / bw) ** 2) for fc, bw in
                    ((rng.uniform(300, 900), 150), (rng.uniform(900, 2500), 250), (rng.uniform(2300, 3500), 350)))
        out[k:k + seg] = np.fft.irfft(spec * shape, seg) * np.hanning(seg)
    return level * out / (np.std(out) + 1e-12)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=120, help="number of random sequences (>= 50)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    names = list(PATTERNS)
    noises = ["white30", "white20", "white10", "white5", "white0", "speech"]
    per_noise: dict[str, list[int]] = {k: [0, 0] for k in noises}
    per_rate: dict[int, list[int]] = {8000: [0, 0], 16000: [0, 0]}
    audio_s = cpu_s = 0.0
    times_ok = 0
    failures = []
    for i in range(max(50, args.n)):
        want = names[i % len(names)]
        sr = int(rng.choice([8000, 16000]))
        x, truth = synth(PATTERNS[want], sr, rng)
        if rng.random() < 0.2:
            x = np.clip(x * 2.5, -0.7, 0.7)
        noise = noises[i % len(noises)]
        if noise == "speech":
            x = x + formant_noise(x.size, sr, rng, 0.1)
        else:
            snr = float(noise[5:])
            x = x + rng.normal(0, np.sqrt(0.125 / 10 ** (snr / 10)), x.size)
        t0 = time.perf_counter()
        a = detect_beeps(x.astype(np.float32), sr)
        cpu_s += time.perf_counter() - t0
        audio_s += x.size / sr
        got = a.notations[0] if a.notations else ""
        # CONT and evenly spaced long beeps (1L-REPEAT) are also named by count ('1L', '4S'): any listed notation counts
        ok = got == want or (want in ("CONT", "1L-REPEAT") and want in a.notations)
        t_ok = len(a.beeps) == len(truth) and all(abs(b.start_s - s) <= 0.02 and abs(b.end_s - e) <= 0.02
                                                  for b, (s, e) in zip(a.beeps, truth))
        times_ok += t_ok
        per_noise[noise][0] += ok
        per_noise[noise][1] += 1
        per_rate[sr][0] += ok
        per_rate[sr][1] += 1
        if not ok:
            failures.append(f"{want} @ {sr} Hz, {noise}: got {a.notations} {a.pattern.counts}")
        _ = beep_codes(a)
    n = sum(v[1] for v in per_noise.values())
    correct = sum(v[0] for v in per_noise.values())
    print(f"beep patterns: {correct}/{n} correct ({100 * correct / n:.1f}%), "
          f"beep edges within 20 ms in {times_ok}/{n} sequences")
    for k, (c, t) in per_noise.items():
        print(f"  {k:8s} {c}/{t}")
    for k, (c, t) in per_rate.items():
        print(f"  {k} Hz  {c}/{t}")
    # speed on one minute of audio (speech-like noise + beeps), per sample rate
    for sr in (8000, 16000, 48000):
        x, _ = synth(["SSS"] * 12, min(sr, 16000), rng)
        x = np.resize(x, 60 * sr) + formant_noise(60 * sr, sr, rng, 0.05) if sr <= 16000 else \
            np.resize(np.repeat(x, 3), 60 * sr)
        x = x.astype(np.float32)
        detect_beeps(x[:sr], sr)
        best = min(_timed(x, sr) for _ in range(3))
        print(f"speed {sr} Hz: 60 s in {best:.3f} s = {60 / best:.0f}x real time")
    print(f"overall on the random set: {audio_s:.0f} s of audio in {cpu_s:.2f} s = {audio_s / cpu_s:.0f}x real time")
    # false beeps
    fb, dur = 0, 0.0
    for sr in (8000, 16000):
        for _ in range(3):
            for x in (rng.normal(0, 0.1, 20 * sr), formant_noise(20 * sr, sr, rng, 0.2)):
                fb += len(detect_beeps(x.astype(np.float32), sr).beeps)
                dur += 20
    print(f"false beeps: {fb} in {dur / 60:.0f} min of white noise and speech-like noise")
    if failures:
        print("misses:")
        for f in failures[:25]:
            print("  " + f)


def _timed(x: np.ndarray, sr: int) -> float:
    t = time.perf_counter()
    detect_beeps(x, sr)
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
