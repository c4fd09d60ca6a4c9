"""Decode one still image into the pipeline's single in-memory form.

:func:`load_image` turns uploaded bytes into a :class:`~diagnostics.schema.DecodedImage`
whose ``rgb`` is an upright ``(H, W, 3) uint8`` RGB array with no metadata.  The steps,
in order (each failure is a typed :class:`~diagnostics.errors.MediaError` whose
``user_message`` says what happened and whose ``hint`` says what to ask the customer):

1. empty input                       -> :class:`EmptyMediaError`
2. byte size over ``max_bytes``      -> :class:`FileTooLargeError`
3. sniff the content (names ignored); video / audio / unknown -> :class:`UnsupportedFormatError`
4. read the pixel size from the header only (lazy open) and compare with
   ``max_pixels`` before any pixel is decoded -> :class:`ImageTooLargeError`
5. decode (HEIC/HEIF through pillow-heif, AVIF through Pillow); truncated or damaged
   data -> :class:`CorruptMediaError` (Pillow's global ``LOAD_TRUNCATED_IMAGES`` is
   put back to False if anything set it, so a half-received photo is never read as a
   half-grey one)
6. animated GIF / WebP / APNG / AVIF: the most detailed of up to
   :data:`MAX_SAMPLED_FRAMES` evenly spaced frames (a blank first frame is skipped)
7. EXIF orientation applied (``ImageOps.exif_transpose``)
8. any mode (1, L, P, LA, PA, RGBA, CMYK, YCbCr, I;16, I, F) -> RGB; transparency
   composited on white; 16-bit samples scaled to 8 bits (not clipped)
9. images over :data:`DECODE_MAX_PIXELS` are downscaled by an integer factor
   (JPEG: in the DCT with ``draft()``, so the full size is never held in memory)

``DecodedImage.original_size`` is the upright size of the file; when it differs from
the ``rgb`` shape the image was downscaled in step 9, and
:func:`decode_scale` gives the factor to map ``rgb`` pixels back to file pixels.
"""

from __future__ import annotations

import io
import math
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError, features

from ..config import Settings
from ..errors import (
    CorruptMediaError,
    EmptyMediaError,
    FileTooLargeError,
    ImageTooLargeError,
    UnsupportedFormatError,
)
from ..schema import DecodedImage
from .sniff import MediaType, sniff

__all__ = ["load_image", "decode_scale", "DECODE_MAX_PIXELS", "MAX_SAMPLED_FRAMES"]

DECODE_MAX_PIXELS = 40_000_000
"""Images larger than this (width * height, pixels) are downscaled while decoding, to
cap memory; 40 MP keeps every phone camera photo up to ~40 MP at full resolution
(12-50 MP sensors usually bin to 12 MP output)."""

MAX_SAMPLED_FRAMES = 10
"""Animated images: at most this many evenly spaced frames are scored."""

_FRAME_SAMPLING_SECONDS = 3.0
"""Wall-clock budget for scoring animation frames; sampling stops when it is spent."""

_FRAME_SAMPLING_PIXELS = 200_000_000
"""Pixel budget (frames * width * height) for scoring animation frames."""

_MB = 1024 * 1024

# Sniffed format -> Pillow plugin names to try, in order.
_PIL_FORMATS: dict[str, tuple[str, ...]] = {
    "JPEG": ("JPEG",),
    "PNG": ("PNG",),
    "WEBP": ("WEBP",),
    "GIF": ("GIF",),
    "BMP": ("BMP",),
    "TIFF": ("TIFF",),
    "HEIF": ("HEIF", "AVIF"),
    "AVIF": ("AVIF", "HEIF"),
}
_ANIMATED_FORMATS = {"GIF", "WEBP", "PNG", "AVIF"}
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError,
                  TypeError, KeyError, zlib.error, RuntimeError)

# Image.MAX_IMAGE_PIXELS is a Pillow global; we lift it (under a lock, only while
# Pillow reads a header) because our own limit, Settings.max_pixels, is checked
# right after and may differ from Pillow's.
_PIL_LIMIT_LOCK = threading.Lock()
_HEIF_LOCK = threading.Lock()
_heif_registered: bool | None = None

_FORMAT_WORDS = {
    "PDF": "a PDF document",
    "ZIP": "a ZIP archive",
    "TEXT": "a text file",
    "SVG": "an SVG drawing",
}


