"""Synthetic seven-segment display renders for tests and the benchmark.

Two independent generators so we do not tune to one font:

* :func:`render_dseg` draws text with the DSEG7/DSEG14 fonts (Debian ``fonts-dseg``).
* :func:`render_poly` draws segments as polygons with our own geometry: hexagonal,
  rectangular or rounded segments, any thickness, gap, slant and spacing.

:func:`degrade` adds photo-like damage (blur, noise, JPEG, lighting gradient, rotation).
All return ``(H, W, 3) uint8`` RGB arrays.
"""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

DSEG_DIR = Path("/usr/share/fonts/truetype/dseg")

# character -> lit segments (our own table for the generator, written independently
# of the decoder's table)
CHAR_SEGS = {
    "0": "abcdef", "1": "bc", "2": "abdeg", "3": "abcdg", "4": "bcfg", "5": "acdfg",
    "6": "acdefg", "7": "abc", "8": "abcdefg", "9": "abcdfg", "A": "abcefg", "b": "cdefg",
    "C": "adef", "c": "deg", "d": "bcdeg", "E": "adefg", "F": "aefg", "H": "bcefg",
    "h": "cefg", "L": "def", "n": "ceg", "o": "cdeg", "P": "abefg", "r": "eg",
    "U": "bcdef", "u": "cde", "t": "defg", "y": "bcdfg", "J": "bcde", "-": "g", " ": "",
}


def dseg_font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(DSEG_DIR / f"{name}.ttf"), size)


def _dseg_text(text: str) -> str:
    # DSEG draws a space as a narrow gap; "!" is the full-width blank digit.
    return text.replace(" ", "!")


def render_dseg(text: str, font: str = "DSEG7Classic-Regular", size: int = 80,
                fg=(20, 20, 20), bg=(235, 235, 225), ghost=None, pad: float = 0.25) -> np.ndarray:
    """Render ``text`` in a DSEG font; ``ghost`` colour draws unlit "8" segments under it."""
    f = dseg_font(font, size)
    t = _dseg_text(text)
    l, tp, r, b = f.getbbox(t)
    px, py = int(pad * size) + 2, int(pad * size) + 2
    im = Image.new("RGB", (r - l + 2 * px, b - tp + 2 * py), bg)
    d = ImageDraw.Draw(im)
    if ghost is not None:
        g = "".join("8" if ch not in ".:" else ch for ch in t.replace("!", "8"))
        d.text((px - l, py - tp), g, font=f, fill=ghost)
    d.text((px - l, py - tp), t, font=f, fill=fg)
    return np.asarray(im)


def _seg_polys(shape: str, w: float, h: float, t: float, gap: float) -> dict[str, np.ndarray]:
    """Segment polygons for a digit box ``w`` x ``h`` with stroke ``t`` and ``gap``."""
    hh = h / 2
    polys = {}

    def hseg(y, x0, x1):
        if shape != "hex":
            x0, x1 = x0 + t / 2, x1 - t / 2  # rectangular bars sit between the verticals
        if shape == "hex":
            return np.array([[x0, y], [x0 + t / 2, y - t / 2], [x1 - t / 2, y - t / 2], [x1, y],
                             [x1 - t / 2, y + t / 2], [x0 + t / 2, y + t / 2]])
        return np.array([[x0 + t * 0.15, y - t / 2], [x1 - t * 0.15, y - t / 2],
                         [x1 - t * 0.15, y + t / 2], [x0 + t * 0.15, y + t / 2]])

    def vseg(x, y0, y1):
        if shape == "hex":
            return np.array([[x, y0], [x + t / 2, y0 + t / 2], [x + t / 2, y1 - t / 2], [x, y1],
                             [x - t / 2, y1 - t / 2], [x - t / 2, y0 + t / 2]])
        return np.array([[x - t / 2, y0 + t * 0.15], [x + t / 2, y0 + t * 0.15],
                         [x + t / 2, y1 - t * 0.15], [x - t / 2, y1 - t * 0.15]])

    xl, xr = t / 2, w - t / 2
    yt, ym, yb = t / 2, hh, h - t / 2
    polys["a"] = hseg(yt, xl + gap, xr - gap)
    polys["g"] = hseg(ym, xl + gap, xr - gap)
    polys["d"] = hseg(yb, xl + gap, xr - gap)
    polys["f"] = vseg(xl, yt + gap, ym - gap)
    polys["b"] = vseg(xr, yt + gap, ym - gap)
    polys["e"] = vseg(xl, ym + gap, yb - gap)
    polys["c"] = vseg(xr, ym + gap, yb - gap)
    return polys


