"""Beep codes in audio: find tone bursts, measure them, group them and name the pattern.

Customers record the beeps of a PC that will not start (BIOS/POST beep codes) or of an
appliance (smoke/CO alarm, fridge, UPS).  :func:`detect_beeps` turns mono samples into a
:class:`BeepAnalysis` (bursts with times, frequency and level; groups; long/short
classes; a canonical pattern notation; repetition) and :func:`beep_codes` maps that
analysis to knowledge-base codes (``diagnostics/knowledge/seed/beeps.yaml``).

Pattern notation (used in ``BeepAnalysis.notations`` and, prefixed, in KB codes)
-------------------------------------------------------------------------------
* ``nS`` / ``nL``: n short / n long beeps in one group; a group with both classes is
  run-length encoded in order of occurrence: ``1L2S`` = one long then two short.
* ``a-b-c``: groups of short beeps separated by longer pauses (Phoenix style), e.g.
  ``1-2-1`` = 1 beep, pause, 2 beeps, pause, 1 beep.
* ``<unit>-REPEAT``: the unit (one of the above) is heard at least twice, e.g.
  ``3S-REPEAT`` (3 beeps, pause, 3 beeps, ...).
* ``CONT``: one continuous tone of at least :data:`CONTINUOUS_S` seconds.
* ``RAPID``: one unbroken train of at least :data:`RAPID_MIN` evenly spaced beeps.
* ``HL-REPEAT``: beeps alternating between a high and a low pitch (siren).

Knowledge-base codes are ``BEEP:<SCHEME>:<notation>`` with SCHEME one of ``AMI``,
``AWARD``, ``PHOENIX`` (BIOS vendors) or ``APPLIANCE``; e.g. ``BEEP:AMI:3S``,
``BEEP:AWARD:1L2S``, ``BEEP:PHOENIX:1-2-1``, ``BEEP:APPLIANCE:3S-REPEAT``.  Their
:func:`~diagnostics.knowledge.keys.match_key` forms (``BEEPAMI3S``, ``BEEPPHOENIX121``)
stay distinct because run-length strings always alternate digits and letters and
Phoenix groups are single digits (1-4).

Method (numpy only): short-time Fourier transform (Hann window ~32 ms, hop 10 ms); in
each frame the strongest spectral peak between :data:`F_MIN_HZ` and :data:`F_MAX_HZ` is
scored by its *prominence* (3-bin peak power over the median power of its sub-band,
robust to coloured noise and to a tone that lasts the whole clip) and its *dominance*
(over the strongest other peak that is not one of its harmonics).  A speech guard drops
peaks below :data:`VOICED_MAX_HZ` that sit in a harmonic comb (the strongest harmonic of
voiced speech near the first formant: energy at F - f0, F - 2 f0 ... for some f0 of
70-400 Hz), unless they dominate by :data:`VOICED_BYPASS_DOM_DB`.  Runs of tonal frames at a stable
frequency with hysteresis (strong frames start a run, weaker ones extend it) become
bursts; gaps under :data:`MERGE_GAP_S` are merged, bursts under :data:`MIN_BEEP_S`
dropped.  Each burst's edges are then refined to ~1 ms from the envelope of the signal
demodulated at the burst frequency (half-amplitude crossings).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import CorruptMediaError, EmptyMediaError, MediaError

F_MIN_HZ = 400.0
"""Lowest beep frequency searched (Hz). PC speakers, piezo buzzers and alarms sit at ~0.5-4 kHz."""
F_MAX_HZ = 5000.0
"""Highest beep frequency searched (Hz); capped at 0.95 x Nyquist."""
HOP_S = 0.010
"""STFT hop (s)."""
SMOOTH_FRAMES = 1
"""Power spectra are averaged over 2*SMOOTH_FRAMES+1 hops before peak picking (noise robustness)."""
WINDOW_S = 0.032
"""Nominal STFT window (s); rounded up to a power of two in samples."""
MERGE_GAP_S = 0.040
"""Gaps shorter than this between bursts of the same pitch are merged (s)."""
MIN_BEEP_S = 0.040
"""Shortest burst reported as a beep (s)."""
PROM_ON_DB = 10.0
"""Frame prominence (dB over sub-band median) that starts a burst."""
PROM_OFF_DB = 7.0
"""Frame prominence that keeps a burst going (hysteresis)."""
DOM_ON_DB = 6.0
"""Frame dominance (dB over the strongest non-harmonic other peak) that starts a burst."""
DOM_OFF_DB = 3.0
"""Frame dominance that keeps a burst going."""
F0_MIN_HZ = 70.0
"""Lowest speech fundamental considered by the voicing test (Hz)."""
F0_MAX_HZ = 400.0
"""Highest speech fundamental considered by the voicing test (Hz)."""
DYNAMIC_RANGE_DB = 50.0
"""Noise floor assumed at least this far below a frame's peak (dB), for digitally clean audio."""
VOICED_DB = 7.0
"""Frames whose peak sits in a harmonic comb this far (dB) over the noise floor are speech, not beeps."""
VOICED_MAX_HZ = 1200.0
"""The speech guard applies to peaks below this frequency (Hz): voiced speech's strongest
harmonic above 400 Hz is near the first formant (espeak-ng and recorded voices: 99% < 1.1 kHz)."""
VOICED_BYPASS_DOM_DB = 20.0
"""Peaks dominating the spectrum by at least this much (dB) skip the speech guard."""
STABLE_STD_BINS = 0.2
"""Largest spread (std, in FFT bins) of a burst's frame frequencies."""
STABLE_DRIFT_BINS = 0.35
"""Largest frequency glide between a burst's halves (FFT bins)."""
LONG_ABSOLUTE_S = 0.8
"""When all beeps have similar lengths, beeps at least this long are 'long' (s)."""
CLUSTER_RATIO = 1.7
"""Two duration clusters (long vs short) need at least this ratio between them."""
GROUP_GAP_RATIO = 2.5
"""A gap longer than this multiple of the intra-group gap starts a new group."""
GROUP_GAP_ABS_S = 1.2
"""A gap at least this long always starts a new group (s)."""
CONTINUOUS_S = 2.0
"""A single tone at least this long is also called ``CONT`` (s)."""
RAPID_MIN = 6
"""An unbroken group of at least this many evenly spaced beeps is also called ``RAPID``."""
MAX_SECONDS = 900.0
"""Longest audio analysed by default (s)."""
VENDORS = ("AMI", "AWARD", "PHOENIX", "APPLIANCE")


