"""Decode one audio file (or the sound track of a video) to mono 16 kHz float samples.

:func:`load_audio` is the single entry point.  It decodes with PyAV (the FFmpeg
libraries bundled in the ``av`` wheel) packet by packet and resamples on the fly with
``av.AudioResampler`` to ``flt`` mono 16 000 Hz, the input rate of Whisper and of the
beep detector.  Formats customers send (sources: WhatsApp media limits and chat-export
names in ``docs/DOMAIN.md`` section 1, RFC 4867 for AMR storage, 3GPP TS 26.244 for
3GP):

=====================  =====================================================
WhatsApp voice note    OGG/Opus, mono, 48 kHz, ~16-24 kbit/s (``PTT-*.opus``, ``.ogg``, ``.oga``)
iPhone / Android       AAC in MP4 (``.m4a``), MP3, WAV, WebM/Opus (browsers)
MMS / old phones       AMR-NB (8 kHz) and AMR-WB (16 kHz), raw ``.amr`` / ``.awb``
                       (``#!AMR`` / ``#!AMR-WB`` magic) or inside ``.3gp``
videos                 the audio track of MP4 / MOV / 3GP / WebM / MKV
=====================  =====================================================

Steps and their typed errors (all :class:`~diagnostics.errors.MediaError` subclasses):

1. empty input -> :class:`EmptyMediaError`; over ``Settings.max_bytes`` ->
   :class:`FileTooLargeError`
2. content sniffed (:func:`diagnostics.ingest.sniff.sniff`, names are ignored); a photo
   or a PDF/ZIP/text file -> :class:`UnsupportedFormatError`
3. FFmpeg cannot open/probe the bytes -> :class:`CorruptMediaError` when the content
   looked like a known audio/video format, else :class:`UnsupportedFormatError`
4. no audio stream (a silent video) -> :class:`UnsupportedFormatError`
5. packets decoded and resampled until ``max_seconds`` of audio; past the cap decoding
   stops and ``DecodedAudio.truncated`` is True (a note says so)
6. damaged packets are skipped (counted in ``notes``); if nothing (or under
   :data:`MIN_DAMAGED_SECONDS`) could be decoded from a damaged file ->
   :class:`CorruptMediaError`
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..config import Settings
from ..errors import CorruptMediaError, EmptyMediaError, FileTooLargeError, UnsupportedFormatError
from .sniff import sniff

__all__ = ["DecodedAudio", "load_audio", "TARGET_RATE", "DEFAULT_MAX_SECONDS", "MIN_DAMAGED_SECONDS"]

TARGET_RATE = 16_000
"""Output sample rate, Hz (Whisper's and the beep detector's input rate)."""

DEFAULT_MAX_SECONDS = 300.0
"""Default cap on decoded audio, seconds (WhatsApp voice notes are rarely over 5 min)."""

MIN_DAMAGED_SECONDS = 0.5
"""A damaged file must still give at least this much audio (seconds) to be used."""

_AUDIO_HINT = "Please ask the customer to send the voice note or recording again."


@dataclass
class DecodedAudio:
    """Decoded sound, ready for speech-to-text and beep detection.

    Attributes:
        samples: ``(N,) float32`` mono samples in ``[-1, 1]`` at :attr:`sample_rate`.
        sample_rate: always 16 000 Hz.
        duration_s: ``N / sample_rate``, seconds (after any truncation).
        format: container format: the sniffed name (``"OGG"``, ``"M4A"``, ``"AMR"``,
            ``"3GP"``, ``"MP3"``, ``"WAV"``, ``"WEBM"``, ``"MP4"``, ...) or FFmpeg's
            demuxer name when sniffing did not recognise it.
        codec: FFmpeg decoder name (``"opus"``, ``"aac"``, ``"amrnb"``, ``"amrwb"``, ``"mp3"``, ...).
        original_rate: sample rate of the file's audio stream, Hz.
        channels: channel count of the file's audio stream.
        truncated: True when the file was longer than ``max_seconds`` and only the
            first ``max_seconds`` were decoded.
        source_duration_s: duration the container declares, seconds (``None`` if unknown).
        notes: plain-language remarks (truncation, skipped damaged packets).
        name: the file name it came from.
    """

    samples: np.ndarray
    sample_rate: int = TARGET_RATE
    duration_s: float = 0.0
    format: str = ""
    codec: str = ""
    original_rate: int = 0
    channels: int = 0
    truncated: bool = False
    source_duration_s: float | None = None
    notes: list[str] = field(default_factory=list)
    name: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly summary (without the samples)."""
        return {
            "name": self.name, "format": self.format, "codec": self.codec, "sample_rate": self.sample_rate,
            "duration_s": round(float(self.duration_s), 3), "original_rate": self.original_rate,
            "channels": self.channels, "truncated": self.truncated,
            "source_duration_s": None if self.source_duration_s is None else round(self.source_duration_s, 3),
            "notes": list(self.notes),
        }


