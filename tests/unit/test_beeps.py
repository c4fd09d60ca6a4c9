"""Beep detection: synthetic tone bursts in noise, grouping, notation, KB codes, bad input."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from diagnostics.config import Settings
from diagnostics.errors import CorruptMediaError, EmptyMediaError, MediaError
from diagnostics.knowledge.keys import match_key
from diagnostics.knowledge.seeding import load_seed_entries
from diagnostics.knowledge.store import KnowledgeBase
from diagnostics.sound.beeps import BeepAnalysis, beep_codes, detect_beeps

S, L, G, P = 0.2, 0.7, 0.2, 0.9  # short, long, intra-group gap, group pause (s)


def tone_seq(events, sr=16000, freq=1000.0, amp=0.5, lead=0.5, tail=0.5, square=False):
    """Sine (or square) bursts with 2 ms raised-cosine ramps.

    events: (duration_s, gap_after_s[, freq_hz]); returns (samples float64, [(t0, t1, f)])."""
    total = lead + sum(e[0] + e[1] for e in events) + tail
    x = np.zeros(int(total * sr))
    t, truth = lead, []
    ramp = max(1, int(0.002 * sr))
    for e in events:
        d, g = e[0], e[1]
        f = e[2] if len(e) > 2 else freq
        n0, n1 = int(round(t * sr)), int(round((t + d) * sr))
        ph = 2 * np.pi * f * np.arange(n1 - n0) / sr
        if square:  # band-limited square wave (odd harmonics below Nyquist), as a phone records a PC speaker
            w = sum(np.sin(k * ph) / k for k in range(1, int(sr / 2 / f) + 1, 2)) * 4 / np.pi
        else:
            w = np.sin(ph)
        env = np.ones(n1 - n0)
        env[:ramp] = np.linspace(0, 1, ramp)
        env[-ramp:] = np.linspace(1, 0, ramp)
        x[n0:n1] += amp * w * env
        truth.append((t + 0.001, t + d - 0.001, f))  # half-amplitude points of the ramps
        t += d + g
    return x, truth


def white(x, snr_db, rng, amp=0.5):
    """Add white noise at ``snr_db`` relative to a sine of amplitude ``amp`` (whole band)."""
    return x + rng.normal(0, np.sqrt(amp ** 2 / 2 / 10 ** (snr_db / 10)), x.size)


def formant_noise(n, sr, rng, level=0.2):
    """Speech-like noise: noise bursts (syllables) filtered into random formant-ish bands."""
    out = np.zeros(n)
    seg = int(0.12 * sr)
    freqs = np.fft.rfftfreq(seg, 1 / sr)
    for k in range(0, n - seg, seg):
        spec = np.fft.rfft(rng.normal(0, 1, seg))
        shape = np.zeros_like(freqs)
        for fc, bw in ((rng.uniform(300, 900), 150), (rng.uniform(900, 2500), 250), (rng.uniform(2300, 3500), 350)):
            shape += np.exp(-0.5 * ((freqs - fc) / bw) ** 2)
        out[k:k + seg] = np.fft.irfft(spec * shape, seg) * np.hanning(seg)
    return level * out / (np.std(out) + 1e-12)


def _assert_times(a: BeepAnalysis, truth, tol=0.020):
    assert len(a.beeps) == len(truth)
    for b, (t0, t1, f) in zip(a.beeps, truth):
        assert abs(b.start_s - t0) <= tol and abs(b.end_s - t1) <= tol, (b, t0, t1)
        assert abs(b.freq_hz - f) <= max(10.0, 0.01 * f)


CONDITIONS = [(16000, 2000.0, None), (16000, 800.0, 20), (16000, 3500.0, 10), (8000, 1000.0, None),
              (8000, 2400.0, 10), (16000, 1200.0, 0), (8000, 900.0, 0)]


@pytest.mark.parametrize("sr,freq,snr", CONDITIONS)
def test_three_short(sr, freq, snr):
    rng = np.random.default_rng(1)
    x, truth = tone_seq([(S, G), (S, G), (S, 0)], sr=sr, freq=freq)
    if snr is not None:
        x = white(x, snr, rng)
    a = detect_beeps(x.astype(np.float32), sr)
    _assert_times(a, truth)
    assert a.pattern.classes == "SSS" and a.pattern.counts == [3]
    assert a.notations == ["3S"] and not a.repeat
    assert "BEEP:AMI:3S" in beep_codes(a)
    assert 0.4 < a.confidence <= 1.0


@pytest.mark.parametrize("sr,freq,snr", CONDITIONS)
def test_one_long_two_short(sr, freq, snr):
    rng = np.random.default_rng(2)
    x, truth = tone_seq([(L, G), (S, G), (S, 0)], sr=sr, freq=freq)
    if snr is not None:
        x = white(x, snr, rng)
    a = detect_beeps(x.astype(np.float32), sr)
    _assert_times(a, truth)
    assert a.pattern.classes == "LSS" and a.pattern.classification == "clusters"
    assert S < a.pattern.long_threshold_s < L
    assert a.notations[0] == "1L2S"
    assert beep_codes(a)[:2] == ["BEEP:AMI:1L2S", "BEEP:AWARD:1L2S"]


@pytest.mark.parametrize("sr,snr", [(16000, None), (16000, 5), (8000, 10)])
def test_phoenix_groups(sr, snr):
    rng = np.random.default_rng(3)
    x, truth = tone_seq([(S, P), (S, G), (S, P), (S, 0)], sr=sr, freq=1500)
    if snr is not None:
        x = white(x, snr, rng)
    a = detect_beeps(x.astype(np.float32), sr)
    _assert_times(a, truth)
    assert a.pattern.counts == [1, 2, 1] and [len(g) for g in a.groups] == [1, 2, 1]
    assert a.notations == ["1-2-1"] and not a.repeat
    assert beep_codes(a) == ["BEEP:PHOENIX:1-2-1"]
    assert match_key(beep_codes(a)[0]) == "BEEPPHOENIX121"


def test_repeating_three_beeps_with_pause():
    rng = np.random.default_rng(4)
    x, truth = tone_seq([(S, G), (S, G), (S, 1.3)] * 3, sr=16000, freq=3100)
    a = detect_beeps(white(x, 10, rng).astype(np.float32), 16000)
    _assert_times(a, truth)
    assert a.repeat and a.pattern.unit == ["3S"] and a.pattern.repeats == 3
    assert a.notations[0] == "3S-REPEAT"
    assert beep_codes(a)[0] == "BEEP:APPLIANCE:3S-REPEAT"
    assert "3 short beeps, repeated (3x)" == a.describe()


def test_repeat_with_clip_cut_mid_unit():
    # recording starts during a unit: 2 beeps, then three complete 3-beep units
    ev = [(S, G), (S, 1.3)] + [(S, G), (S, G), (S, 1.3)] * 3
    x, truth = tone_seq(ev, sr=8000, freq=1000)
    a = detect_beeps(x.astype(np.float32), 8000)
    assert len(a.beeps) == 11 and a.pattern.counts == [2, 3, 3, 3]
    assert a.repeat and a.pattern.unit == ["3S"]


def test_repeating_phoenix_unit():
    unit = [(S, P), (S, G), (S, G), (S, P), (S, 2.0)]  # 1-3-1, long pause, repeat
    x, _ = tone_seq(unit * 2, sr=16000, freq=1000)
    a = detect_beeps(x.astype(np.float32), 16000)
    assert a.pattern.counts == [1, 3, 1, 1, 3, 1]
    assert a.repeat and a.notations[:2] == ["1-3-1-REPEAT", "1-3-1"]
    assert "BEEP:PHOENIX:1-3-1" in beep_codes(a)


@pytest.mark.parametrize("sr", [16000, 8000])
def test_continuous_tone_is_one_long(sr):
    rng = np.random.default_rng(5)
    x, truth = tone_seq([(3.0, 0)], sr=sr, freq=2000 if sr == 16000 else 1000)
    a = detect_beeps(white(x, 10, rng).astype(np.float32), sr)
    _assert_times(a, truth)
    assert a.pattern.classes == "L" and a.notations[:2] == ["CONT", "1L"]
    assert "BEEP:APPLIANCE:CONT" in beep_codes(a)


def test_clipped_and_square_beeps():
    x, truth = tone_seq([(S, G)] * 4, sr=16000, freq=1000)
    clipped = np.clip(x * 4, -0.8, 0.8)
    a = detect_beeps(clipped.astype(np.float32), 16000)
    _assert_times(a, truth)
    assert a.notations[0] == "4S"
    xs, truth = tone_seq([(S, G)] * 2, sr=8000, freq=900, square=True)
    b = detect_beeps(xs.astype(np.float32), 8000)
    _assert_times(b, truth)
    assert abs(b.beeps[0].freq_hz - 900) < 10


def test_beeps_over_speech_like_noise():
    rng = np.random.default_rng(6)
    x, truth = tone_seq([(S, G), (S, G), (S, 0)], sr=16000, freq=2500)
    x = x + formant_noise(x.size, 16000, rng, level=0.15)
    a = detect_beeps(x.astype(np.float32), 16000)
    _assert_times(a, truth)
    assert a.notations == ["3S"]


def test_level_and_frequency_measured():
    x, _ = tone_seq([(0.3, 0)], sr=16000, freq=1234.0, amp=0.1)
    a = detect_beeps(x.astype(np.float32), 16000)
    assert abs(a.beeps[0].freq_hz - 1234.0) < 3
    assert abs(a.beeps[0].level_dbfs - (-20.0)) < 1.0  # 0.1 full scale sine = -20 dBFS


def test_alternating_high_low_siren():
    ev = [(0.25, 0.05, 1800), (0.25, 0.05, 1200)] * 4
    x, _ = tone_seq(ev, sr=16000)
    a = detect_beeps(x.astype(np.float32), 16000)
    assert len(a.beeps) == 8 and a.pattern.alternating_pitch
    assert a.notations[0] == "HL-REPEAT" and beep_codes(a)[0] == "BEEP:AWARD:HL-REPEAT"


@pytest.mark.parametrize("sr", [16000, 8000])
def test_nothing_in_noise_speech_like_noise_or_silence(sr):
    rng = np.random.default_rng(7)
    n = sr * 10
    for x in (rng.normal(0, 0.1, n), formant_noise(n, sr, rng), np.zeros(n),
              formant_noise(n, sr, rng) + rng.normal(0, 0.03, n)):
        a = detect_beeps(x.astype(np.float32), sr)
        assert a.beeps == [] and a.notations == [] and beep_codes(a) == [] and a.confidence == 0.0
        assert a.describe() == "No beeps heard."


def test_int16_stereo_and_48k_accepted():
    x, truth = tone_seq([(S, G), (S, 0)], sr=48000, freq=3000)
    pcm = (np.stack([x, x], axis=1) * 32767).astype(np.int16)
    a = detect_beeps(pcm, 48000)
    _assert_times(a, truth)
    assert a.sample_rate == 48000 and a.notations == ["2S"]


def test_to_dict_is_json_and_complete():
    x, _ = tone_seq([(L, G), (S, G), (S, 0)], sr=16000)
    a = detect_beeps(x.astype(np.float32), 16000)
    d = json.loads(json.dumps(a.to_dict()))
    assert len(d["beeps"]) == 3 and d["groups"] == [[0, 1, 2]]
    assert d["pattern"]["classes"] == "LSS" and d["notations"][0] == "1L2S"
    assert d["codes"][:2] == ["BEEP:AMI:1L2S", "BEEP:AWARD:1L2S"]
    assert d["description"] == "1 long + 2 short beeps"
    assert a.track_t.shape == a.track_prom_db.shape == a.track_freq_hz.shape and a.track_t.size > 100


@pytest.mark.parametrize("bad,err", [
    (np.zeros(0, np.float32), EmptyMediaError),
    (np.array([0.0, np.nan] * 1000, np.float32), CorruptMediaError),
    (np.zeros((3, 4, 5), np.float32), MediaError),
    (np.array(["a", "b"]), MediaError),
])
def test_bad_input_raises_typed_errors(bad, err):
    with pytest.raises(err):
        detect_beeps(bad, 16000)


def test_bad_rate_and_too_long():
    with pytest.raises(MediaError):
        detect_beeps(np.zeros(1000, np.float32), 0)
    with pytest.raises(MediaError) as e:
        detect_beeps(np.zeros(16000 * 5, np.float32), 16000, max_seconds=2)
    assert "2 s" in e.value.user_message


def test_short_input_does_not_crash():
    a = detect_beeps(np.zeros(10, np.float32), 8000)
    assert a.beeps == []


def test_speed_at_least_100x_real_time():
    # the benchmark reports the real figure (target 200x); here a margin for loaded CI machines
    rng = np.random.default_rng(8)
    ev = [(S, G), (S, G), (S, 1.3)] * 12
    x, _ = tone_seq(ev, sr=16000, freq=1000)
    x = white(np.pad(x, (0, 16000 * 60 - x.size)), 10, rng).astype(np.float32)
    detect_beeps(x[:16000], 16000)
    t = time.perf_counter()
    a = detect_beeps(x, 16000)
    dt = time.perf_counter() - t
    assert a.notations[0] == "3S-REPEAT"
    assert dt < 0.6, f"{60 / dt:.0f}x real time"


# ---------------------------------------------------------------- knowledge base
@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    base = KnowledgeBase.open(Settings(data_dir=tmp_path_factory.mktemp("kb_beeps"), database_url="sqlite://"))
    yield base
    base.close()


def test_beep_seed_codes_are_distinct_per_appliance():
    beeps = [e for e in load_seed_entries() if e["code"].startswith("BEEP:")]
    assert len(beeps) >= 30
    keys = {(match_key(e["code"]), e["appliance"]) for e in beeps}
    assert len(keys) == len(beeps)
    assert {e["brand"] for e in beeps} >= {"AMI", "Award", "Phoenix"}


@pytest.mark.parametrize("events,brand,appliance", [
    ([(S, G), (S, G), (S, 0)], "AMI", "PC"),
    ([(L, G), (S, G), (S, 0)], "Award", "PC"),
    ([(S, P), (S, G), (S, P), (S, 0)], "Phoenix", "PC"),
    ([(S, G), (S, G), (S, 1.3)] * 3, "", "smoke alarm"),
    ([(0.1, 0.1)] * 3 + [(0.1, 1.5)] + [(0.1, 0.1)] * 3 + [(0.1, 0)], "", "CO alarm"),
])
def test_detected_pattern_found_in_knowledge_base(kb, events, brand, appliance):
    x, _ = tone_seq(events, sr=8000, freq=1000)
    a = detect_beeps(x.astype(np.float32), 8000)
    found = [e for c in beep_codes(a) for e in kb.lookup(c, family="appliance")]
    assert any(e.brand == brand and e.appliance == appliance for e in found), [(e.code, e.appliance) for e in found]
    assert found[0].brand == brand  # the best code comes first