def load_image(name: str, data: bytes, settings: Settings | None = None, *,
               decode_max_pixels: int = DECODE_MAX_PIXELS) -> DecodedImage:
    """Decode a customer's still image, identified by content, into upright RGB.

    Args:
        name: file name as uploaded (a label only; the format comes from the bytes).
        data: the raw file bytes.
        settings: limits ``max_bytes`` (bytes) and ``max_pixels`` (width * height,
            pixels); default :meth:`Settings.from_env`.
        decode_max_pixels: images over this many pixels are downscaled by an integer
            factor (default :data:`DECODE_MAX_PIXELS`).

    Returns:
        :class:`DecodedImage` with ``rgb`` a writable, C-contiguous ``(H, W, 3) uint8``
        RGB array (EXIF orientation applied, transparency on white, no metadata),
        ``format`` the sniffed format (``"JPEG"``, ``"HEIF"``, ...), ``original_size``
        the upright ``(width, height)`` of the file in pixels, and for animations the
        chosen ``frame_index`` and ``n_frames``.

    Raises:
        EmptyMediaError: ``data`` is empty.
        FileTooLargeError: ``len(data) > settings.max_bytes``.
        UnsupportedFormatError: video, audio, or not a supported image format.
        ImageTooLargeError: header says ``width * height > settings.max_pixels``
            (raised before decoding; no large allocation happens).
        CorruptMediaError: truncated or damaged image data.
    """
    settings = settings or Settings.from_env()
    label = f"'{name}'" if name else "This file"
    if not data:
        raise EmptyMediaError(f"{label} is empty (0 bytes); it was probably not fully sent or received.")
    if len(data) > settings.max_bytes:
        raise FileTooLargeError(
            f"{label} is {len(data) / _MB:.1f} MB, over the {settings.max_bytes / _MB:.0f} MB limit for one file."
        )

    media = sniff(data)
    _refuse_non_image(label, media)

    im = _open(label, data, media.format)
    try:
        return _decode(name, label, im, media, settings, decode_max_pixels)
    finally:
        im.close()


def decode_scale(image: DecodedImage) -> float:
    """Factor from ``image.rgb`` pixels to upright file pixels (1.0 when not downscaled).

    Multiply a coordinate measured on ``rgb`` by this to express it in
    ``original_size`` pixels (the coordinate frame of :data:`diagnostics.schema.BBox`).
    """
    if not image.original_size[0] or not image.width:
        return 1.0
    return image.original_size[0] / image.width


# --------------------------------------------------------------------------- steps


def _refuse_non_image(label: str, media: MediaType) -> None:
    if media.kind == "video":
        raise UnsupportedFormatError(
            f"{label} is a video ({media.format}), not a still photo. Videos are analysed by a "
            "separate video step, not by the photo reader.",
            hint="If the video cannot be analysed, please ask the customer for a still photo of the "
                 "display while it shows the code.",
        )
    if media.kind == "audio":
        raise UnsupportedFormatError(
            f"{label} is an audio recording ({media.format}), such as a voice note, not a photo. "
            "Voice notes are handled separately from photos.",
            hint="If the recording cannot be used, please ask the customer to type the code shown "
                 "on the display or to send a photo of it.",
        )
    if media.kind != "image":
        what = _FORMAT_WORDS.get(media.format, "not an image format Telltale can read")
        hint = "Please ask the customer to send a photo or screenshot of the display (JPEG, PNG, HEIC or WebP)."
        if media.format == "ZIP":
            hint += " If this is a chat export, import it as a conversation instead."
        raise UnsupportedFormatError(f"{label}: format not supported ({what}).", hint=hint)


@contextmanager
def _pillow_bomb_check_lifted() -> Iterator[None]:
    """Let Pillow parse a header of any size; our own ``max_pixels`` check follows."""
    with _PIL_LIMIT_LOCK:
        saved = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = None
        try:
            yield
        finally:
            Image.MAX_IMAGE_PIXELS = saved


def _ensure_heif() -> bool:
    """Register pillow-heif's opener with Pillow once per process; False if missing."""
    global _heif_registered
    with _HEIF_LOCK:
        if _heif_registered is None:
            try:
                import pillow_heif

                pillow_heif.register_heif_opener()
                _heif_registered = True
            except ImportError:
                _heif_registered = False
        return _heif_registered


