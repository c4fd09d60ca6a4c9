"""Decode customer videos with PyAV (FFmpeg), streaming, upright, under caps.

Containers: MP4 / MOV / 3GP (ISO BMFF / QuickTime), WebM / MKV (Matroska), AVI, Ogg
(Theora); codecs: whatever the bundled FFmpeg decodes (H.264, HEVC, VP8, VP9, AV1,
MPEG-4 Part 2 ...).  The container is identified by :func:`diagnostics.ingest.sniff.sniff`
and passed to FFmpeg explicitly, so FFmpeg never probes for other demuxers (playlist
formats such as HLS or ``concat`` could otherwise make it open other files).

Rotation: phones store frames as the sensor saw them and put the rotation in the
track's display matrix (ISO/IEC 14496-12 ``tkhd`` matrix; FFmpeg exports it as
``AV_FRAME_DATA_DISPLAYMATRIX`` side data).  Frames are turned upright here, explicitly:
``frame.rotation`` (PyAV >= 13: the display-matrix angle, counter-clockwise degrees, as
``av_display_rotation_get`` returns it), else the display-matrix side data parsed here,
else the legacy ``rotate`` stream tag (FFmpeg < 6; clockwise degrees).  A mirrored
matrix (front camera) is flipped back.

Caps (all yield typed errors or notes, never a hang):

* bytes over :data:`VIDEO_MAX_BYTES` (or ``settings.max_bytes`` if larger) ->
  :class:`diagnostics.errors.FileTooLargeError`;
* a video longer than :data:`HARD_MAX_SECONDS` (10 min) -> :class:`VideoTooLongError`
  before anything is decoded;
* a video longer than ``max_seconds`` (default :data:`DEFAULT_MAX_SECONDS`, 60 s) is
  analysed for its first ``max_seconds`` only, with a note (customers often film a
  minute or two; the display shows its code from the start);
* frames larger than ``settings.max_pixels`` -> :class:`diagnostics.errors.ImageTooLargeError`;
* at most ``max_frames`` frames are decoded, and frames closer together than
  ``1 / max_fps`` are skipped (still decoded: inter-frame codecs need them);
* a wall-clock guard (:data:`DECODE_WALL_LIMIT_S`) stops decoding with a note.

No decoded frame is kept here: :class:`DecodedFrame` wraps FFmpeg's frame for the
duration of one loop step and converts only what the caller asks for (a small grey
or colour thumbnail, or a working-size RGB image).
"""

from __future__ import annotations

import io
import math
import struct
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import cv2
import numpy as np

from ..config import Settings
from ..errors import (
    CorruptMediaError,
    EmptyMediaError,
    FileTooLargeError,
    ImageTooLargeError,
    MediaError,
    UnsupportedFormatError,
)
from .sniff import sniff

__all__ = [
    "VideoTooLongError", "NoVideoTrackError", "VideoInfo", "DecodedFrame", "VideoReader",
    "open_video", "probe_video", "iter_video_frames",
    "DEFAULT_MAX_SECONDS", "HARD_MAX_SECONDS", "DEFAULT_MAX_FRAMES", "FRAME_MAX_SIDE", "VIDEO_MAX_BYTES",
]

DEFAULT_MAX_SECONDS = 60.0
"""Seconds of a video analysed by default; the rest is skipped with a note."""
HARD_MAX_SECONDS = 600.0
"""Videos longer than this (10 minutes) are refused outright."""
DEFAULT_MAX_FRAMES = 1800
"""Most frames handed out per video (60 s at 30 fps)."""
DEFAULT_MAX_FPS = 30.0
"""Frames closer together than 1/30 s are decoded but not handed out."""
FRAME_MAX_SIDE = 1280
"""Long side, pixels, of the working-size RGB frames (720p and 1080p clips become 1280 wide)."""
VIDEO_MAX_BYTES = 200 * 1024 * 1024
"""Largest accepted video file (a 60 s 4K phone clip is about 100-150 MB)."""
DECODE_WALL_LIMIT_S = 120.0
"""Decoding stops (with a note) after this many seconds of wall time."""

