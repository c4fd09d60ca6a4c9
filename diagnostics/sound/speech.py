"""Speech-to-text results, the speech-engine interface, and guards against invented text.

A :class:`SpeechEngine` turns ``(N,) float32`` mono 16 kHz samples (from
:func:`diagnostics.ingest.audio.load_audio`) into a :class:`Transcript` of timed
segments and words.  The Whisper engine lives in :mod:`diagnostics.engines.whisper`.

Whisper-family models are known to *invent* fluent text on silence, room noise and
clicks ("Thank you.", repeated phrases; Koenecke et al., "Careless Whisper", FAccT 2024)
and to loop on long pauses.  The guards here are engine-independent and run on every
transcript (T10 in ``docs/TEST-INPUTS.md``):

* :func:`loudness_dbfs` - an energy check before any model runs: if even the loudest
  frames are below :data:`MIN_SPEECH_DBFS` there is nothing to transcribe.
* :func:`keep_segment` - drops segments the decoder itself doubts: Whisper's own
  no-speech rule (``no_speech_prob > 0.6`` with ``avg_logprob < -1``, as in OpenAI's
  ``transcribe.py``), very low ``avg_logprob``, and the stock phrases Whisper emits on
  non-speech when they come with low confidence.
* :func:`collapse_repeats` - removes n-gram loops: the same 1-8 words repeated in a
  row are cut back to one copy (two for a single word, "no, no").
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ..errors import ValidationError

__all__ = [
    "Word", "Segment", "Transcript", "SpeechEngine", "NO_SPEECH", "MIN_SPEECH_DBFS", "SAMPLE_RATE",
    "loudness_dbfs", "keep_segment", "collapse_repeats", "check_samples", "no_speech_transcript",
    "word_error_rate",
]

SAMPLE_RATE = 16_000
"""Input rate of every speech engine, Hz."""

NO_SPEECH = "no speech detected"
"""``Transcript.reason`` when nothing was said (silence, noise, a click)."""

MIN_SPEECH_DBFS = -50.0
"""Energy gate, dBFS: if the loudest 5 % of 30 ms frames (95th percentile frame RMS) is
below this, the clip is treated as silent.  Phone speech sits around -30..-15 dBFS;
a quiet room recorded by a phone is about -60 dBFS (T10)."""

NO_SPEECH_PROB = 0.6
LOW_LOGPROB = -1.0
"""Whisper's default no-speech rule: a segment is silence when ``no_speech_prob >
NO_SPEECH_PROB`` and ``avg_logprob < LOW_LOGPROB`` (openai/whisper ``transcribe.py``)."""

VERY_LOW_LOGPROB = -1.6
"""A segment whose mean token log-probability is below this is dropped outright."""

MIN_WORD_PROB = 0.2
"""Segments whose words average a probability below this are dropped (guessed text)."""

# Stock phrases Whisper produces on non-speech (learned from subtitle credits);
# only dropped when the segment is also uncertain (see keep_segment).
_STOCK_PHRASES = re.compile(
    r"^(thank you( (very much|for watching|so much))?|thanks for watching|you|bye|so|okay|oh|"
    r"subtitles by .*|please subscribe.*|\.+|\W*)[.!?, ]*$", re.I)


@dataclass
class Word:
    """One recognised word. ``start_s``/``end_s``: seconds from the start of the clip;
    ``prob``: the model's probability for it, ``[0, 1]``."""

    start_s: float
    end_s: float
    text: str
    prob: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {"start_s": round(self.start_s, 3), "end_s": round(self.end_s, 3), "text": self.text,
                "prob": round(float(self.prob), 3)}


@dataclass
class Segment:
    """A stretch of recognised speech.

    Attributes:
        start_s, end_s: seconds from the start of the clip.
        text: the segment's text (stripped).
        words: timed words (empty when the engine gives no word timing).
        no_speech_prob: the engine's probability that this is not speech, ``[0, 1]``.
        avg_logprob: mean token log-probability (natural log, <= 0).
    """

    start_s: float
    end_s: float
    text: str
    words: list[Word] = field(default_factory=list)
    no_speech_prob: float = 0.0
    avg_logprob: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"start_s": round(self.start_s, 3), "end_s": round(self.end_s, 3), "text": self.text,
                "words": [w.to_dict() for w in self.words], "no_speech_prob": round(float(self.no_speech_prob), 3),
                "avg_logprob": round(float(self.avg_logprob), 3)}


@dataclass
class Transcript:
    """What was said in a clip.

    Attributes:
        text: all kept segments joined with spaces ("" when no speech).
        segments: kept segments, in time order.
        language: ISO 639-1 code (``"en"``).
        duration_s: clip length, seconds.
        speech_detected: False when the guards found no speech (then ``text`` is "").
        reason: why no speech was reported (:data:`NO_SPEECH` plus detail), or "".
        engine: engine name (``"whisper-tiny.en"``).
        elapsed_s: wall-clock seconds spent transcribing.
        dropped: texts of segments removed by the guards (for the evidence trail).
    """

    text: str
    segments: list[Segment] = field(default_factory=list)
    language: str = "en"
    duration_s: float = 0.0
    speech_detected: bool = True
    reason: str = ""
    engine: str = ""
    elapsed_s: float = 0.0
    dropped: list[str] = field(default_factory=list)

    @property
    def words(self) -> list[Word]:
        """All words of all segments, in order."""
        return [w for s in self.segments for w in s.words]

    @property
    def real_time_factor(self) -> float:
        """Clip seconds per processing second (``duration_s / elapsed_s``; 0 if unknown)."""
        return self.duration_s / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["segments"] = [s.to_dict() for s in self.segments]
        d["duration_s"] = round(self.duration_s, 3)
        d["elapsed_s"] = round(self.elapsed_s, 3)
        return d