def _plugin_available(pil_format: str) -> bool:
    if pil_format == "HEIF":
        return _ensure_heif()
    if pil_format == "AVIF":
        return bool(features.check("avif"))
    if pil_format == "WEBP":
        return bool(features.check("webp"))
    return True


def _open(label: str, data: bytes, fmt: str) -> Image.Image:
    """Lazy open: parses the header only; no pixel data is decoded."""
    if ImageFile.LOAD_TRUNCATED_IMAGES:  # someone flipped the global: refuse to guess
        ImageFile.LOAD_TRUNCATED_IMAGES = False
    candidates = [f for f in _PIL_FORMATS.get(fmt, ()) if _plugin_available(f)]
    if not candidates:
        raise UnsupportedFormatError(
            f"{label} is a {fmt} image, but this server has no {fmt} decoder installed.",
            hint="Please ask the customer to send the photo as JPEG (on an iPhone: Settings > Camera > "
                 "Formats > Most Compatible, or share it as a screenshot).",
        )
    error: BaseException | None = None
    for pil_format in candidates:
        try:
            with _pillow_bomb_check_lifted():
                return Image.open(io.BytesIO(data), formats=[pil_format])
        except (UnidentifiedImageError, *_DECODE_ERRORS) as e:
            error = e
    raise CorruptMediaError(
        f"{label} looks like a {fmt} image, but its header is damaged, so it cannot be opened.",
        detail=f"{type(error).__name__}: {error}",
    )


def _decode(name: str, label: str, im: Image.Image, media: MediaType, settings: Settings,
            decode_max_pixels: int) -> DecodedImage:
    width, height = im.size
    if width * height > settings.max_pixels:
        raise ImageTooLargeError(
            f"{label} is {width} x {height} pixels ({width * height / 1e6:.0f} megapixels), over the "
            f"{settings.max_pixels / 1e6:.0f}-megapixel limit, so it was not opened."
        )
    if width < 1 or height < 1:
        raise CorruptMediaError(f"{label} says it has no pixels ({width} x {height}).")

    try:
        frame_index, n_frames = 0, 1
        if media.format in _ANIMATED_FORMATS and getattr(im, "is_animated", False):
            n_frames = int(im.n_frames)
            frame_index = _pick_frame(im, n_frames)
            im.seek(frame_index)
        elif media.format == "JPEG" and width * height > decode_max_pixels:
            k = _reduction_factor(width, height, decode_max_pixels, choices=(2, 4, 8))
            im.draft(None, (math.ceil(width / k), math.ceil(height / k)))
        im.load()
        original = _upright_size(im, width, height)
        _exif_transpose(im)
        if im.width * im.height > decode_max_pixels:
            im = _downscale(im, decode_max_pixels)
        rgb_image = _to_rgb(im)
        rgb = np.array(rgb_image, dtype=np.uint8)  # own, writable copy; PIL object dropped
    except Image.DecompressionBombError as e:
        raise ImageTooLargeError(
            f"{label} has too many pixels to decode safely ({width} x {height}).", detail=str(e)
        ) from e
    except MemoryError as e:
        raise ImageTooLargeError(f"{label} ({width} x {height} pixels) needs more memory than is available.") from e
    except _DECODE_ERRORS as e:
        raise CorruptMediaError(
            f"{label} is a {media.format} image that is damaged or was only partly received.",
            detail=f"{type(e).__name__}: {e}",
        ) from e

    if rgb.ndim != 3 or rgb.shape[2] != 3 or not rgb.flags.c_contiguous:  # pragma: no cover - defensive
        rgb = np.ascontiguousarray(rgb.reshape(rgb.shape[0], rgb.shape[1], -1)[:, :, :3])
    return DecodedImage(rgb=rgb, format=media.format, name=name, original_size=original,
                        frame_index=frame_index, n_frames=n_frames)


# ------------------------------------------------------------------------- helpers


def _reduction_factor(width: int, height: int, limit: int, choices=None) -> int:
    """Smallest integer factor k (from ``choices`` if given) with (w/k)*(h/k) <= limit."""
    k = max(1, math.ceil(math.sqrt(width * height / limit)))
    while math.ceil(width / k) * math.ceil(height / k) > limit:
        k += 1
    if choices:
        fitting = [c for c in choices if c >= k]
        k = fitting[0] if fitting else max(choices)
    return k


