"""Render phone-like video clips and voice notes: moving-camera display videos, blinking
indicator LEDs, synthetic speech (espeak-ng), tone bursts (beep codes), room noise, and the
encoders that write them the way phones and messaging apps do.

Pixels are ``(H, W, 3) uint8`` RGB; audio is ``(n,) float32`` mono in ``[-1, 1]`` at a
stated sample rate (Hz); times are seconds. Everything is deterministic given the
``numpy.random.Generator`` passed in, and the encoders are run with FFmpeg's *bitexact*
flags so that the same inputs give the same bytes with the same library versions.

Encoding uses PyAV (``av`` on PyPI, which bundles FFmpeg with libx264, libx265,
libvpx, libopus, libopencore-amrnb, LAME). Speech uses the ``espeak-ng`` program (Debian
package ``espeak-ng``).

Display rotation: phones record portrait video as landscape pixels and store a 3x3
*display matrix* in the track header (``tkhd`` box, ISO/IEC 14496-12 section 8.3.2;
QuickTime File Format "Track header atom"). :func:`set_display_rotation` writes that
matrix. Angles follow FFmpeg's convention (``av_display_rotation_get``, shown by
``ffprobe`` as "rotation of -90.00 degrees"): the angle is counter-clockwise, so a
player turns the stored picture by ``-angle`` degrees counter-clockwise, i.e. ``-90``
means "turn 90 degrees clockwise to view" (an iPhone held upright; the legacy
``rotate=90`` tag).
"""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import wave
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterable, Iterator

import cv2
import numpy as np

from diagnostics.errors import ValidationError

BBox = tuple[int, int, int, int]

# ---------------------------------------------------------------------------------------
# Audio synthesis
# ---------------------------------------------------------------------------------------