# FFmpeg demuxer for each container named by sniff().
_DEMUXERS = {"MP4": "mov", "MOV": "mov", "3GP": "mov", "WEBM": "matroska", "MKV": "matroska",
             "AVI": "avi", "OGV": "ogg"}
# 8-bit planar YUV layouts read directly from the planes (fast path).
_PLANAR_8BIT = {"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p"}
# FFmpeg AVColorSpace values meaning BT.709 / BT.601 (libavutil/pixfmt.h).
_CS_BT709 = 1
_CS_BT601 = (5, 6)


class VideoTooLongError(MediaError):
    """The video is longer than :data:`HARD_MAX_SECONDS`."""

    default_message = "This video is too long to analyse."
    default_hint = "Please ask the customer for a short clip (under a minute) of the display or the lights."


class NoVideoTrackError(UnsupportedFormatError):
    """The container holds no picture track (e.g. a ``.3gp`` voice note): route it to audio."""

    default_message = "This file has no picture, only sound."
    default_hint = "Please ask the customer for a photo or a short video of the display."


@dataclass
class VideoInfo:
    """What a video is, from its headers.

    Attributes:
        container: sniffed container (``"MP4"``, ``"MOV"``, ``"3GP"``, ``"WEBM"``, ``"MKV"``...).
        codec: decoder name (``"h264"``, ``"hevc"``, ``"vp9"``...).
        width, height: upright display size, pixels (rotation applied).
        stored_size: ``(width, height)`` of the frames as stored, pixels.
        rotation: clockwise degrees applied to stored frames to make them upright
            (0, 90, 180, 270); ``mirrored`` when the matrix also flips.
        duration_s: duration from the headers, seconds (0 when unknown).
        fps: average frame rate, frames per second (0 when unknown).
        n_frames: frame count from the headers (0 when unknown).
        pixel_format: FFmpeg pixel format (``"yuv420p"``, ``"yuv420p10le"``).
        has_audio: the file also has a sound track.
        size_bytes: file size.
    """

    container: str
    codec: str
    width: int
    height: int
    stored_size: tuple[int, int]
    rotation: int = 0
    mirrored: bool = False
    duration_s: float = 0.0
    fps: float = 0.0
    n_frames: int = 0
    pixel_format: str = ""
    has_audio: bool = False
    size_bytes: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ------------------------------------------------------------------------- rotation
def _rotation_from_matrix(raw: bytes) -> tuple[float, bool] | None:
    """Counter-clockwise angle (degrees, as ``av_display_rotation_get``) and mirroring of a
    3x3 display matrix (9 native-endian int32, 16.16 fixed point; libavutil/display.h)."""
    if len(raw) < 36:
        return None
    m = struct.unpack("=9i", raw[:36])
    a, b, c, d = (v / 65536.0 for v in (m[0], m[1], m[3], m[4]))
    s0, s1 = math.hypot(a, c), math.hypot(b, d)
    if s0 == 0 or s1 == 0:
        return None
    mirrored = (a * d - b * c) < 0
    if mirrored:  # av_display_rotation_get assumes no flip; undo a horizontal flip first
        a, c = -a, -c
    return -math.degrees(math.atan2(b / s1, a / s0)), mirrored


def _frame_rotation(frame, stream) -> tuple[int, bool]:
    """``(clockwise degrees in {0, 90, 180, 270}, mirrored)`` to turn ``frame`` upright."""
    ccw: float | None = None
    mirrored = False
    try:
        for sd in getattr(frame, "side_data", None) or []:
            if "DISPLAYMATRIX" in str(getattr(sd, "type", "")):
                parsed = _rotation_from_matrix(bytes(sd))
                if parsed:
                    ccw, mirrored = parsed
    except Exception:  # side-data API differs between PyAV versions
        ccw = None
    if ccw is None and hasattr(frame, "rotation"):
        try:
            ccw = float(frame.rotation or 0)
        except (TypeError, ValueError):
            ccw = None
    if not ccw:  # legacy tag: clockwise degrees
        tag = (stream.metadata or {}).get("rotate")
        if tag:
            try:
                ccw = -float(tag)
            except ValueError:
                pass
    cw = int(round(-(ccw or 0.0) / 90.0)) % 4 * 90
    return cw, mirrored