# ----------------------------------------------------------------------------- results
@dataclass
class Beep:
    """One tone burst.

    Attributes:
        start_s, end_s: onset and offset (s from the start of the audio), half-amplitude points.
        freq_hz: fundamental frequency (Hz), from the interpolated spectral peak.
        level_dbfs: tone amplitude in dBFS (a full-scale sine = 0 dBFS).
        prominence_db: median frame prominence over the sub-band noise floor (dB): a per-beep SNR.
        kind: ``"S"`` short or ``"L"`` long (set by the classifier).
    """

    start_s: float
    end_s: float
    freq_hz: float
    level_dbfs: float
    prominence_db: float = 0.0
    kind: str = "S"

    @property
    def duration_s(self) -> float:
        """Burst length (s)."""
        return self.end_s - self.start_s

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict (times rounded to ms)."""
        return {"start_s": round(self.start_s, 3), "end_s": round(self.end_s, 3),
                "duration_s": round(self.duration_s, 3), "freq_hz": round(self.freq_hz, 1),
                "level_dbfs": round(self.level_dbfs, 1), "prominence_db": round(self.prominence_db, 1),
                "kind": self.kind}


@dataclass
class BeepPattern:
    """Long/short classes, group structure and repetition of a beep sequence.

    Attributes:
        classes: one letter per beep, ``"S"``/``"L"`` (e.g. ``"LSS"``).
        long_threshold_s: beeps at least this long are long (s).
        classification: ``"clusters"`` (two duration clusters found) or ``"absolute"``
            (similar lengths; compared with :data:`LONG_ABSOLUTE_S`) or ``"none"``.
        counts: beeps per group, e.g. ``[1, 2, 1]``.
        signatures: run-length string per group, e.g. ``["1L2S"]``.
        group_gap_s: gap that separated groups (s; 0 when one group).
        unit: signatures of the repeated unit (the whole sequence when not repeating).
        repeats: how many times the unit was heard (complete or truncated at the clip edges).
        alternating_pitch: beeps alternate between two pitches (high-low siren).
    """

    classes: str = ""
    long_threshold_s: float = LONG_ABSOLUTE_S
    classification: str = "none"
    counts: list[int] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)
    group_gap_s: float = 0.0
    unit: list[str] = field(default_factory=list)
    repeats: int = 0
    alternating_pitch: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict."""
        return {"classes": self.classes, "long_threshold_s": round(self.long_threshold_s, 3),
                "classification": self.classification, "counts": list(self.counts),
                "signatures": list(self.signatures), "group_gap_s": round(self.group_gap_s, 3),
                "unit": list(self.unit), "repeats": self.repeats, "alternating_pitch": self.alternating_pitch}