def render_poly(text: str, digit_h: int = 80, aspect: float = 0.55, thick: float = 0.13,
                gap: float = 0.025, slant_deg: float = 0.0, shape: str = "hex",
                fg=(25, 25, 25), bg=(225, 230, 215), ghost=None, spacing: float = 0.3,
                pad: float = 0.3, ss: int = 3) -> np.ndarray:
    """Draw ``text`` with polygon segments.

    Args:
        text: characters from :data:`CHAR_SEGS` plus ``.`` and ``:``.
        digit_h: digit height, pixels.  ``aspect``: digit width / height.
        thick: stroke thickness / height.  ``gap``: segment gap / height.
        slant_deg: italic slant, degrees (top leans right).  ``shape``: ``hex`` |
            ``rect`` | ``round`` (rect with rounded look via blur at render).
        ghost: colour of unlit segments (None = invisible).
        spacing: gap between digit cells / digit height.  ``ss``: supersampling.
    """
    h = digit_h * ss
    w = aspect * h
    thick = min(thick, aspect / (4.0 if shape == "hex" else 5.0))  # bars longer than thick
    t, gp = thick * h, gap * h
    sp = spacing * h
    chars = []
    for ch in text:
        if ch in ".:" and chars:
            chars[-1] = (chars[-1][0], chars[-1][1] + ch)
        else:
            chars.append((ch, ""))
    n = len(chars)
    total_w = n * w + (n - 1) * sp + 0.25 * h * sum(1 for _, s in chars if ":" in s)
    P = pad * h
    slant = np.tan(np.deg2rad(slant_deg))
    W = int(total_w + 2 * P + slant * h) + 1
    Hh = int(h + 2 * P) + 1
    im = Image.new("RGB", (W, Hh), bg)
    d = ImageDraw.Draw(im)
    polys = _seg_polys("hex" if shape == "hex" else "rect", w, h, t, gp)
    x = P
    for ch, suf in chars:
        lit = CHAR_SEGS.get(ch, "")
        for name, poly in polys.items():
            col = fg if name in lit else ghost
            if col is None:
                continue
            pts = poly.copy()
            pts[:, 0] += x + (h - pts[:, 1]) * slant
            pts[:, 1] += P
            d.polygon([tuple(p) for p in pts], fill=col)
        dr = t * 0.6
        if "." in suf:
            cx, cy = x + w + sp * 0.45, P + h - t / 2
            d.ellipse([cx - dr, cy - dr, cx + dr, cy + dr], fill=fg)
        elif ghost is not None:
            cx, cy = x + w + sp * 0.45, P + h - t / 2
            d.ellipse([cx - dr, cy - dr, cx + dr, cy + dr], fill=ghost)
        if ":" in suf:
            cx = x + w + sp * 0.5 + 0.125 * h
            for cy in (P + 0.3 * h, P + 0.7 * h):
                cxx = cx + (h - (cy - P)) * slant
                d.ellipse([cxx - dr, cy - dr, cxx + dr, cy + dr], fill=fg)
            x += 0.25 * h
        x += w + sp
    im = im.resize((max(1, W // ss), max(1, Hh // ss)), Image.LANCZOS)
    arr = np.asarray(im)
    if shape == "round":
        arr = cv2.GaussianBlur(arr, (0, 0), max(0.6, digit_h * thick * 0.15))
    return arr


def degrade(rgb: np.ndarray, rng: np.random.Generator, blur: float = 0.0, noise: float = 0.0,
            jpeg: int | None = None, gradient: float = 0.0, rotate: float = 0.0) -> np.ndarray:
    """Photo-like damage: Gaussian blur (sigma px), additive noise (std grey levels),
    a linear lighting gradient (fraction of brightness), rotation (degrees), JPEG."""
    im = rgb.astype(np.float32)
    h, w = im.shape[:2]
    if rotate:
        m = cv2.getRotationMatrix2D((w / 2, h / 2), rotate, 1.0)
        im = cv2.warpAffine(im, m, (w, h), borderMode=cv2.BORDER_REPLICATE)
    if gradient:
        ramp = np.linspace(1.0 - gradient, 1.0, w, dtype=np.float32)[None, :, None]
        im = im * ramp
    if blur:
        im = cv2.GaussianBlur(im, (0, 0), blur)
    if noise:
        im = im + rng.normal(0, noise, im.shape).astype(np.float32)
    out = np.clip(im, 0, 255).astype(np.uint8)
    if jpeg:
        buf = io.BytesIO()
        Image.fromarray(out).save(buf, format="JPEG", quality=int(jpeg))
        out = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))
    return out