def speak(text: str, *, voice: str = "en-us", speed: int = 150, pitch: int = 50, gap_ms: int = 0) -> tuple[np.ndarray, int]:
    """Synthesise ``text`` with espeak-ng.

    Args:
        text: the words to say (plain text).
        voice: espeak-ng voice name (``"en-us"``, ``"en-gb"``...).
        speed: words per minute; pitch: 0-99; gap_ms: extra pause between words (ms).

    Returns:
        ``(samples, rate)``: ``(n,) float32`` mono in ``[-1, 1]`` and the sample rate in Hz
        (espeak-ng speaks at 22050 Hz).

    Raises:
        ValidationError: espeak-ng is not installed, fails, or ``text`` is empty.
    """
    if not text.strip():
        raise ValidationError("Nothing to say.")
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise ValidationError("Speech synthesis needs espeak-ng (Debian package espeak-ng).")
    cmd = [exe, "-v", voice, "-s", str(int(speed)), "-p", str(int(pitch)), "-g", str(int(gap_ms // 10)), "--stdout", text]
    try:
        out = subprocess.run(cmd, capture_output=True, check=True, timeout=60).stdout
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
        raise ValidationError("espeak-ng failed to synthesise the text.", detail=str(e)) from e
    with wave.open(io.BytesIO(out)) as w:
        rate, ch, sw = w.getframerate(), w.getnchannels(), w.getsampwidth()
        raw = w.readframes(w.getnframes())
    if sw != 2:
        raise ValidationError("espeak-ng returned an unexpected sample width.", detail=str(sw))
    x = np.frombuffer(raw, "<i2").astype(np.float32) / 32768.0
    if ch > 1:
        x = x.reshape(-1, ch).mean(1)
    return x, rate


def resample(x: np.ndarray, rate: int, new_rate: int) -> np.ndarray:
    """Resample mono ``(n,) float32`` audio from ``rate`` to ``new_rate`` Hz (polyphase
    windowed-sinc via ``scipy.signal.resample_poly`` if available, else linear)."""
    if rate == new_rate:
        return x.astype(np.float32)
    try:
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(int(rate), int(new_rate))
        return resample_poly(x, new_rate // g, rate // g).astype(np.float32)
    except ImportError:  # pragma: no cover - scipy is in the venv
        n = int(round(len(x) * new_rate / rate))
        return np.interp(np.linspace(0, len(x) - 1, n), np.arange(len(x)), x).astype(np.float32)


def silence(seconds: float, rate: int) -> np.ndarray:
    """Digital silence: ``(round(seconds*rate),) float32`` zeros."""
    return np.zeros(int(round(seconds * rate)), np.float32)


def db_to_amp(dbfs: float) -> float:
    """dBFS (relative to a full-scale sine's peak of 1.0) -> linear amplitude."""
    return float(10 ** (dbfs / 20.0))


def rms_dbfs(x: np.ndarray) -> float:
    """RMS level of ``x`` in dBFS (full scale = 1.0); ``-inf`` for silence."""
    r = float(np.sqrt(np.mean(np.square(x.astype(np.float64))))) if len(x) else 0.0
    return 20 * np.log10(r) if r > 0 else float("-inf")


def room_noise(seconds: float, rate: int, rng: np.random.Generator, *, dbfs: float = -60.0, hum_hz: float = 50.0) -> np.ndarray:
    """Quiet room tone: pink-ish noise (white noise through a one-pole low-pass) plus a
    faint mains hum at ``hum_hz``, scaled to an RMS of ``dbfs``.

    Returns:
        ``(n,) float32`` mono.
    """
    n = int(round(seconds * rate))
    w = rng.standard_normal(n).astype(np.float32)
    try:
        from scipy.signal import lfilter

        pink = lfilter([1.0], [1.0, -0.97], w).astype(np.float32)
    except ImportError:  # pragma: no cover
        pink = np.cumsum(w) * 0.03
        pink -= np.convolve(pink, np.ones(256) / 256, "same")
    t = np.arange(n, dtype=np.float32) / rate
    hum = 0.3 * np.sin(2 * np.pi * hum_hz * t) + 0.1 * np.sin(2 * np.pi * 3 * hum_hz * t)
    x = pink / (np.std(pink) + 1e-9) + hum.astype(np.float32)
    x = x / (np.sqrt(np.mean(x**2)) + 1e-9) * db_to_amp(dbfs)
    return x.astype(np.float32)


def tone_bursts(pattern: Iterable[tuple[float, float]], rate: int, *, freq: float = 1000.0, level_dbfs: float = -9.0,
                lead_in: float = 0.3, square: float = 0.35, ramp_ms: float = 4.0) -> np.ndarray:
    """A sequence of beeps: ``pattern`` is ``[(on_seconds, off_seconds_after), ...]``.

    Each beep is a ``freq`` Hz tone, part square wave (``square`` in [0, 1], as a PC speaker
    or piezo buzzer sounds), with ``ramp_ms`` raised-cosine edges and peak ``level_dbfs``.

    Returns:
        ``(n,) float32`` mono, starting with ``lead_in`` seconds of silence.
    """
    parts = [silence(lead_in, rate)]
    ramp = max(1, int(ramp_ms * rate / 1000))
    for on, off in pattern:
        n = int(round(on * rate))
        t = np.arange(n, dtype=np.float32) / rate
        s = np.sin(2 * np.pi * freq * t)
        tone = (1 - square) * s + square * np.tanh(6 * s) / np.tanh(6)
        env = np.ones(n, np.float32)
        r = min(ramp, n // 2)
        if r > 0:
            edge = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, r, dtype=np.float32))
            env[:r] = edge
            env[n - r:] = edge[::-1]
        parts.append((tone * env * db_to_amp(level_dbfs)).astype(np.float32))
        parts.append(silence(off, rate))
    return np.concatenate(parts)


def beep_pattern(groups: Iterable[int], *, short: float = 0.22, long: float = 0.9, gap: float = 0.22,
                 group_gap: float = 0.9, longs: Iterable[int] = ()) -> list[tuple[float, float]]:
    """Turn beep groups into a ``[(on, off), ...]`` pattern for :func:`tone_bursts`.

    Args:
        groups: beeps per group, e.g. ``[3]`` (three short), ``[1, 2, 1]`` (Phoenix 1-2-1).
        short, long: beep lengths (s); gap: silence between beeps in a group (s);
            group_gap: silence between groups (s).
        longs: flat indices (over all beeps) of beeps that are long (e.g. ``[0]`` for
            "1 long 2 short" with ``groups=[3]``).
    """
    longs = set(longs)
    out: list[tuple[float, float]] = []
    i = 0
    groups = list(groups)
    for gi, g in enumerate(groups):
        for b in range(g):
            off = gap if b < g - 1 else (group_gap if gi < len(groups) - 1 else 0.5)
            out.append((long if i in longs else short, off))
            i += 1
    return out


def mix(*tracks: tuple[np.ndarray, float]) -> np.ndarray:
    """Mix ``(samples, start_seconds_as_sample_index)`` pairs: each track is added at its
    start sample index. Returns ``(n,) float32`` clipped to ``[-1, 1]``."""
    n = max(int(s) + len(x) for x, s in tracks)
    out = np.zeros(n, np.float32)
    for x, s in tracks:
        s = int(s)
        out[s:s + len(x)] += x
    return np.clip(out, -1, 1)


def normalise_peak(x: np.ndarray, peak_dbfs: float = -3.0) -> np.ndarray:
    """Scale ``x`` so its peak is ``peak_dbfs`` (no-op for silence)."""
    p = float(np.max(np.abs(x))) if len(x) else 0.0
    return x if p == 0 else (x / p * db_to_amp(peak_dbfs)).astype(np.float32)


# ---------------------------------------------------------------------------------------
# Audio encoders
# ---------------------------------------------------------------------------------------

#: Audio encodings as apps send them: name -> (container format, codec, sample rate Hz,
#: bit rate bit/s, codec options). WhatsApp voice notes: Ogg/Opus mono 48 kHz ~16-24 kbit/s;
#: MMS / old Android recorders: AMR-NB 8 kHz 12.2 kbit/s (raw ``.amr``, RFC 4867, or in 3GP);
#: iPhone Voice Memos / Telegram: AAC-LC in M4A; MP3 from desktop recorders; PCM WAV.
AUDIO_FORMATS: dict[str, tuple[str, str, int, int, dict]] = {
    "opus": ("ogg", "libopus", 48000, 20000, {"application": "voip", "vbr": "on", "frame_duration": "20"}),
    "amr": ("amr", "libopencore_amrnb", 8000, 12200, {}),
    "3gp_amr": ("3gp", "libopencore_amrnb", 8000, 12200, {}),
    "m4a": ("ipod", "aac", 44100, 64000, {}),
    "mp3": ("mp3", "libmp3lame", 44100, 64000, {}),
    "wav": ("wav", "pcm_s16le", 16000, 0, {}),
    "wav44": ("wav", "pcm_s16le", 44100, 0, {}),
}


def _bitexact(container) -> None:
    try:
        container.flags |= 0x0400  # AVFMT_FLAG_BITEXACT: no random Ogg serials, no version strings
    except Exception:  # pragma: no cover - older PyAV
        pass


def _encode_audio_stream(container, stream, x: np.ndarray, rate: int) -> None:
    """Feed mono float audio to ``stream`` in encoder-sized frames (s16 -> encoder fmt)."""
    import av

    fs = stream.codec_context.frame_size or 1024
    resampler = av.AudioResampler(format=stream.codec_context.format, layout="mono", rate=stream.codec_context.sample_rate)
    pcm = (np.clip(x, -1, 1) * 32767).astype("<i2")
    pts = 0
    for i in range(0, len(pcm), fs):
        chunk = pcm[i:i + fs]
        if len(chunk) < fs and fs > 0 and stream.codec_context.codec.name != "pcm_s16le":
            chunk = np.concatenate([chunk, np.zeros(fs - len(chunk), "<i2")])
        fr = av.AudioFrame.from_ndarray(chunk[None, :], format="s16", layout="mono")
        fr.sample_rate = rate
        fr.pts = pts
        fr.time_base = Fraction(1, rate)
        pts += len(chunk)
        for rf in resampler.resample(fr):
            for p in stream.encode(rf):
                container.mux(p)
    for rf in resampler.resample(None):
        for p in stream.encode(rf):
            container.mux(p)
    for p in stream.encode(None):
        container.mux(p)


def encode_audio(x: np.ndarray, rate: int, path: str | Path, fmt: str) -> Path:
    """Write mono audio ``x`` (``(n,) float32``, ``rate`` Hz) to ``path`` as ``fmt``
    (a key of :data:`AUDIO_FORMATS`), resampling to the format's rate.

    Returns:
        the path written.

    Raises:
        ValidationError: unknown format, empty audio, or the encoder is missing from
        this PyAV build.
    """
    import av

    if fmt not in AUDIO_FORMATS:
        raise ValidationError(f"Unknown audio format {fmt!r}.", detail=", ".join(AUDIO_FORMATS))
    if len(x) == 0:
        raise ValidationError("No audio to encode.")
    cont_fmt, codec, out_rate, bitrate, opts = AUDIO_FORMATS[fmt]
    y = resample(x, rate, out_rate)
    path = Path(path)
    try:
        with av.open(str(path), "w", format=cont_fmt) as c:
            _bitexact(c)
            st = c.add_stream(codec, rate=out_rate, options=dict(opts))
            st.codec_context.layout = "mono"
            if bitrate:
                st.codec_context.bit_rate = bitrate
            st.codec_context.flags |= av.codec.context.Flags.bitexact if hasattr(av.codec.context, "Flags") else 0
            _encode_audio_stream(c, st, y, out_rate)
    except av.FFmpegError as e:
        raise ValidationError(f"Could not encode audio as {fmt}.", detail=str(e)) from e
    return path


# ---------------------------------------------------------------------------------------
# Video frames: a camera drifting over a pre-rendered scene
# ---------------------------------------------------------------------------------------


@dataclass
class Shake:
    """Hand-held camera motion.

    Attributes:
        drift_px: random-walk step of the view centre per frame, pixels (at output size).
        max_px: the walk is pulled back to stay within this many pixels.
        rot_deg: largest in-plane roll, degrees; persp: corner jitter as a fraction of
            the frame size (small perspective change).
        zoom: crop zoom so that borders never show (1.04 = 4 % crop).
        blur_frames: frame indices to motion-blur (camera jerked); blur_px their
            blur length in pixels, jerk_px how far the view jumps on them.
        noise: sensor-noise sigma (0-255 units) added to every frame.
    """

    drift_px: float = 0.8
    max_px: float = 10.0
    rot_deg: float = 0.6
    persp: float = 0.004
    zoom: float = 1.05
    blur_frames: tuple[int, ...] = ()
    blur_px: float = 18.0
    jerk_px: float = 14.0
    noise: float = 1.6


def camera_homographies(n: int, size: tuple[int, int], rng: np.random.Generator, shake: Shake) -> list[np.ndarray]:
    """``n`` smooth per-frame ``(3, 3) float64`` homographies (scene -> frame) for a
    hand-held phone: slow random-walk translation and roll, tiny perspective changes, and a
    jump on each ``shake.blur_frames`` frame. ``size`` is ``(width, height)`` pixels."""
    W, H = size
    pos = np.zeros(2)
    vel = np.zeros(2)
    roll = 0.0
    corner = np.zeros((4, 2))
    src = np.float32([[0, 0], [W, 0], [W, H], [0, H]])
    out = []
    blur = set(shake.blur_frames)
    for i in range(n):
        vel = 0.85 * vel + rng.normal(0, shake.drift_px, 2)
        pos = pos + vel
        pos = np.clip(pos, -shake.max_px, shake.max_px)
        roll = float(np.clip(0.95 * roll + rng.normal(0, shake.rot_deg * 0.15), -shake.rot_deg, shake.rot_deg))
        corner = 0.9 * corner + rng.normal(0, shake.persp * 0.3, (4, 2)) * [W, H]
        jump = rng.normal(0, shake.jerk_px, 2) if i in blur else np.zeros(2)
        c = np.array([W / 2, H / 2])
        a = np.deg2rad(roll)
        R = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        dst = ((src - c) @ R.T) * shake.zoom + c + pos + jump + corner
        # scene -> frame maps the zoomed-in scene onto the frame: invert the corner map
        M = cv2.getPerspectiveTransform(dst.astype(np.float32), src)
        out.append(M)
    return out


def film(scene_at: Callable[[int], np.ndarray], n: int, size: tuple[int, int], rng: np.random.Generator,
         shake: Shake | None = None) -> Iterator[np.ndarray]:
    """Yield ``n`` frames ``(H, W, 3) uint8`` of a scene seen by a hand-held phone.

    Args:
        scene_at: frame index -> the upright scene ``(H, W, 3) uint8`` at output ``size``
            (return the same array object for frames where nothing changed: cheap).
        n: number of frames; size: ``(width, height)`` in pixels.
        rng: randomness for the camera path and sensor noise.
        shake: camera motion (``None``: default gentle hand-held drift).

    Raises:
        ValidationError: a scene has the wrong size.
    """
    from synth.camera import motion_blur

    shake = shake or Shake()
    W, H = size
    Ms = camera_homographies(n, size, rng, shake)
    blur = set(shake.blur_frames)
    for i in range(n):
        sc = scene_at(i)
        if sc.shape[:2] != (H, W):
            raise ValidationError("Scene size does not match the video size.", detail=f"{sc.shape} vs {size}")
        fr = cv2.warpPerspective(sc, Ms[i], (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        if i in blur:
            fr = motion_blur(fr, shake.blur_px * rng.uniform(0.8, 1.2), float(rng.uniform(0, 180)))
        if shake.noise > 0:
            nz = rng.standard_normal((H // 2, W // 2), dtype=np.float32) * shake.noise
            nz = cv2.resize(nz, (W, H), interpolation=cv2.INTER_NEAREST)
            fr = np.clip(fr.astype(np.float32) + nz[..., None], 0, 255).astype(np.uint8)
        yield fr


def rotate_for_storage(upright: np.ndarray, rotation: int) -> np.ndarray:
    """Stored pixels for a display-matrix ``rotation`` (FFmpeg convention, see the module
    docstring): the inverse of the turn a player applies.

    ``-90`` (player turns 90 degrees clockwise): stored = upright turned 90 degrees
    counter-clockwise, so a ``(1280, 720)`` portrait picture is stored ``(720, 1280)``
    landscape. ``+90``: stored = upright turned 90 degrees clockwise. ``180``: upside down.

    Args:
        upright: ``(H, W, 3) uint8``.

    Returns:
        ``(W, H, 3)`` (for +-90) or ``(H, W, 3)`` uint8.

    Raises:
        ValidationError: rotation not a multiple of 90.
    """
    r = int(rotation) % 360
    if r == 0:
        return upright
    if r == 270:  # -90
        return np.ascontiguousarray(np.rot90(upright, 1))  # numpy rot90 k=1: counter-clockwise
    if r == 90:
        return np.ascontiguousarray(np.rot90(upright, -1))
    if r == 180:
        return np.ascontiguousarray(upright[::-1, ::-1])
    raise ValidationError(f"Rotation {rotation} is not a multiple of 90 degrees.")


# ---------------------------------------------------------------------------------------
# Video encoder
# ---------------------------------------------------------------------------------------

#: Video encodings: name -> (container format, video codec, pixel format, codec options,
#: audio codec, audio rate Hz, audio bit rate). WhatsApp re-encodes to H.264 (main/high
#: profile) + AAC in MP4; iPhones record HEVC (``hvc1``) + AAC in QuickTime ``.mov``;
#: old Android/MMS phones H.263 + AMR-NB in 3GP; Android/Chrome WebM VP9 + Opus.
VIDEO_FORMATS: dict[str, tuple[str, str, str, dict, str, int, int]] = {
    "mp4_h264": ("mp4", "libx264", "yuv420p", {"crf": "30", "preset": "medium", "profile": "high", "tune": "film",
                                              "x264-params": "keyint=60:min-keyint=30:scenecut=0"},
                 "aac", 44100, 64000),
    "mov_hevc": ("mov", "libx265", "yuv420p", {"crf": "30", "preset": "fast", "x265-params": "log-level=error:keyint=60:pools=1:frame-threads=1"},
                 "aac", 44100, 64000),
    "3gp_h263": ("3gp", "h263", "yuv420p", {"qscale": "6"}, "libopencore_amrnb", 8000, 12200),
    "webm_vp9": ("webm", "libvpx-vp9", "yuv420p", {"crf": "38", "b": "0", "deadline": "good", "cpu-used": "5",
                                                   "row-mt": "0", "threads": "1", "g": "60"},
                 "libopus", 48000, 32000),
}


def _yuv420_frame(rgb: np.ndarray):
    """RGB ``(H, W, 3) uint8`` -> a PyAV ``yuv420p`` frame (BT.601 limited range, OpenCV's
    conversion) whose row padding is zeroed, so that no uninitialised bytes reach the
    encoder."""
    import av

    H, W = rgb.shape[:2]
    yuv = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2YUV_I420)
    y = yuv[:H]
    u = yuv[H:H + H // 4].reshape(H // 2, W // 2)
    v = yuv[H + H // 4:].reshape(H // 2, W // 2)
    frame = av.VideoFrame(W, H, "yuv420p")
    for plane, arr in zip(frame.planes, (y, u, v)):
        padded = np.zeros((plane.buffer_size // plane.line_size, plane.line_size), np.uint8)
        padded[: arr.shape[0], : arr.shape[1]] = arr
        plane.update(padded.tobytes())
    return frame


def encode_video(frames: Iterable[np.ndarray], path: str | Path, *, fps: int, size: tuple[int, int], fmt: str = "mp4_h264",
                 audio: np.ndarray | None = None, audio_rate: int = 16000, rotation: int = 0) -> Path:
    """Encode ``frames`` (stored pixels, ``(H, W, 3) uint8``, ``size = (W, H)``) at ``fps``
    to ``path`` in ``fmt`` (a key of :data:`VIDEO_FORMATS`), with an optional mono audio
    track (``(n,) float32`` at ``audio_rate`` Hz) and a display-matrix ``rotation``
    (FFmpeg convention, degrees; written into the ``tkhd`` box for MP4/MOV/3GP).

    Determinism: with PyAV 18 / libx264, widths that are multiples of 128 pixels (640,
    1280) gave byte-identical files run after run; 832 and 848 did not (x264 output varied
    between runs with identical frames), so the samples use 640/1280-wide H.264.

    Returns:
        the path written.

    Raises:
        ValidationError: unknown format, encoder missing, wrong frame size, or a rotation
        asked for a WebM file (Matroska has no display matrix in common use).
    """
    import av

    if fmt not in VIDEO_FORMATS:
        raise ValidationError(f"Unknown video format {fmt!r}.", detail=", ".join(VIDEO_FORMATS))
    cont_fmt, vcodec, pix, vopts, acodec, arate, abitrate = VIDEO_FORMATS[fmt]
    if rotation and cont_fmt == "webm":
        raise ValidationError("Rotation metadata is only written for MP4/MOV/3GP here.")
    W, H = size
    path = Path(path)
    vopts = dict(vopts)
    threads = vopts.pop("threads", None)
    try:
        with av.open(str(path), "w", format=cont_fmt, options={"movflags": "+faststart"} if cont_fmt in ("mp4", "mov") else {}) as c:
            _bitexact(c)
            vs = c.add_stream(vcodec, rate=fps, options=vopts)
            vs.width, vs.height, vs.pix_fmt = W, H, pix
            if threads:
                vs.codec_context.thread_count = int(threads)
            if vcodec == "libx265":
                vs.codec_tag = "hvc1"  # QuickTime/iPhone tag (Apple players refuse hev1)
            if vcodec == "h263":
                vs.codec_context.bit_rate = 0
            as_ = None
            if audio is not None:
                as_ = c.add_stream(acodec, rate=arate)
                as_.codec_context.layout = "mono"
                as_.codec_context.bit_rate = abitrate
                y = resample(audio, audio_rate, arate)
            for i, fr in enumerate(frames):
                if fr.shape[:2] != (H, W):
                    raise ValidationError("Frame size does not match the video size.", detail=f"{fr.shape} vs {size}")
                vf = _yuv420_frame(fr)
                vf.pts = i
                vf.time_base = Fraction(1, fps)
                for p in vs.encode(vf):
                    c.mux(p)
            for p in vs.encode(None):
                c.mux(p)
            if as_ is not None:
                _encode_audio_stream(c, as_, y, arate)
    except av.FFmpegError as e:
        raise ValidationError(f"Could not encode video as {fmt}.", detail=str(e)) from e
    if rotation:
        data = set_display_rotation(path.read_bytes(), rotation)
        path.write_bytes(data)
    return path


# ---------------------------------------------------------------------------------------
# Display matrix (tkhd) patching
# ---------------------------------------------------------------------------------------

_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"udta"}


def _boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int, int]]:
    """Yield ``(type, box_start, payload_start, box_end)`` of ISO BMFF boxes in a range."""
    i = start
    while i + 8 <= end:
        size, typ = struct.unpack(">I4s", data[i:i + 8])
        hdr = 8
        if size == 1:
            size = struct.unpack(">Q", data[i + 8:i + 16])[0]
            hdr = 16
        elif size == 0:
            size = end - i
        if size < hdr or i + size > end:
            return
        yield typ, i, i + hdr, i + size
        i += size


def _matrix(rotation: int, w: int, h: int) -> tuple[int, ...]:
    """16.16/2.30 fixed-point tkhd matrix ``(a, b, u, c, d, v, x, y, w)`` for a rotation in
    FFmpeg's convention (as FFmpeg's mov muxer writes for the legacy ``rotate`` tag)."""
    one, w30 = 1 << 16, 1 << 30
    r = int(rotation) % 360
    if r == 0:
        return (one, 0, 0, 0, one, 0, 0, 0, w30)
    if r == 270:  # -90: rotate tag 90 (clockwise to view)
        return (0, one, 0, -one, 0, 0, h * one, 0, w30)
    if r == 180:
        return (-one, 0, 0, 0, -one, 0, w * one, h * one, w30)
    if r == 90:  # +90: rotate tag 270
        return (0, -one, 0, one, 0, 0, 0, w * one, w30)
    raise ValidationError(f"Rotation {rotation} is not a multiple of 90 degrees.")


def set_display_rotation(data: bytes, rotation: int) -> bytes:
    """Return MP4/MOV/3GP bytes with the video track's ``tkhd`` matrix set to ``rotation``
    (FFmpeg convention, degrees counter-clockwise; -90 = view turned 90 degrees clockwise).

    Raises:
        ValidationError: no ``moov``/video ``trak`` found, or a bad rotation.
    """
    buf = bytearray(data)
    done = False
    for typ, _s, p, e in _boxes(buf, 0, len(buf)):
        if typ != b"moov":
            continue
        for t2, _s2, p2, e2 in _boxes(buf, p, e):
            if t2 != b"trak":
                continue
            tkhd = None
            is_video = False
            for t3, _s3, p3, e3 in _boxes(buf, p2, e2):
                if t3 == b"tkhd":
                    tkhd = p3
                elif t3 == b"mdia":
                    for t4, _s4, p4, _e4 in _boxes(buf, p3, e3):
                        if t4 == b"hdlr" and bytes(buf[p4 + 8:p4 + 12]) == b"vide":
                            is_video = True
            if tkhd is None or not is_video:
                continue
            version = buf[tkhd]
            off = tkhd + 4 + (32 if version == 1 else 20) + 8 + 8  # times/ids, reserved, layer..volume
            mat_off = off
            wh_off = mat_off + 36
            w = struct.unpack(">I", buf[wh_off:wh_off + 4])[0] >> 16
            h = struct.unpack(">I", buf[wh_off + 4:wh_off + 8])[0] >> 16
            buf[mat_off:mat_off + 36] = struct.pack(">9i", *_matrix(rotation, w, h))
            done = True
    if not done:
        raise ValidationError("No video track header (tkhd) found to set the rotation.")
    return bytes(buf)


def probe_rotation(path: str | Path) -> float | None:
    """Display-matrix rotation (FFmpeg convention, degrees) of the first video stream,
    read with PyAV from the stream side data (``None`` when the file has none)."""
    import av

    with av.open(str(path)) as c:
        vs = c.streams.video[0]
        sd = getattr(vs, "side_data", None)
        try:
            for k, v in (sd.items() if hasattr(sd, "items") else []):
                if "DISPLAYMATRIX" in str(k).upper():
                    return float(v)
        except Exception:  # pragma: no cover
            pass
        for fr in c.decode(vs):
            rot = getattr(fr, "rotation", None)
            return float(rot) if rot is not None else None
    return None


# ---------------------------------------------------------------------------------------
# Indicator-LED panels (routers, boilers)
# ---------------------------------------------------------------------------------------

#: LED colours when lit: RGB of the emitter core (the glow is drawn around it).
LED_COLOURS: dict[str, tuple[int, int, int]] = {
    "red": (255, 40, 30),
    "green": (60, 255, 90),
    "amber": (255, 170, 20),
    "blue": (60, 140, 255),
    "white": (250, 250, 250),
}


def led_panel(width: int, height: int, leds: list[tuple[str, tuple[float, float]]], states: dict[str, str | None], *,
              body=(235, 235, 232), ink=(70, 70, 76), title: str = "", rng: np.random.Generator | None = None,
              led_r: float = 0.035, label_px: int | None = None) -> np.ndarray:
    """Draw a device face with round indicator LEDs and printed labels.

    Args:
        width, height: face size in pixels.
        leds: ``[(label, (x_frac, y_frac)), ...]`` LED centres as fractions of the face.
        states: label -> colour name in :data:`LED_COLOURS` when lit, ``None`` when off.
        body, ink: face and label RGB; title: printed brand/model text.
        led_r: LED radius as a fraction of the face width.
        label_px: label font size in pixels (``None``: 1.5 x the LED radius).

    Returns:
        ``(height, width, 3) uint8`` RGB.
    """
    from PIL import Image, ImageDraw

    from synth.displays import load_font

    img = np.empty((height, width, 3), np.float32)
    img[:] = body
    img *= np.linspace(1.03, 0.92, height, dtype=np.float32)[:, None, None]
    r = max(3, int(led_r * width))
    glow = np.zeros((height, width, 3), np.float32)
    im = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(im)
    fpx = label_px or max(10, int(r * 1.5))
    for label, (fx, fy) in leds:
        cx, cy = int(fx * width), int(fy * height)
        col = states.get(label)
        d.ellipse((cx - r - 2, cy - r - 2, cx + r + 2, cy + r + 2), fill=(40, 40, 44))
        if col is None:
            d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(92, 88, 86))
            d.ellipse((cx - r // 2, cy - r // 2 - r // 3, cx, cy - r // 3), fill=(130, 128, 126))
        else:
            rgb = LED_COLOURS[col]
            d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=rgb)
            d.ellipse((cx - r // 2, cy - r // 2, cx + r // 2, cy + r // 2), fill=tuple(int(v + (255 - v) * 0.7) for v in rgb))
            spot = np.zeros((height, width), np.float32)
            cv2.circle(spot, (cx, cy), r, 1.0, -1)
            spot = cv2.GaussianBlur(spot, (0, 0), r * 1.2)
            glow += spot[..., None] * np.array(rgb, np.float32) * 0.9
        f = load_font("dejavu_sans_bold", fpx)
        tw = d.textlength(label, font=f)
        d.text((cx - tw / 2, cy + r + 6), label, font=f, fill=ink)
    if title:
        d.text((int(0.05 * width), int(0.08 * height)), title, font=load_font("dejavu_sans_bold", max(12, int(0.06 * height))), fill=ink)
    out = np.asarray(im).astype(np.float32) + glow
    return np.clip(out, 0, 255).astype(np.uint8)


def blink_schedule(t: float, pattern: str, *, flashes: int = 3, on: float = 0.3, off: float = 0.3, pause: float = 1.6,
                   fast_hz: float = 4.0, slow_hz: float = 1.0) -> bool:
    """Whether an LED is lit at time ``t`` seconds.

    Args:
        pattern: ``"steady"`` (always on), ``"off"``, ``"count"`` (``flashes`` flashes of
            ``on``/``off`` seconds then a ``pause``, repeating: a blink code),
            ``"fast"`` (``fast_hz`` even blink), ``"slow"`` (``slow_hz`` even blink).
    """
    if pattern == "steady":
        return True
    if pattern == "off":
        return False
    if pattern == "fast":
        return (t * fast_hz) % 1.0 < 0.5
    if pattern == "slow":
        return (t * slow_hz) % 1.0 < 0.5
    if pattern == "count":
        cycle = flashes * (on + off) + pause
        u = t % cycle
        if u >= flashes * (on + off):
            return False
        return (u % (on + off)) < on
    raise ValidationError(f"Unknown blink pattern {pattern!r}.")


def display_faces(texts: list[str], style: str = "lcd_reflective", renderer: str = "dseg7_classic", digit_h: int = 90, *,
                  align: str = "right", pad: float = 0.35, rng_seed: int = 0, **opts) -> dict[str, np.ndarray]:
    """Faces of one display showing each of ``texts`` in turn (``E`` then ``21``; a code
    then a clock), all the same size so a scene built from them keeps its geometry.

    Args:
        texts: the readouts (an empty string or spaces = a blank display).
        style, renderer, digit_h, opts: as :func:`synth.displays.render_code_display`.
        align: ``"left"`` or ``"right"`` placement of shorter readouts.
        pad: margin in digit heights. rng_seed: backlight unevenness seed (same for all).

    Returns:
        text -> ``(H, W, 3) uint8`` RGB face (identical shapes).
    """
    from synth.displays import DisplayCanvas, font_masks, segment_masks

    masks = {}
    for t in texts:
        shown = t if t.strip() else " "
        if renderer == "polygons":
            masks[t] = segment_masks(shown, digit_h, **opts)
        else:
            masks[t] = font_masks(shown, renderer, digit_h)
    mw = max(m[0].shape[1] for m in masks.values())
    mh = max(m[0].shape[0] for m in masks.values())
    p = int(round(pad * digit_h))
    out = {}
    for t, (lit, gh) in masks.items():
        c = DisplayCanvas(mw + 2 * p, mh + 2 * p, style)
        x = p if align == "left" else p + mw - lit.shape[1]
        if not t.strip():
            lit = np.zeros_like(lit)
        c.add_masks(t, lit, gh, x, p + (mh - lit.shape[0]) // 2, digit_h)
        out[t] = c.render(np.random.default_rng(rng_seed))
    return out