def load_audio(name: str, data: bytes, settings: Settings | None = None, *,
               max_seconds: float = DEFAULT_MAX_SECONDS) -> DecodedAudio:
    """Decode ``data`` (an audio file or a video with a sound track) to mono 16 kHz.

    Args:
        name: file name, used only in messages and :attr:`DecodedAudio.name` (the
            format is judged from the content).
        data: the whole file's bytes.
        settings: for ``max_bytes`` (default :class:`Settings` defaults).
        max_seconds: decode at most this many seconds of audio (> 0); longer files are
            cut and flagged ``truncated``.

    Returns:
        :class:`DecodedAudio` with ``samples`` ``(N,) float32`` in ``[-1, 1]`` at 16 kHz.

    Raises:
        EmptyMediaError: zero bytes.
        FileTooLargeError: over ``settings.max_bytes``.
        UnsupportedFormatError: not an audio/video format, or a video without sound.
        CorruptMediaError: a recognised format whose data cannot be decoded.
        ValueError: ``max_seconds`` not positive (a programming error).
    """
    settings = settings or Settings()
    if not max_seconds or max_seconds <= 0:
        raise ValueError("max_seconds must be > 0")
    if data is None or len(data) == 0:
        raise EmptyMediaError("This file is empty.", hint=_AUDIO_HINT)
    if len(data) > settings.max_bytes:
        raise FileTooLargeError(
            f"This file is too large to analyse ({len(data) / 1048576:.1f} MB; the limit is "
            f"{settings.max_bytes / 1048576:.0f} MB).",
            hint="Please ask the customer for a shorter recording.", detail=name)

    mt = sniff(data)
    if mt.kind == "image":
        raise UnsupportedFormatError(f"This is a photo ({mt.format}), not a sound recording.",
                                     hint="Analyse it as a photo instead.", detail=name)
    if mt.kind == "unknown" and mt.format in ("PDF", "ZIP", "TEXT", "SVG"):
        raise UnsupportedFormatError(f"This is a {mt.format} file, not a sound recording.",
                                     hint=_AUDIO_HINT, detail=name)
    # MPEG audio / ADTS frame syncs are weak signatures (random bytes match them often):
    # only a tagged MP3 counts as recognised when deciding "damaged" vs "not audio".
    weak = mt.format in ("MP3", "AAC") and not bytes(data[:3]) == b"ID3"
    recognised = mt.kind in ("audio", "video") and not weak

    import av  # deferred: only audio/video paths need FFmpeg

    try:
        container = av.open(io.BytesIO(bytes(data)), mode="r", metadata_errors="ignore")
    except (av.FFmpegError, ValueError, OSError, UnicodeDecodeError) as exc:
        if recognised:
            raise CorruptMediaError(f"This {mt.format} file is damaged or was only partly received.",
                                    hint=_AUDIO_HINT, detail=f"{name}: {exc}") from exc
        raise UnsupportedFormatError("This file is not a sound recording Telltale can open.",
                                     hint="Please ask the customer to send a voice note (WhatsApp), "
                                          "or an MP3, M4A, AMR or WAV recording.",
                                     detail=f"{name}: {exc}") from exc
    try:
        return _decode(container, name, mt.format if mt.kind in ("audio", "video") else "", max_seconds)
    finally:
        container.close()