def _upright(img: np.ndarray, cw: int, mirrored: bool) -> np.ndarray:
    """Apply the display transform to an ``(H, W[, C])`` array (a view when possible)."""
    if mirrored:
        img = img[:, ::-1]
    if cw:
        img = np.rot90(img, k=-(cw // 90))
    return np.ascontiguousarray(img)


# -------------------------------------------------------------------------- frames
def _plane(frame, i: int) -> np.ndarray:
    p = frame.planes[i]
    return np.frombuffer(p, np.uint8).reshape(p.height, p.line_size)[:, : p.width]


def _shrink(plane: np.ndarray, w: int, h: int) -> np.ndarray:
    """Area-average ``plane`` to ``(h, w)``, first dropping rows/columns down to about
    twice the target size (a cheap decimation; thumbnails for timing and colour)."""
    step = max(1, min(plane.shape[1] // (2 * w), plane.shape[0] // (2 * h)))
    if step > 1:
        plane = np.ascontiguousarray(plane[::step, ::step])
    if plane.shape[:2] == (h, w):
        return plane
    return cv2.resize(plane, (w, h), interpolation=cv2.INTER_AREA)


def _fit(w: int, h: int, max_side: int) -> tuple[int, int]:
    s = min(1.0, max_side / max(w, h))
    return max(1, int(round(w * s))), max(1, int(round(h * s)))


class DecodedFrame:
    """One decoded frame, valid only during the loop step that yields it.

    Attributes:
        index: running number of frames handed out (0-based).
        t: presentation time, seconds from the start of the video.

    Conversions are upright (display matrix applied) and computed on demand.
    """

    __slots__ = ("index", "t", "_frame", "_cw", "_mirrored", "_cache")

    def __init__(self, index: int, t: float, frame, cw: int, mirrored: bool):
        self.index = index
        self.t = t
        self._frame = frame
        self._cw = cw
        self._mirrored = mirrored
        self._cache: dict = {}

    @property
    def size(self) -> tuple[int, int]:
        """Upright ``(width, height)`` in pixels."""
        w, h = self._frame.width, self._frame.height
        return (h, w) if self._cw in (90, 270) else (w, h)

    def _stored_fit(self, max_side: int) -> tuple[int, int]:
        return _fit(self._frame.width, self._frame.height, max_side)

    def gray(self, max_side: int = 480) -> np.ndarray:
        """``(h, w) uint8`` luma (video range as coded), long side at most ``max_side`` px."""
        key = ("g", max_side)
        if key not in self._cache:
            f = self._frame
            w, h = self._stored_fit(max_side)
            if f.format.name in _PLANAR_8BIT:
                y = _plane(f, 0)
                g = y if (w, h) == (f.width, f.height) else cv2.resize(y, (w, h), interpolation=cv2.INTER_AREA)
            else:
                g = f.reformat(width=w, height=h, format="gray").to_ndarray()
            self._cache[key] = _upright(g, self._cw, self._mirrored)
        return self._cache[key]

    def small_rgb(self, max_side: int = 160) -> np.ndarray:
        """``(h, w, 3) uint8`` RGB thumbnail, long side at most ``max_side`` px (for LED tracking)."""
        key = ("s", max_side)
        if key not in self._cache:
            f = self._frame
            w, h = self._stored_fit(max_side)
            if f.format.name in _PLANAR_8BIT:
                ys, us, vs = (_shrink(_plane(f, i), w, h) for i in range(3))
                full = f.format.name.startswith("yuvj") or getattr(f, "color_range", 0) == 2
                cs = getattr(f, "colorspace", 2)
                bt709 = cs == _CS_BT709 or (cs not in _CS_BT601 and f.height >= 720)
                rgb = _yuv_to_rgb(ys, us, vs, full_range=full, bt709=bt709)
            else:
                rgb = f.reformat(width=w, height=h, format="rgb24").to_ndarray()
            self._cache[key] = _upright(rgb, self._cw, self._mirrored)
        return self._cache[key]

    def rgb(self, max_side: int = FRAME_MAX_SIDE) -> np.ndarray:
        """``(H, W, 3) uint8`` RGB, upright, long side at most ``max_side`` px."""
        key = ("c", max_side)
        if key not in self._cache:
            f = self._frame
            w, h = self._stored_fit(max_side)
            if (w, h) != (f.width, f.height):
                img = f.reformat(width=w, height=h, format="rgb24", interpolation="AREA").to_ndarray()
            else:
                img = f.to_ndarray(format="rgb24")
            self._cache[key] = _upright(img, self._cw, self._mirrored)
        return self._cache[key]


def _yuv_to_rgb(y: np.ndarray, u: np.ndarray, v: np.ndarray, *, full_range: bool, bt709: bool) -> np.ndarray:
    """YCbCr -> RGB (ITU-R BT.601 / BT.709 coefficients, limited or full range), uint8."""
    yf = y.astype(np.float32)
    cb = u.astype(np.float32) - 128.0
    cr = v.astype(np.float32) - 128.0
    if not full_range:
        yf = (yf - 16.0) * (255.0 / 219.0)
        cb *= 255.0 / 224.0
        cr *= 255.0 / 224.0
    kr, kb = (0.2126, 0.0722) if bt709 else (0.299, 0.114)
    kg = 1.0 - kr - kb
    r = yf + 2 * (1 - kr) * cr
    b = yf + 2 * (1 - kb) * cb
    g = (yf - kr * r - kb * b) / kg
    return np.clip(np.dstack([r, g, b]), 0, 255).astype(np.uint8)


# -------------------------------------------------------------------------- reader
class VideoReader:
    """An open video.  Use :func:`open_video` (a context manager).

    Attributes:
        name: file name.
        info: :class:`VideoInfo`.
        notes: plain-language remarks made while decoding (caps reached, cut short).
        seconds_decoded: time of the last frame handed out, seconds.
    """

    def __init__(self, name: str, data: bytes, settings: Settings | None = None):
        import av  # PyAV; imported here so a missing package is a typed error

        self.name = name
        self.settings = settings or Settings()
        self.notes: list[str] = []
        self.seconds_decoded = 0.0
        if not data:
            raise EmptyMediaError("This video file is empty.")
        limit = max(VIDEO_MAX_BYTES, self.settings.max_bytes)
        if len(data) > limit:
            raise FileTooLargeError("This video is too large to analyse.",
                                    hint="Please ask the customer for a shorter clip (under a minute).",
                                    detail=f"{len(data)} bytes > {limit}")
        kind = sniff(data)
        demuxer = _DEMUXERS.get(kind.format) if kind.kind == "video" else None
        if demuxer is None:
            raise UnsupportedFormatError("This file is not a video Telltale can open.",
                                         hint="Please ask the customer to send the video as MP4 (or a photo).",
                                         detail=f"sniffed {kind.kind} {kind.format or '?'}")
        self._av = av
        try:
            self._container = av.open(io.BytesIO(data), mode="r", format=demuxer,
                                      options={"probesize": "5000000"}, timeout=10.0)
        except av.error.FFmpegError as exc:
            raise CorruptMediaError("This video is damaged or was only partly received.",
                                    hint="Please ask the customer to send the video again.", detail=str(exc)) from exc
        except Exception as exc:  # noqa: BLE001 - anything else from a hostile file is "damaged"
            raise CorruptMediaError("This video is damaged or was only partly received.",
                                    hint="Please ask the customer to send the video again.", detail=repr(exc)) from exc
        try:
            self._open_stream(kind.format, len(data))
        except Exception:
            self.close()
            raise

    def _open_stream(self, container_name: str, size: int) -> None:
        c = self._container
        if not c.streams.video:
            raise NoVideoTrackError(detail=f"{container_name} with {len(c.streams.audio)} audio track(s)")
        st = c.streams.video[0]
        st.thread_type = "AUTO"
        cc = st.codec_context
        w, h = int(cc.width or 0), int(cc.height or 0)
        if w * h > self.settings.max_pixels:
            raise ImageTooLargeError("This video's picture is too large to analyse safely.",
                                     detail=f"{w}x{h}")
        dur = 0.0
        if st.duration and st.time_base:
            dur = float(st.duration * st.time_base)
        elif c.duration:
            dur = c.duration / 1_000_000.0
        rate = st.average_rate or st.guessed_rate
        fps = float(rate) if rate else 0.0
        if dur > HARD_MAX_SECONDS:
            raise VideoTooLongError(
                f"This video is {dur / 60:.0f} minutes long; Telltale analyses videos up to "
                f"{HARD_MAX_SECONDS / 60:.0f} minutes.", detail=f"{dur:.1f} s")
        cw, mirrored = 0, False
        tag = (st.metadata or {}).get("rotate")
        if tag:
            try:
                cw = int(round(float(tag) / 90.0)) % 4 * 90
            except ValueError:
                cw = 0
        self._stream = st
        self.info = VideoInfo(
            container=container_name, codec=cc.name or "", width=h if cw in (90, 270) else w,
            height=w if cw in (90, 270) else h, stored_size=(w, h), rotation=cw, mirrored=mirrored,
            duration_s=round(dur, 3), fps=round(fps, 3), n_frames=int(st.frames or 0),
            pixel_format=str(cc.pix_fmt or ""), has_audio=bool(c.streams.audio), size_bytes=size)

    # ------------------------------------------------------------------ iteration
    def frames(self, *, max_seconds: float = DEFAULT_MAX_SECONDS, max_frames: int = DEFAULT_MAX_FRAMES,
               max_fps: float = DEFAULT_MAX_FPS) -> Iterator[DecodedFrame]:
        """Decode frames in order, streaming.

        Args:
            max_seconds: stop after this many seconds of video (a note says so).
            max_frames: stop after handing out this many frames (a note says so).
            max_fps: hand out at most this many frames per second of video.

        Yields:
            :class:`DecodedFrame` (valid until the next one is requested).

        Raises:
            CorruptMediaError: no frame at all could be decoded.
        """
        av = self._av
        st = self._stream
        t_start = time.monotonic()
        min_dt = 1.0 / max_fps if max_fps and max_fps > 0 else 0.0
        n_out = 0
        t0: float | None = None
        last_t = -1e9
        rot: tuple[int, bool] | None = None
        decoded_any = False
        try:
            for i, frame in enumerate(self._container.decode(st)):
                decoded_any = True
                ft = frame.time
                if ft is None:
                    ft = i / (self.info.fps or 30.0)
                if t0 is None:
                    t0 = float(ft)
                t = float(ft) - t0
                if t > max_seconds:
                    total = self.info.duration_s
                    self.notes.append(
                        f"Only the first {max_seconds:.0f} s of this {total:.0f} s video were analysed."
                        if total else f"Only the first {max_seconds:.0f} s of this video were analysed.")
                    break
                if time.monotonic() - t_start > DECODE_WALL_LIMIT_S:
                    self.notes.append(f"Decoding took too long; the video was analysed up to {t:.1f} s.")
                    break
                if t - last_t < min_dt - 1e-6:
                    continue
                if n_out >= max_frames:
                    self.notes.append(f"Frame limit reached: the video was analysed up to {last_t:.1f} s.")
                    break
                if rot is None:
                    rot = _frame_rotation(frame, st)
                    self._set_rotation(*rot)
                last_t = t
                self.seconds_decoded = t
                yield DecodedFrame(n_out, t, frame, rot[0], rot[1])
                n_out += 1
        except av.error.FFmpegError as exc:
            if n_out == 0:
                raise CorruptMediaError("This video is damaged or was only partly received.",
                                        hint="Please ask the customer to send the video again.",
                                        detail=str(exc)) from exc
            self.notes.append(f"The video is damaged after {last_t:.1f} s; the part before was analysed.")
        total = self.info.duration_s
        if n_out and total and last_t < min(max_seconds, total) - max(1.0, 0.2 * total) \
                and not any("damaged" in n or "limit" in n or "too long" in n for n in self.notes):
            self.notes.append(f"The video stops at {last_t:.1f} s although it should last {total:.1f} s; "
                              "it may have been only partly received.")
        if n_out == 0:
            raise CorruptMediaError("No picture could be decoded from this video.",
                                    hint="Please ask the customer to send the video again.",
                                    detail="decoded frames" if decoded_any else "no frames")

    def _set_rotation(self, cw: int, mirrored: bool) -> None:
        w, h = self.info.stored_size
        self.info.rotation, self.info.mirrored = cw, mirrored
        self.info.width, self.info.height = (h, w) if cw in (90, 270) else (w, h)

    def close(self) -> None:
        c = getattr(self, "_container", None)
        if c is not None:
            try:
                c.close()
            except Exception:  # noqa: BLE001
                pass
            self._container = None

    def __enter__(self) -> "VideoReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_video(name: str, data: bytes, settings: Settings | None = None) -> VideoReader:
    """Open a video for streaming decoding (use as a context manager).

    Raises:
        EmptyMediaError, FileTooLargeError, UnsupportedFormatError (not a video container),
        NoVideoTrackError (sound only), ImageTooLargeError (frame over ``settings.max_pixels``),
        VideoTooLongError (over :data:`HARD_MAX_SECONDS`), CorruptMediaError.
    """
    return VideoReader(name, data, settings)


def probe_video(name: str, data: bytes, settings: Settings | None = None) -> VideoInfo:
    """Header information of a video (rotation from the stream tag; the frame's display
    matrix is applied once the first frame is decoded, see :meth:`VideoReader.frames`).

    Raises: as :func:`open_video`.
    """
    with open_video(name, data, settings) as vr:
        for _ in vr.frames(max_frames=1):
            break
        return vr.info


def iter_video_frames(name: str, data: bytes, settings: Settings | None = None, *,
                      max_seconds: float = DEFAULT_MAX_SECONDS, max_frames: int = DEFAULT_MAX_FRAMES,
                      max_fps: float = DEFAULT_MAX_FPS, max_side: int = FRAME_MAX_SIDE,
                      notes: list[str] | None = None) -> Iterator[tuple[float, np.ndarray]]:
    """Yield ``(timestamp_s, rgb)`` for the frames of a video, streaming.

    Args:
        name: file name (for messages).
        data: the file's bytes.
        settings: limits (``max_bytes``, ``max_pixels``).
        max_seconds: analyse at most this many seconds (a note is appended to ``notes``).
        max_frames: hand out at most this many frames.
        max_fps: at most this many frames per second of video.
        max_side: long side of the frames handed out, pixels (downscaled with area averaging).
        notes: optional list that receives the reader's notes when iteration ends.

    Yields:
        ``(t, rgb)``: seconds from the first frame, and an upright ``(H, W, 3) uint8`` RGB
        array at display orientation (a 720x1280 stored frame with a 90 degree display
        matrix comes out 1280x720, downscaled to ``max_side``).

    Raises:
        As :func:`open_video`; :class:`CorruptMediaError` when no frame decodes.
    """
    with open_video(name, data, settings) as vr:
        try:
            for f in vr.frames(max_seconds=max_seconds, max_frames=max_frames, max_fps=max_fps):
                yield f.t, f.rgb(max_side)
        finally:
            if notes is not None:
                notes.extend(vr.notes)