@runtime_checkable
class SpeechEngine(Protocol):
    """Speech-to-text engine. ``name`` appears in evidence (``"whisper-tiny.en"``)."""

    name: str

    def transcribe(self, samples: np.ndarray) -> Transcript:
        """Transcribe ``samples``: ``(N,) float32`` mono at 16 kHz, values in ``[-1, 1]``.

        Returns a :class:`Transcript`; ``speech_detected=False`` with
        ``reason`` starting with :data:`NO_SPEECH` when nothing was said.

        Raises:
            ValidationError: ``samples`` is not a 1-D float array.
            diagnostics.errors.EngineError: the model is missing or failed.
        """
        ...


def check_samples(samples) -> np.ndarray:
    """Validate and return samples as contiguous ``(N,) float32``.

    Raises:
        ValidationError: not a 1-D numeric array, or containing NaN/inf.
    """
    arr = np.asarray(samples)
    if arr.ndim != 1 or not np.issubdtype(arr.dtype, np.number):
        raise ValidationError("The sound to transcribe must be one mono channel of samples.",
                              detail=f"shape {arr.shape}, dtype {arr.dtype}")
    arr = np.ascontiguousarray(arr, dtype=np.float32)
    if arr.size and not np.isfinite(arr).all():
        raise ValidationError("The sound to transcribe contains invalid samples.", detail="NaN or inf")
    return arr


def loudness_dbfs(samples: np.ndarray, *, frame_s: float = 0.03, percentile: float = 95.0,
                  sample_rate: int = SAMPLE_RATE) -> float:
    """Level of the loud part of a clip, dBFS (0 dBFS = RMS 1.0, a full-scale square wave).

    The ``percentile``-th percentile of the RMS of non-overlapping ``frame_s`` frames,
    so a single click does not count as loud and a long pause does not hide speech.

    Args:
        samples: ``(N,) float32`` in ``[-1, 1]``.

    Returns:
        dBFS (``20*log10(rms)``), ``-inf`` for digital silence or an empty clip.
    """
    n = max(1, int(frame_s * sample_rate))
    if samples.size == 0:
        return float("-inf")
    usable = samples[: samples.size - samples.size % n] if samples.size >= n else np.pad(samples, (0, n - samples.size))
    rms = np.sqrt(np.mean(usable.reshape(-1, n).astype(np.float64) ** 2, axis=1))
    level = float(np.percentile(rms, percentile))
    return 20.0 * np.log10(level) if level > 0 else float("-inf")


def keep_segment(seg: Segment) -> bool:
    """False for a segment the guards consider invented (see module docstring)."""
    text = seg.text.strip()
    if not text or not re.search(r"[A-Za-z0-9]", text):
        return False
    if seg.no_speech_prob > NO_SPEECH_PROB and seg.avg_logprob < LOW_LOGPROB:
        return False
    if seg.avg_logprob < VERY_LOW_LOGPROB:
        return False
    if seg.words:
        mean_p = float(np.mean([w.prob for w in seg.words]))
        if mean_p < MIN_WORD_PROB:
            return False
    else:
        mean_p = 1.0
    if _STOCK_PHRASES.match(text) and (seg.no_speech_prob > 0.3 or seg.avg_logprob < -0.7 or mean_p < 0.6):
        return False
    return True


def _norm_word(w: str) -> str:
    return re.sub(r"[^\w.]", "", w.lower()).strip(".")


def collapse_repeats(words: list[Word], *, max_n: int = 8, max_copies: int = 2) -> list[Word]:
    """Remove n-gram loops: where the same ``n`` words (``1 <= n <= max_n``) occur three or
    more times in a row, keep ``max_copies`` copies for single words ("no, no") and one
    copy for longer n-grams.  Words are compared case- and punctuation-insensitively.

    Args:
        words: timed words in order.

    Returns:
        A new list (the input is not modified).
    """
    out = list(words)
    changed = True
    while changed:
        changed = False
        keys = [_norm_word(w.text) for w in out]
        for n in range(1, max_n + 1):
            i = 0
            while i + 2 * n <= len(out):
                gram = keys[i:i + n]
                if not any(gram):
                    i += 1
                    continue
                j = i + n
                reps = 1
                while j + n <= len(out) and keys[j:j + n] == gram:
                    reps += 1
                    j += n
                if reps >= 3 or (n >= 3 and reps >= 2):
                    keep = max_copies if n == 1 else 1
                    del out[i + keep * n:j]
                    del keys[i + keep * n:j]
                    changed = True
                i += 1
            if changed:
                break
    return out


def no_speech_transcript(duration_s: float, detail: str, engine: str = "", elapsed_s: float = 0.0,
                         dropped: list[str] | None = None) -> Transcript:
    """The empty transcript reported when nothing was said: ``speech_detected=False``,
    ``reason = "no speech detected (<detail>)"``."""
    reason = f"{NO_SPEECH} ({detail})" if detail else NO_SPEECH
    return Transcript(text="", segments=[], duration_s=duration_s, speech_detected=False, reason=reason,
                      engine=engine, elapsed_s=elapsed_s, dropped=list(dropped or []))


def _wer_tokens(text: str) -> list[str]:
    return [t for t in re.sub(r"[^\w\s.']", " ", text.lower()).replace(". ", " ").split() if t.strip(".")]


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word error rate, (substitutions + deletions + insertions) / reference words, by
    Levenshtein alignment over lower-cased words with punctuation removed.

    Returns 0.0 for two empty texts, 1.0 per inserted word when the reference is empty.
    """
    ref, hyp = _wer_tokens(reference), _wer_tokens(hypothesis)
    if not ref:
        return float(len(hyp))
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r.strip(".") != h.strip(".")))
        prev = cur
    return prev[-1] / len(ref)