def _decode(container, name: str, sniffed: str, max_seconds: float) -> DecodedAudio:
    import av

    streams = [s for s in container.streams if s.type == "audio"]
    if not streams:
        what = "video has no sound track" if container.streams.video else "file has no sound in it"
        raise UnsupportedFormatError(f"This {what}.",
                                     hint="Please ask the customer to record again with the sound on.",
                                     detail=name)
    stream = streams[0]
    stream.thread_type = "AUTO"
    cc = stream.codec_context
    fmt = sniffed or (container.format.name.split(",")[0].upper() if container.format else "")
    src_dur = None
    if stream.duration is not None and stream.time_base is not None:
        src_dur = float(stream.duration * stream.time_base)
    elif container.duration:
        src_dur = container.duration / 1_000_000

    resampler = None
    current: tuple = ()
    cap = int(round(max_seconds * TARGET_RATE))
    chunks: list[np.ndarray] = []
    have = 0
    bad_packets = 0
    truncated = False
    demux_error = ""

    def take(frames) -> None:
        nonlocal have
        for fr in frames:
            arr = fr.to_ndarray().reshape(-1).astype(np.float32, copy=False)
            if arr.size:
                chunks.append(arr)
                have += arr.size

    try:
        for packet in container.demux(stream):
            try:
                decoded = packet.decode()
            except (av.FFmpegError, ValueError) as exc:
                bad_packets += 1
                demux_error = str(exc)
                if bad_packets > 50 and have == 0:
                    break
                continue
            for frame in decoded:
                frame.pts = None  # let the resampler run on sample counts, not damaged timestamps
                shape = (frame.format.name, frame.layout.name, frame.sample_rate)
                if shape != current:
                    # First frame, or the stream changed rate/layout (a damaged MP3 frame, or
                    # joined recordings): flush the old resampler and start a new one.
                    if resampler is not None:
                        take(resampler.resample(None))
                    resampler, current = av.AudioResampler(format="flt", layout="mono", rate=TARGET_RATE), shape
                take(resampler.resample(frame))
            if have >= cap:
                truncated = True
                break
    except (av.FFmpegError, ValueError, OSError) as exc:
        # Demuxing failed part-way (cut-off download): keep what was decoded.
        bad_packets += 1
        demux_error = str(exc)
    if not truncated and resampler is not None:
        try:
            take(resampler.resample(None))
        except (av.FFmpegError, ValueError):
            pass

    samples = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    if samples.size > cap:
        samples = samples[:cap]
        truncated = True
    np.clip(samples, -1.0, 1.0, out=samples)
    np.nan_to_num(samples, copy=False)

    notes: list[str] = []
    if bad_packets:
        if samples.size < MIN_DAMAGED_SECONDS * TARGET_RATE:
            raise CorruptMediaError(f"This {fmt or 'sound'} file is damaged and no sound could be decoded.",
                                    hint=_AUDIO_HINT, detail=f"{name}: {demux_error}")
        notes.append(f"Part of the recording was damaged; {bad_packets} damaged piece(s) were skipped.")
    if samples.size == 0:
        raise CorruptMediaError(f"No sound could be decoded from this {fmt or 'file'}.",
                                hint=_AUDIO_HINT, detail=name)
    declared = min(src_dur or 0.0, max_seconds)
    if not truncated and declared > 2 * MIN_DAMAGED_SECONDS and samples.size / TARGET_RATE < 0.5 * declared:
        raise CorruptMediaError(f"This {fmt or 'sound'} file was only partly received "
                                f"({samples.size / TARGET_RATE:.1f} s of {declared:.1f} s could be decoded).",
                                hint=_AUDIO_HINT, detail=name)
    if truncated:
        notes.append(f"Only the first {max_seconds:g} s of the recording were analysed.")

    return DecodedAudio(
        samples=np.ascontiguousarray(samples, dtype=np.float32), sample_rate=TARGET_RATE,
        duration_s=samples.size / TARGET_RATE, format=fmt, codec=cc.name or "",
        original_rate=int(cc.sample_rate or 0), channels=int(cc.channels or 0), truncated=truncated,
        source_duration_s=src_dur, notes=notes, name=name)