def _upright_size(im: Image.Image, width: int, height: int) -> tuple[int, int]:
    """File size (header, before any draft reduction) in upright orientation."""
    try:
        orientation = im.getexif().get(0x0112, 1)
    except Exception:  # malformed EXIF: treated as no orientation, as in _exif_transpose
        orientation = 1
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def _exif_transpose(im: Image.Image) -> None:
    """Apply the EXIF orientation in place; damaged EXIF is ignored, not fatal."""
    try:
        ImageOps.exif_transpose(im, in_place=True)
    except (SyntaxError, ValueError, TypeError, KeyError, struct.error, IndexError, OSError):
        pass


def _downscale(im: Image.Image, limit: int) -> Image.Image:
    """Integer-factor box downscale (``Image.reduce``) to at most ``limit`` pixels.

    Modes ``reduce`` cannot average (palette, 1-bit, 16-bit, CMYK ...) are converted
    first."""
    k = _reduction_factor(im.width, im.height, limit)
    if im.mode == "1":
        im = im.convert("L")
    elif im.mode.startswith(("I", "F")):
        im = _high_depth_to_l(im)
    elif im.mode not in ("RGB", "RGBA", "L", "LA"):
        im = im.convert("RGBA" if _has_alpha(im) else "RGB")
    return im.reduce(k)


def _has_alpha(im: Image.Image) -> bool:
    return im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        im.mode in ("P", "L", "RGB", "1", "I", "I;16") and "transparency" in im.info
    )


def _to_rgb(im: Image.Image) -> Image.Image:
    """Any Pillow mode -> ``"RGB"`` image (transparency composited on white)."""
    if im.mode == "RGB" and "transparency" not in im.info:
        return im
    if im.mode.startswith(("I", "F")):  # I, I;16, I;16B, I;16L, F
        im = _high_depth_to_l(im)
    if _has_alpha(im):
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return im.convert("RGB")


def _high_depth_to_l(im: Image.Image) -> Image.Image:
    """16-bit / 32-bit / float grey -> 8-bit ``"L"`` by scaling, never by clipping
    (Pillow's own ``convert("L")`` clips I;16 values above 255 to white)."""
    arr = np.asarray(im)
    if im.mode.startswith("I;16"):
        out = (arr.astype(np.uint32) * 255 + 32767) // 65535
    else:
        a = arr.astype(np.float64)
        lo, hi = float(a.min()), float(a.max())
        if im.mode == "F" and lo >= 0.0 and hi <= 1.0:
            out = a * 255.0
        elif lo >= 0 and hi <= 255:
            out = a
        elif lo >= 0 and hi <= 65535:
            out = a * (255.0 / 65535.0)
        else:
            out = (a - lo) * (255.0 / max(hi - lo, 1e-9))
        out = np.rint(out)
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8), mode="L")


def _frame_score(frame: Image.Image) -> float:
    """Detail of a frame: grey-level standard deviation plus mean absolute gradient,
    on a copy reduced to about 256 px (a blank frame scores 0)."""
    k = max(1, max(frame.size) // 256)
    small = _to_rgb(frame)
    if k > 1:
        small = small.reduce(k)
    g = np.asarray(small.convert("L"), dtype=np.float32)
    grad = 0.0
    if g.shape[1] > 1:
        grad += float(np.mean(np.abs(np.diff(g, axis=1))))
    if g.shape[0] > 1:
        grad += float(np.mean(np.abs(np.diff(g, axis=0))))
    return float(g.std()) + grad


def _pick_frame(im: Image.Image, n_frames: int) -> int:
    """Index of the most detailed frame among up to :data:`MAX_SAMPLED_FRAMES`
    evenly spaced ones (earliest wins ties; blank frames are never preferred)."""
    per_frame = max(1, im.width * im.height)
    k = max(1, min(n_frames, MAX_SAMPLED_FRAMES, _FRAME_SAMPLING_PIXELS // per_frame))
    if k == 1:
        indices = [0]
    else:
        indices = sorted({round(i * (n_frames - 1) / (k - 1)) for i in range(k)})
    best_index, best_score = 0, -1.0
    start = time.monotonic()
    for i in indices:
        im.seek(i)
        im.load()
        score = _frame_score(im)
        if score > best_score + 1e-6:
            best_index, best_score = i, score
        if time.monotonic() - start > _FRAME_SAMPLING_SECONDS:
            break
    return best_index