@dataclass
class BeepAnalysis:
    """Result of :func:`detect_beeps`.

    Attributes:
        beeps: bursts in time order.
        groups: the same beeps split into groups (lists of :class:`Beep`).
        pattern: classes, counts, repetition (:class:`BeepPattern`).
        notations: pattern names, best first (``["3S-REPEAT", "3S"]``, ``["1-2-1"]``); empty when no beeps.
        repeat: the unit was heard at least twice.
        confidence: 0..1, from beep prominence and timing regularity.
        duration_s: length of the analysed audio (s).
        sample_rate: Hz.
        track_t, track_freq_hz, track_prom_db: per-frame tonal track (frame centres in s,
            peak frequency in Hz, prominence in dB), ``(F,) float32``, for plotting; not in :meth:`to_dict`.
    """

    beeps: list[Beep] = field(default_factory=list)
    groups: list[list[Beep]] = field(default_factory=list)
    pattern: BeepPattern = field(default_factory=BeepPattern)
    notations: list[str] = field(default_factory=list)
    repeat: bool = False
    confidence: float = 0.0
    duration_s: float = 0.0
    sample_rate: int = 16000
    track_t: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32), repr=False)
    track_freq_hz: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32), repr=False)
    track_prom_db: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32), repr=False)

    @property
    def found(self) -> bool:
        """At least one beep was detected."""
        return bool(self.beeps)

    def describe(self) -> str:
        """Plain-language summary, e.g. ``"3 short beeps, pause, repeated (2x)"``."""
        if not self.beeps:
            return "No beeps heard."
        parts = []
        for sig in (self.pattern.unit or self.pattern.signatures):
            words = []
            for n, k in _rle_parse(sig):
                words.append(f"{n} {'long' if k == 'L' else 'short'}")
            parts.append(" + ".join(words) + (" beep" if sum(n for n, _ in _rle_parse(sig)) == 1 else " beeps"))
        text = ", pause, ".join(parts)
        if self.repeat:
            text += f", repeated ({self.pattern.repeats}x)"
        if "CONT" in self.notations:
            text = f"continuous tone ({self.beeps[0].duration_s:.1f} s)"
        return text

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict (no numpy arrays)."""
        return {"beeps": [b.to_dict() for b in self.beeps],
                "groups": [[self.beeps.index(b) for b in g] for g in self.groups],
                "pattern": self.pattern.to_dict(), "notations": list(self.notations), "repeat": self.repeat,
                "confidence": round(self.confidence, 3), "duration_s": round(self.duration_s, 3),
                "sample_rate": self.sample_rate, "description": self.describe(), "codes": beep_codes(self)}


# ----------------------------------------------------------------------------- input
def _as_mono_float(samples: Any, sample_rate: int, max_seconds: float) -> np.ndarray:
    if not isinstance(sample_rate, (int, np.integer)) or isinstance(sample_rate, bool) or not 4000 <= sample_rate <= 384000:
        raise MediaError(f"The audio sample rate ({sample_rate!r}) is not usable; expected 4000-384000 Hz.",
                         detail="sample_rate")
    x = np.asarray(samples)
    if x.ndim == 2 and 1 <= x.shape[1] <= 8:  # (N, channels): downmix
        x = x.mean(axis=1) if x.dtype.kind == "f" else (x.astype(np.float64).mean(axis=1)).astype(x.dtype)
    if x.ndim != 1:
        raise MediaError("The audio could not be read as a single channel of samples.", detail=f"shape {x.shape}")
    if x.size == 0:
        raise EmptyMediaError("The audio has no samples.")
    if x.dtype.kind in "iu":
        info = np.iinfo(x.dtype)
        scale = float(max(abs(info.min), info.max))
        x = x.astype(np.float32) / scale
    elif x.dtype.kind == "f":
        x = x.astype(np.float32, copy=False)
    else:
        raise MediaError("The audio samples are not numbers.", detail=f"dtype {x.dtype}")
    if not np.isfinite(x).all():
        raise CorruptMediaError("The audio contains invalid samples (NaN or infinity).")
    if x.size / sample_rate > max_seconds:
        raise MediaError(f"The audio is {x.size / sample_rate:.0f} s long; beep detection handles up to "
                         f"{max_seconds:.0f} s.", hint="Please ask the customer for a shorter recording of the beeps.")
    return x


# ----------------------------------------------------------------------------- frame features
def _frame_features(x: np.ndarray, sr: int) -> tuple[Any, ...]:
    """Per-frame peak bin, interpolated frequency (Hz), prominence, dominance and voicing (dB)."""
    nfft = 1 << int(math.ceil(math.log2(WINDOW_S * sr)))
    hop = max(1, int(round(HOP_S * sr)))
    pad = np.zeros(nfft // 2, np.float32)
    xp = np.concatenate([pad, x, pad])  # frame i is centred on sample i*hop
    if xp.size < nfft:
        xp = np.pad(xp, (0, nfft - xp.size))
    frames = np.lib.stride_tricks.sliding_window_view(xp, nfft)[::hop]
    n_frames = frames.shape[0]
    bin_hz = sr / nfft
    k_lo = max(2, int(math.floor(F_MIN_HZ / bin_hz)))
    k_hi = min(nfft // 2 - 2, int(math.ceil(min(F_MAX_HZ, 0.95 * sr / 2) / bin_hz)))
    k0 = max(1, int(math.floor(F0_MIN_HZ / bin_hz)) - 1)  # lowest bin kept (voicing comb, floors)
    hi = k_hi + 2
    nb = k_hi - k_lo + 1
    off = k_lo - k0  # column of bin k_lo in p
    sub_w = max(8, int(round(600.0 / bin_hz)))  # ~600 Hz sub-bands for the noise floor
    n_cols = hi - k0
    n_sub = max(1, int(math.ceil(n_cols / sub_w)))
    win = np.hanning(nfft).astype(np.float32)
    kk = np.arange(k_lo, k_hi + 1)
    peak_k = np.empty(n_frames, np.int32)
    freq = np.empty(n_frames, np.float32)
    prom = np.empty(n_frames, np.float32)
    dom = np.empty(n_frames, np.float32)
    voiced = np.zeros(n_frames, np.float32)
    eps = 1e-12
    w_ = 2 * SMOOTH_FRAMES + 1
    for a in range(0, n_frames, 512):
        g0, g1 = max(0, a - SMOOTH_FRAMES), min(n_frames, a + 512 + SMOOTH_FRAMES)
        spec = np.fft.rfft(frames[g0:g1] * win, axis=1)[:, k0:hi]
        p = (spec.real ** 2 + spec.imag ** 2).astype(np.float64)  # column c <-> bin k0+c
        if SMOOTH_FRAMES:  # average power over 2*SMOOTH_FRAMES+1 hops: steadier noise, same tone
            pp = np.pad(p, ((SMOOTH_FRAMES, SMOOTH_FRAMES), (0, 0)), mode="edge")
            p = sum(pp[i:i + p.shape[0]] for i in range(w_)) / w_
        m_ = min(512, n_frames - a)
        p = p[a - g0: a - g0 + m_] + eps
        rows = np.arange(m_)
        padded = np.pad(p, ((0, 0), (0, n_sub * sub_w - n_cols)), mode="edge").reshape(m_, n_sub, sub_w)
        med = np.median(padded, axis=2)  # (F, n_sub) noise floor per sub-band
        core = p[:, off:off + nb]
        j = np.argmax(core, axis=1)
        kstar = j + k_lo
        col = kstar - k0
        peak = p[rows, col - 1] + p[rows, col] + p[rows, col + 1]
        # digitally clean audio has no noise floor: assume DYNAMIC_RANGE_DB below the peak
        med = np.maximum(med, (peak / 3)[:, None] * 10 ** (-DYNAMIC_RANGE_DB / 10))
        floor = med[rows, col // sub_w]
        prom[a:a + m_] = 10 * np.log10(peak / (3 * floor))
        # dominance: strongest 3-bin sum away from the peak and its harmonics
        s3 = (p[:, off - 1:off - 1 + nb] + p[:, off:off + nb] + p[:, off + 1:off + 1 + nb])
        ks = kstar[:, None]
        dist = np.abs(kk[None, :] - ks)
        r = kk[None, :] % ks
        harm = (kk[None, :] >= (ks * 3) // 2) & (np.minimum(r, ks - r) <= 2)
        masked = np.where((dist <= 3) | harm, 0.0, s3)
        dom[a:a + m_] = 10 * np.log10(peak / (masked.max(axis=1) + eps))
        # parabolic interpolation on log power
        ym, y0, yp = np.log(p[rows, col - 1]), np.log(p[rows, col]), np.log(p[rows, col + 1])
        den = ym - 2 * y0 + yp
        delta = np.clip(np.where(np.abs(den) > 1e-12, 0.5 * (ym - yp) / np.where(den == 0, 1, den), 0.0), -0.5, 0.5)
        fb = kstar + delta
        freq[a:a + m_] = fb * bin_hz
        peak_k[a:a + m_] = kstar
        # voicing: is the peak one harmonic of a speech-like comb (f0 70-400 Hz)?
        cand = np.flatnonzero(prom[a:a + m_] >= PROM_OFF_DB)
        if cand.size:
            voiced[a + cand] = _comb_score(p[cand], med[cand], fb[cand], peak[cand], k0, sub_w, bin_hz, sr)
    return peak_k, freq, prom, dom, voiced, hop, nfft, bin_hz


def _hann_leakage(n: int = 48) -> np.ndarray:
    """Largest Hann-window leakage (power, relative to the 3-bin peak sum) seen within +-1.5
    bins of each whole-bin distance 0..n-1 from a tone (fractional tone positions included)."""
    over = 64
    w = np.hanning(256)
    spec = np.abs(np.fft.rfft(w, 256 * over)) ** 2
    spec /= spec[0] * (1 + 2 * 0.25)  # ~3-bin sum of an on-bin tone
    out = np.empty(n)
    for d in range(n):
        lo, hi = max(0, int((d - 1.5) * over)), int((d + 1.5) * over) + 1
        out[d] = spec[lo:hi].max()
    return out


_LEAK = _hann_leakage()


def _comb_score(p: np.ndarray, med: np.ndarray, fb: np.ndarray, peak: np.ndarray, k0: int, sub_w: int,
                bin_hz: float, sr: int) -> np.ndarray:
    """Voicing score (dB): mean level over the noise floor of the harmonics next to the peak,
    for the best candidate f0 = F/m (m <= 16) in [F0_MIN_HZ, F0_MAX_HZ].  A beep (sine or
    square wave, clipped or not) has nothing at F - f0, F - 2 f0 ... so it scores ~3-5 dB
    (noise); voiced speech scores high.  Window leakage of the peak and aliased harmonics
    of F (digital clipping) are not counted as comb energy."""
    n, ncol = p.shape
    rows = np.arange(n)
    best = np.zeros(n)
    nyq_b = sr / 2 / bin_hz
    # harmonics 2F..12F as heard after aliasing, folded into 0..Nyquist (bins)
    alias = np.stack([np.abs(((k * fb + nyq_b) % (2 * nyq_b)) - nyq_b) for k in range(2, 13)], axis=1)
    for m in range(2, 17):
        f0 = fb / m  # bins
        ok_f0 = (f0 * bin_hz >= F0_MIN_HZ) & (f0 * bin_hz <= F0_MAX_HZ)
        if not ok_f0.any():
            continue
        tot = np.zeros(n)
        cnt = np.zeros(n)
        for jj in (-4, -3, -2, -1, 1, 2):
            pos = fb + jj * f0
            kb = np.rint(pos).astype(np.int64) - k0  # column
            d = np.abs(jj * f0)
            near_alias = np.min(np.abs(alias - pos[:, None]), axis=1) <= 4.0
            ok = ok_f0 & (kb >= 1) & (kb <= ncol - 2) & (d >= 3.0) & ~near_alias
            kbc = np.clip(kb, 1, ncol - 2)
            v = np.maximum(np.maximum(p[rows, kbc - 1], p[rows, kbc]), p[rows, kbc + 1])
            fl = np.maximum(med[rows, np.minimum(kbc // sub_w, med.shape[1] - 1)],
                            peak * _LEAK[np.minimum(np.rint(d).astype(np.int64), len(_LEAK) - 1)])
            tot += np.where(ok, v / fl, 0.0)
            cnt += ok
        score = np.where(cnt >= 3, tot / np.maximum(cnt, 1), 0.0)
        best = np.maximum(best, score)
    return (10 * np.log10(np.maximum(best, 1e-3))).astype(np.float32)


def _stable(f: np.ndarray, bin_hz: float) -> bool:
    """A beep holds its pitch: small spread and no glide of the interpolated frequency.

    Voiced speech also makes strong narrow peaks (harmonics near a formant) but its pitch
    moves; a PC speaker or piezo buzzer does not."""
    core = f[1:-1] if f.size > 4 else f
    if core.size < 2:
        return True
    h = core.size // 2
    drift = abs(float(np.median(core[:h])) - float(np.median(core[h:])))
    return float(np.std(core)) <= STABLE_STD_BINS * bin_hz and drift <= STABLE_DRIFT_BINS * bin_hz


def _runs(peak_k: np.ndarray, freq: np.ndarray, prom: np.ndarray, dom: np.ndarray, voiced: np.ndarray,
          bin_hz: float) -> list[tuple[int, int]]:
    """Frame runs [a, b) of tonal frames at a stable frequency (hysteresis)."""
    # speech guard: low peaks (where voiced speech puts its strongest harmonics) sitting in a
    # harmonic comb, and not towering over everything else, are not beeps
    speech = (voiced >= VOICED_DB) & (freq < VOICED_MAX_HZ) & (dom < VOICED_BYPASS_DOM_DB)
    strong = (prom >= PROM_ON_DB) & (dom >= DOM_ON_DB) & ~speech
    weak = (prom >= PROM_OFF_DB) & (dom >= DOM_OFF_DB) & ~speech
    runs: list[tuple[int, int]] = []
    n = len(prom)
    cand = np.flatnonzero(strong)
    i_ptr = 0
    last_end = 0
    while i_ptr < len(cand):
        s = int(cand[i_ptr])
        if s < last_end:
            i_ptr += 1
            continue
        k0 = int(peak_k[s])
        a = s
        while a - 1 >= last_end and weak[a - 1] and abs(int(peak_k[a - 1]) - k0) <= 2:
            a -= 1
        b = s + 1
        n_strong = 1
        while b < n and weak[b] and abs(int(peak_k[b]) - k0) <= 2:
            n_strong += bool(strong[b])
            b += 1
        if n_strong >= 2 and _stable(freq[a:b], bin_hz):
            runs.append((a, b))
        last_end = b
        i_ptr = int(np.searchsorted(cand, b))
    return runs


def _refine(x: np.ndarray, sr: int, t0: float, t1: float, f: float) -> tuple[float, float, float]:
    """Edges at half amplitude of the envelope demodulated at ``f``; returns (start, end, amplitude)."""
    margin = 0.045
    a = max(0, int((t0 - margin) * sr))
    b = min(x.size, int((t1 + margin) * sr) + 1)
    seg = x[a:b].astype(np.float64)
    n = np.arange(a, b)
    z = seg * np.exp(-2j * np.pi * f * n / sr)
    L = max(3, int(round(0.004 * sr)))
    ker = np.ones(L) / L
    env = np.abs(np.convolve(np.convolve(z, ker, mode="same"), ker, mode="same")) * 2.0
    c0, c1 = int((t0 - a / sr) * sr), int((t1 - a / sr) * sr)
    core = env[max(0, c0 + (c1 - c0) // 4): max(1, c1 - (c1 - c0) // 4)]
    if core.size == 0:
        return t0, t1, float(np.median(env))
    level = float(np.median(core))
    on = env >= 0.5 * level
    mid = min(len(on) - 1, max(0, (c0 + c1) // 2))
    if not on[mid]:
        return t0, t1, level
    off_idx = np.flatnonzero(~on)
    before = off_idx[off_idx < mid]
    after = off_idx[off_idx > mid]
    s = (before[-1] + 1) if before.size else 0
    e = after[0] if after.size else len(on)
    ts, te = (a + s) / sr, (a + e) / sr
    # keep the refinement only when it agrees with the frame estimate (noise can bridge gaps)
    ts = ts if abs(ts - t0) <= 0.035 else t0
    te = te if abs(te - t1) <= 0.035 else t1
    return ts, te, level


# ----------------------------------------------------------------------------- pattern logic
def _rle(classes: str) -> str:
    out, i = [], 0
    while i < len(classes):
        j = i
        while j < len(classes) and classes[j] == classes[i]:
            j += 1
        out.append(f"{j - i}{classes[i]}")
        i = j
    return "".join(out)


def _rle_parse(sig: str) -> list[tuple[int, str]]:
    out, num = [], ""
    for ch in sig:
        if ch.isdigit():
            num += ch
        else:
            out.append((int(num or 1), ch))
            num = ""
    return out


def _classify(beeps: list[Beep]) -> tuple[float, str]:
    """Set ``kind`` on each beep; returns (threshold_s, method)."""
    d = np.array([b.duration_s for b in beeps])
    thr, method = LONG_ABSOLUTE_S, "absolute"
    if len(d) >= 2:
        s = np.sort(d)
        ratios = s[1:] / np.maximum(s[:-1], 1e-3)
        i = int(np.argmax(ratios))
        lo_mean, hi_mean = float(np.mean(s[:i + 1])), float(np.mean(s[i + 1:]))
        if ratios[i] >= CLUSTER_RATIO and hi_mean / lo_mean >= CLUSTER_RATIO + 0.2:
            thr, method = float(math.sqrt(s[i] * s[i + 1])), "clusters"
    for b in beeps:
        b.kind = "L" if b.duration_s >= thr else "S"
    return thr, method


def _split_groups(beeps: list[Beep]) -> tuple[list[list[Beep]], float]:
    if len(beeps) <= 1:
        return [list(beeps)], 0.0
    gaps = np.array([beeps[i + 1].start_s - beeps[i].end_s for i in range(len(beeps) - 1)])
    g_min = max(float(gaps.min()), 0.02)
    intra = float(np.median(gaps[gaps <= 1.8 * g_min]))
    limit = min(GROUP_GAP_ABS_S, max(GROUP_GAP_RATIO * intra, intra + 0.12))
    groups, cur = [], [beeps[0]]
    for g, b in zip(gaps, beeps[1:]):
        if g >= limit:
            groups.append(cur)
            cur = []
        cur.append(b)
    groups.append(cur)
    return groups, limit


def _find_repeat(sigs: list[str], gaps_between: list[float]) -> tuple[list[str], int]:
    """Smallest unit whose repetition explains the group signatures; (unit, times heard)."""
    n = len(sigs)
    if n < 2:
        return list(sigs), 1
    # longer pauses between units than between groups inside a unit (e.g. Phoenix repeated)
    if n >= 3 and gaps_between:
        g = np.array(gaps_between)
        thr = 1.6 * float(np.min(g))
        long_idx = [i for i, v in enumerate(g) if v >= thr]
        if long_idx and len(long_idx) < len(g):
            units, start = [], 0
            for i in long_idx:
                units.append(sigs[start:i + 1])
                start = i + 1
            units.append(sigs[start:])
            full = max(units, key=len)
            if all(u == full for u in units[:-1] if len(u) == len(full)) and \
                    all(u == full[:len(u)] or u == full[-len(u):] for u in units) and len(units) >= 2:
                return full, len(units)
    for p in range(1, n // 2 + 1):
        if all(sigs[i] == sigs[i + p] for i in range(n - p)):
            return sigs[:p], int(math.ceil(n / p))
    # clip may cut the first or last unit short: try again without the edge groups
    for drop_first, drop_last in ((0, 1), (1, 0), (1, 1)):
        inner = sigs[drop_first:n - drop_last]
        if len(inner) < 3:
            continue
        for p in range(1, len(inner) // 3 + 1):  # at least 3 complete units besides the cut one
            if all(inner[i] == inner[i + p] for i in range(len(inner) - p)):
                unit = inner[:p]
                edge_ok = True
                if drop_last and not _is_prefix(sigs[-1], unit[(len(inner)) % p]):
                    edge_ok = False
                if drop_first and not _is_suffix(sigs[0], unit[-1]):
                    edge_ok = False
                if edge_ok:
                    return unit, int(math.ceil(n / p))
    return list(sigs), 1


def _is_prefix(part: str, whole: str) -> bool:
    a, b = _rle_parse(part), _rle_parse(whole)
    if not a or len(a) > len(b):
        return False
    return all(x == y for x, y in zip(a[:-1], b)) and a[-1][1] == b[len(a) - 1][1] and a[-1][0] <= b[len(a) - 1][0]


def _is_suffix(part: str, whole: str) -> bool:
    a, b = _rle_parse(part)[::-1], _rle_parse(whole)[::-1]
    if not a or len(a) > len(b):
        return False
    return all(x == y for x, y in zip(a[:-1], b)) and a[-1][1] == b[len(a) - 1][1] and a[-1][0] <= b[len(a) - 1][0]


def _notations(beeps: list[Beep], pattern: BeepPattern, repeat: bool) -> list[str]:
    out: list[str] = []
    unit = pattern.unit
    all_short = all("L" not in s for s in unit)
    if pattern.alternating_pitch:
        out.append("HL-REPEAT")
    if len(beeps) == 1 and beeps[0].duration_s >= CONTINUOUS_S:
        out.append("CONT")
    if len(unit) == 1:
        base = unit[0]
    elif all_short and all(_rle_parse(s)[0][0] <= 9 for s in unit):
        base = "-".join(str(sum(n for n, _ in _rle_parse(s))) for s in unit)
    else:
        base = "-".join(unit)
    if repeat:
        out.append(f"{base}-REPEAT")
    out.append(base)
    if not repeat and len(pattern.counts) == 1 and pattern.counts[0] >= 2 and _even(beeps):
        # evenly spaced beeps of one length: also 'long beeps repeating' (Award), first when clearly long
        med = float(np.median([b.duration_s for b in beeps]))
        if all(b.kind == "L" for b in beeps) or med >= LONG_ABSOLUTE_S:
            out.insert(0, "1L-REPEAT")
        elif med >= 0.4 and all(b.kind == beeps[0].kind for b in beeps):
            out.append("1L-REPEAT")
    if len(pattern.counts) == 1 and pattern.counts[0] >= RAPID_MIN and all_short and _even(beeps):
        out.append("RAPID")
    seen: list[str] = []
    for n in out:
        if n not in seen:
            seen.append(n)
    return seen


def _even(beeps: list[Beep]) -> bool:
    """Beeps start at a steady rhythm (period spread <= 20%) and have similar lengths."""
    if len(beeps) < 2:
        return False
    periods = np.diff([b.start_s for b in beeps])
    d = np.array([b.duration_s for b in beeps])
    return bool(float(np.std(periods)) <= 0.2 * float(np.mean(periods)) and float(np.std(d)) <= 0.25 * float(np.mean(d)))


def _alternating(beeps: list[Beep]) -> bool:
    if len(beeps) < 4:
        return False
    f = np.array([b.freq_hz for b in beeps])
    hi = f[0::2]
    lo = f[1::2]
    a, b_ = (hi, lo) if hi.mean() > lo.mean() else (lo, hi)
    return bool(a.min() > 1.12 * b_.max() and np.ptp(a) < 0.05 * a.mean() and np.ptp(b_) < 0.05 * b_.mean())


# ----------------------------------------------------------------------------- public API
def detect_beeps(samples: Any, sample_rate: int = 16000, *, max_seconds: float = MAX_SECONDS) -> BeepAnalysis:
    """Find beeps (tone bursts) in audio and describe their pattern.

    Args:
        samples: ``(N,) float32`` mono samples in [-1, 1] (other float dtypes, int16/int32
            PCM, and ``(N, C)`` with C <= 8 channels, downmixed, are accepted).
        sample_rate: Hz (4000-384000); 8 kHz and 16 kHz are typical for voice notes.
        max_seconds: longest audio accepted (s).

    Returns:
        :class:`BeepAnalysis`; ``beeps`` is empty when no tone burst is heard (speech,
        noise, silence).

    Raises:
        EmptyMediaError: no samples.
        CorruptMediaError: NaN or infinite samples.
        MediaError: wrong shape or dtype, unusable sample rate, or longer than ``max_seconds``.
    """
    x = _as_mono_float(samples, sample_rate, max_seconds)
    sr = int(sample_rate)
    duration = x.size / sr
    if sr >= 32000:  # beeps live below 5 kHz: decimate to 16-24 kHz (boxcar anti-alias, -1 dB at 5 kHz)
        q = sr // 16000
        x = x[: x.size // q * q].reshape(-1, q).mean(axis=1)
        sr //= q
    peak_k, freq, prom, dom, voiced, hop, nfft, bin_hz = _frame_features(x, sr)
    track_t = (np.arange(len(prom)) * hop / sr).astype(np.float32)
    result = BeepAnalysis(duration_s=duration, sample_rate=int(sample_rate), track_t=track_t,
                          track_freq_hz=freq, track_prom_db=prom)
    if float(np.max(np.abs(x))) < 1e-6:  # digital silence
        return result
    dt = hop / sr
    raw: list[list[float]] = []  # [t0, t1, f, prom]
    for a, b in _runs(peak_k, freq, prom, dom, voiced, bin_hz):
        f = float(np.median(freq[a:b]))
        # frame centres at a*dt..(b-1)*dt; a tone is flagged roughly while it covers half a window
        t0, t1 = a * dt - 0.5 * dt, (b - 1) * dt + 0.5 * dt
        p = float(np.median(prom[a:b]))
        if raw and t0 - raw[-1][1] < MERGE_GAP_S and abs(f - raw[-1][2]) <= max(2.5 * bin_hz, 0.03 * f):
            raw[-1][1] = t1
            raw[-1][3] = max(raw[-1][3], p)
            continue
        raw.append([t0, t1, f, p])
    beeps: list[Beep] = []
    for t0, t1, f, p in raw:
        t0, t1 = max(0.0, t0), min(result.duration_s, t1)
        s, e, amp = _refine(x, sr, t0, t1, f)
        if e - s < MIN_BEEP_S:
            continue
        if beeps and s - beeps[-1].end_s < MERGE_GAP_S and abs(f - beeps[-1].freq_hz) <= max(2.5 * bin_hz, 0.03 * f):
            beeps[-1].end_s = e
            continue
        beeps.append(Beep(start_s=s, end_s=e, freq_hz=f, level_dbfs=20 * math.log10(max(amp, 1e-9)),
                          prominence_db=p))
    if not beeps:
        return result
    thr, method = _classify(beeps)
    groups, limit = _split_groups(beeps)
    sigs = [_rle("".join(b.kind for b in g)) for g in groups]
    between = [groups[i + 1][0].start_s - groups[i][-1].end_s for i in range(len(groups) - 1)]
    alternating = _alternating(beeps)
    if alternating:
        unit, times = ["1S", "1S"], int(math.ceil(len(beeps) / 2))
        sigs = [_rle("".join(b.kind for b in beeps))]
        groups = [list(beeps)]
    else:
        unit, times = _find_repeat(sigs, between)
    repeat = times >= 2
    pattern = BeepPattern(classes="".join(b.kind for b in beeps), long_threshold_s=thr, classification=method,
                          counts=[len(g) for g in groups], signatures=sigs,
                          group_gap_s=float(limit) if len(groups) > 1 else 0.0, unit=unit, repeats=times,
                          alternating_pitch=alternating)
    result.beeps, result.groups, result.pattern, result.repeat = beeps, groups, pattern, repeat
    result.notations = _notations(beeps, pattern, repeat)
    result.confidence = _confidence(beeps, groups, pattern)
    return result


def _confidence(beeps: list[Beep], groups: list[list[Beep]], pattern: BeepPattern) -> float:
    """0..1: mean per-beep SNR score x timing regularity (durations within a class, gaps in a group)."""
    snr = float(np.mean([1 / (1 + math.exp(-(b.prominence_db - PROM_ON_DB - 3) / 3)) for b in beeps]))
    reg = 1.0
    for kind in "SL":
        d = np.array([b.duration_s for b in beeps if b.kind == kind])
        if d.size >= 2:
            reg *= max(0.4, 1 - max(0.0, float(np.std(d) / np.mean(d)) - 0.15))
    gaps = [g[i + 1].start_s - g[i].end_s for g in groups for i in range(len(g) - 1)]
    if len(gaps) >= 2:
        cv = float(np.std(gaps) / max(np.mean(gaps), 1e-3))
        reg *= max(0.4, 1 - max(0.0, cv - 0.2))
    if pattern.repeats < 2 and len(groups) > 1 and len(set(pattern.signatures)) > 1 and \
            any("L" in s for s in pattern.signatures):
        reg *= 0.8  # an unusual mixed multi-group sequence
    return round(max(0.0, min(1.0, snr * reg)), 3)


def beep_codes(analysis: BeepAnalysis) -> list[str]:
    """Knowledge-base codes (``BEEP:<SCHEME>:<notation>``) the pattern may stand for, best first.

    Count codes are offered for every vendor that uses that notation (AMI and Award
    differ by vendor; the KB decides which exist).  Repeating patterns are offered both
    as the repeated unit (BIOS codes are often repeated) and as ``...-REPEAT`` (alarms).

    Args:
        analysis: from :func:`detect_beeps`.

    Returns:
        Code strings, e.g. ``["BEEP:AMI:3S", "BEEP:AWARD:3S", "BEEP:APPLIANCE:3S"]``; empty when no beeps.
    """
    out: list[str] = []
    p = analysis.pattern
    for n in analysis.notations:
        if n == "HL-REPEAT":
            out += ["BEEP:AWARD:HL-REPEAT", "BEEP:APPLIANCE:HL-REPEAT"]
        elif n in ("CONT", "RAPID"):
            out += [f"BEEP:APPLIANCE:{n}", f"BEEP:AWARD:{n}"]
        elif n.endswith("-REPEAT"):
            base = n[: -len("-REPEAT")]
            out.append(f"BEEP:APPLIANCE:{n}")
            if base == "1L":
                out.append("BEEP:AWARD:1L-REPEAT")
        elif "-" in n and len(p.unit) in (3, 4) and all(c.isdigit() and 1 <= int(c) <= 4 for c in n.split("-")):
            out.append(f"BEEP:PHOENIX:{n}")
        elif "-" not in n:
            out += [f"BEEP:AMI:{n}", f"BEEP:AWARD:{n}", f"BEEP:APPLIANCE:{n}"]
    seen: list[str] = []
    for c in out:
        if c not in seen:
            seen.append(c)
    return seen
