"""Camera and phone effects, and the encoders that turn a picture into a file.

Effects take and return ``(H, W, 3) uint8`` RGB arrays (pixels); they are deterministic
given the ``numpy.random.Generator`` passed in. Encoders return ``bytes``.

EXIF orientation (TIFF/EXIF tag 0x0112, values 1-8 per the EXIF 2.3 specification):
the stored pixels are turned so that a viewer applying the tag shows the upright picture.
Value 6 = "rotate 90 degrees clockwise to view", 8 = "rotate 90 counter-clockwise",
3 = "rotate 180". :func:`store_for_orientation` produces stored pixels from upright ones;
it is the inverse of ``PIL.ImageOps.exif_transpose``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from diagnostics.errors import ValidationError


def _f(img: np.ndarray) -> np.ndarray:
    return img.astype(np.float32)


def _u8(img: np.ndarray) -> np.ndarray:
    return np.clip(img, 0, 255).astype(np.uint8)


def add_glare(img: np.ndarray, rng: np.random.Generator, *, center: tuple[float, float] | None = None, radius: float = 0.05, strength: float = 0.6, streak: bool = True) -> np.ndarray:
    """Add a specular reflection (soft white blob, optionally a streak).

    Args:
        img: ``(H, W, 3) uint8``.
        center: ``(x, y)`` in pixels (``None``: random).
        radius: blob radius as a fraction of the image width.
        strength: peak added brightness as a fraction of white (1.0 saturates).
        streak: also add an elongated reflection through the blob.

    Returns:
        ``(H, W, 3) uint8``.
    """
    H, W = img.shape[:2]
    if center is None:
        center = (rng.uniform(0.1, 0.9) * W, rng.uniform(0.1, 0.9) * H)
    r = max(2.0, radius * W)
    yy, xx = np.ogrid[0:H, 0:W]
    d2 = ((xx - center[0]) ** 2 + (yy - center[1]) ** 2) / (r * r)
    g = np.exp(-d2).astype(np.float32)
    if streak:
        a = rng.uniform(0, np.pi)
        u = (xx - center[0]) * np.cos(a) + (yy - center[1]) * np.sin(a)
        v = -(xx - center[0]) * np.sin(a) + (yy - center[1]) * np.cos(a)
        g = np.maximum(g, 0.6 * np.exp(-(u / (3.5 * r)) ** 2 - (v / (0.35 * r)) ** 2).astype(np.float32))
    out = _f(img) + 255.0 * strength * g[..., None]
    return _u8(out)


def add_shadow(img: np.ndarray, rng: np.random.Generator, *, strength: float = 0.35) -> np.ndarray:
    """Darken a soft-edged random polygon (a hand or phone shadow). ``(H, W, 3) uint8``."""
    H, W = img.shape[:2]
    m = np.zeros((H, W), np.uint8)
    cx, cy = rng.uniform(0, W), rng.uniform(0, H)
    n = 6
    ang = np.sort(rng.uniform(0, 2 * np.pi, n))
    rad = rng.uniform(0.25, 0.6, n) * max(W, H)
    pts = np.stack([cx + rad * np.cos(ang), cy + rad * np.sin(ang)], 1).astype(np.int32)
    cv2.fillPoly(m, [pts], 255)
    m = cv2.GaussianBlur(m.astype(np.float32) / 255.0, (0, 0), 0.04 * max(W, H))
    return _u8(_f(img) * (1 - strength * m[..., None]))


def motion_blur(img: np.ndarray, length: float, angle_deg: float = 0.0) -> np.ndarray:
    """Linear motion blur of ``length`` pixels at ``angle_deg``. ``(H, W, 3) uint8``."""
    n = int(round(length))
    if n < 2:
        return img
    k = np.zeros((n, n), np.float32)
    k[n // 2, :] = 1.0
    M = cv2.getRotationMatrix2D(((n - 1) / 2, (n - 1) / 2), angle_deg, 1.0)
    k = cv2.warpAffine(k, M, (n, n))
    k /= max(1e-6, k.sum())
    return cv2.filter2D(img, -1, k, borderType=cv2.BORDER_REFLECT)


def defocus_blur(img: np.ndarray, radius: float) -> np.ndarray:
    """Out-of-focus blur with a disc kernel of ``radius`` pixels. ``(H, W, 3) uint8``."""
    r = int(round(radius))
    if r < 1:
        return img
    k = np.zeros((2 * r + 1, 2 * r + 1), np.float32)
    cv2.circle(k, (r, r), r, 1.0, -1)
    k /= k.sum()
    if r > 12:  # large kernels: blur a downscaled copy (same look, far faster)
        f = 8.0 / r
        H, W = img.shape[:2]
        small = cv2.resize(img, (max(1, int(W * f)), max(1, int(H * f))), interpolation=cv2.INTER_AREA)
        small = defocus_blur(small, 8)
        return cv2.resize(small, (W, H), interpolation=cv2.INTER_LINEAR)
    return cv2.filter2D(img, -1, k, borderType=cv2.BORDER_REFLECT)


def sensor_noise(img: np.ndarray, rng: np.random.Generator, *, sigma: float = 3.0, chroma: float = 0.5) -> np.ndarray:
    """Brightness-dependent luminance noise plus blotchy chroma noise.

    Args:
        sigma: noise standard deviation at mid-grey, 0-255 units.
        chroma: chroma noise as a fraction of ``sigma``.

    Returns:
        ``(H, W, 3) uint8``.
    """
    H, W = img.shape[:2]
    x = _f(img)
    lum = x.mean(2, keepdims=True)
    scale = sigma * np.sqrt(0.3 + lum / 128.0)
    n = rng.standard_normal((H, W, 1), dtype=np.float32) * scale
    if chroma > 0:
        c = rng.standard_normal((max(2, H // 4), max(2, W // 4), 3), dtype=np.float32)
        c = cv2.resize(c, (W, H), interpolation=cv2.INTER_LINEAR) * sigma * chroma
        n = n + c
    return _u8(x + n)


def vignette(img: np.ndarray, strength: float = 0.3) -> np.ndarray:
    """Darken the corners by up to ``strength`` (fraction). ``(H, W, 3) uint8``."""
    H, W = img.shape[:2]
    yy, xx = np.ogrid[0:H, 0:W]
    r2 = ((xx - W / 2) / (W / 2)) ** 2 + ((yy - H / 2) / (H / 2)) ** 2
    m = (1 - strength * np.clip(r2 / 2, 0, 1) ** 1.3).astype(np.float32)
    return _u8(_f(img) * m[..., None])


def exposure(img: np.ndarray, gain: float = 1.0, white_balance: tuple[float, float, float] = (1.0, 1.0, 1.0), gamma: float = 1.0) -> np.ndarray:
    """Global exposure gain, per-channel white balance and gamma. ``(H, W, 3) uint8``."""
    x = _f(img) / 255.0 * gain * np.array(white_balance, np.float32)
    x = np.clip(x, 0, 1) ** (1.0 / gamma)
    return _u8(x * 255.0)


def screen_moire(img: np.ndarray, rng: np.random.Generator, strength: float = 0.035) -> np.ndarray:
    """Faint moire bands and pixel-grid texture of a photographed LCD monitor."""
    H, W = img.shape[:2]
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    a = rng.uniform(0, np.pi)
    f = rng.uniform(0.02, 0.05)
    band = np.sin((xx * np.cos(a) + yy * np.sin(a)) * f * 2 * np.pi + 3 * np.sin(yy * 0.004))
    grid = 0.5 * (np.sin(xx * np.pi * 0.9) * np.sin(yy * np.pi * 0.9))
    m = 1 + strength * band + 0.03 * grid
    return _u8(_f(img) * m[..., None])


def jpeg_artifacts(img: np.ndarray, quality: int) -> np.ndarray:
    """Round-trip through JPEG at ``quality`` (an earlier re-compression)."""
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="JPEG", quality=int(quality))
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


@dataclass
class CameraSettings:
    """What the phone camera does to the scene (all optional).

    Attributes:
        defocus: disc blur radius, pixels.
        motion: motion blur length, pixels; ``motion_angle`` its direction in degrees.
        glare: list of ``(x, y, radius_frac, strength)`` specular spots; x, y in pixels
            (negative: random position).
        shadow: strength of a soft shadow (0 = none).
        noise: luminance noise sigma (0-255 units).
        vignette: corner darkening fraction.
        gain: exposure multiplier; ``white_balance`` per-channel factors.
    """

    defocus: float = 0.0
    motion: float = 0.0
    motion_angle: float = 0.0
    glare: tuple[tuple[float, float, float, float], ...] = ()
    shadow: float = 0.0
    noise: float = 2.5
    vignette: float = 0.25
    gain: float = 1.0
    white_balance: tuple[float, float, float] = (1.0, 1.0, 1.0)


def shoot(scene: np.ndarray, rng: np.random.Generator, cam: CameraSettings) -> np.ndarray:
    """Apply a :class:`CameraSettings` to an upright scene: light (glare, shadow),
    optics (defocus, motion, vignette), exposure, then sensor noise.

    Args:
        scene: ``(H, W, 3) uint8`` RGB.

    Returns:
        ``(H, W, 3) uint8`` RGB, same size.

    Raises:
        ValidationError: ``scene`` is not an ``(H, W, 3) uint8`` array.
    """
    if not (isinstance(scene, np.ndarray) and scene.ndim == 3 and scene.shape[2] == 3 and scene.dtype == np.uint8):
        raise ValidationError("The scene must be an (H, W, 3) uint8 RGB array.")
    img = scene
    for gx, gy, gr, gs in cam.glare:
        c = None if gx < 0 else (gx, gy)
        img = add_glare(img, rng, center=c, radius=gr, strength=gs)
    if cam.shadow > 0:
        img = add_shadow(img, rng, strength=cam.shadow)
    if cam.defocus > 0:
        img = defocus_blur(img, cam.defocus)
    if cam.motion > 0:
        img = motion_blur(img, cam.motion, cam.motion_angle)
    if cam.vignette > 0:
        img = vignette(img, cam.vignette)
    if cam.gain != 1.0 or cam.white_balance != (1.0, 1.0, 1.0):
        img = exposure(img, cam.gain, cam.white_balance)
    if cam.noise > 0:
        img = sensor_noise(img, rng, sigma=cam.noise)
    return img


# ---------------------------------------------------------------------------------------
# Orientation and encoders
# ---------------------------------------------------------------------------------------

_STORE = {1: None, 3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


def store_for_orientation(upright: np.ndarray, orientation: int) -> np.ndarray:
    """Turn upright pixels into the pixels a phone stores with EXIF ``orientation``.

    Args:
        upright: ``(H, W, 3) uint8``.
        orientation: 1, 3, 6 or 8.

    Returns:
        ``(H, W, 3)`` (1, 3) or ``(W, H, 3)`` (6, 8) uint8.

    Raises:
        ValidationError: unsupported orientation value.
    """
    if orientation not in _STORE:
        raise ValidationError(f"EXIF orientation {orientation} is not one of 1, 3, 6, 8.")
    t = _STORE[orientation]
    if t is None:
        return upright
    return np.asarray(Image.fromarray(upright).transpose(t))


def _exif(orientation: int | None) -> Image.Exif:
    ex = Image.Exif()
    ex[0x010F] = "Telltale"  # Make
    ex[0x0110] = "synth phone"  # Model
    ex[0x0131] = "telltale-synth"  # Software
    ex[0x0132] = "2026:11:28 14:03:11"  # DateTime
    if orientation is not None:
        ex[0x0112] = int(orientation)
    return ex


def encode_jpeg(img: np.ndarray, quality: int = 85, *, orientation: int | None = None, subsampling: int = 2) -> bytes:
    """Encode ``(H, W, 3) uint8`` pixels (as stored) to JPEG bytes with phone-like EXIF.

    Args:
        img: the stored pixels (already turned, see :func:`store_for_orientation`).
        quality: JPEG quality 1-95.
        orientation: EXIF orientation tag value to write (``None``: no tag).
        subsampling: Pillow chroma subsampling (2 = 4:2:0, as phones use).

    Returns:
        JPEG bytes.
    """
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="JPEG", quality=int(quality), subsampling=subsampling, exif=_exif(orientation).tobytes())
    return buf.getvalue()


def encode_heic(img: np.ndarray, quality: int = 80) -> bytes:
    """Encode ``(H, W, 3) uint8`` pixels to HEIC bytes (HEVC in HEIF, via pillow_heif).

    Raises:
        ValidationError: pillow_heif is not installed.
    """
    try:
        import pillow_heif
    except ImportError as e:  # pragma: no cover - installed in the venv
        raise ValidationError("HEIC encoding needs the pillow-heif package.") from e
    h = pillow_heif.from_bytes(mode="RGB", size=(img.shape[1], img.shape[0]), data=np.ascontiguousarray(img).tobytes())
    buf = io.BytesIO()
    h.save(buf, quality=int(quality))
    return buf.getvalue()
