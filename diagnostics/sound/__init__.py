"""Sound: speech-to-text results and guards (:mod:`.speech`) and codes spoken aloud
(:mod:`.spoken_codes`).

Decoding lives in :func:`diagnostics.ingest.audio.load_audio`; the Whisper engine in
:class:`diagnostics.engines.whisper.WhisperEngine`.
"""

from .speech import (
    NO_SPEECH,
    Segment,
    SpeechEngine,
    Transcript,
    Word,
    collapse_repeats,
    keep_segment,
    loudness_dbfs,
    word_error_rate,
)

__all__ = ["NO_SPEECH", "Segment", "SpeechEngine", "Transcript", "Word", "collapse_repeats", "keep_segment",
           "loudness_dbfs", "word_error_rate"]
