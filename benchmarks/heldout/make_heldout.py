"""Held-out photo benchmark generator, independent of ``synth/`` and
``scripts/make_sample_media.py`` (it shares no code and no rendering choices with them).

Run:  ``.venv/bin/python benchmarks/heldout/make_heldout.py [OUT_DIR]``
(default ``benchmarks/heldout/media``).  Writes JPEG photos plus ``expected.csv`` with
columns ``path,expected,notes``; ``expected`` is the error code shown, or empty when the
photo shows no error code (or is too degraded to read: note starts with ``abstain``).

How a photo is made (all randomness from ``numpy.random.default_rng(seed)`` per image,
so the output is reproducible):

1. a *display glass* image is drawn: seven-segment digits with our own segment geometry
   (mitred trapezoids, bevelled octagons, very thin bars, fat round-capped strokes, LED
   dot-chains), 5x7 dot-matrix characters made of round dots, or TrueType text
   (DSEG7 Modern Mini, DSEG7 Classic Mini Light, DSEG14, Liberation Mono, DejaVu Serif);
   unlit segments can be left faintly visible ("ghost" segments), LEDs/VFDs glow;
2. the glass is set into an appliance panel (plastic colour, shading, printed labels,
   buttons), the panel is projected into a scene with a 3-D pose (yaw/pitch/roll, pinhole
   focal length ~1.1x frame width) so perspective is real, not an affine shear;
3. camera effects: vignetting, exposure/gamma, specular reflection bands, moire beat
   pattern, motion or defocus blur, sensor noise, phone sharpening, saturation boost,
   dust, and JPEG at the stated quality (4:2:0 chroma, like phone encoders).

Units: all sizes are pixels, angles degrees, images ``(H, W, 3)`` float32 RGB in [0, 1]
while rendering and uint8 RGB when saved.
"""

from __future__ import annotations

import csv
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype")
FONTS = {
    "dseg7_modern_mini": FONT_DIR / "dseg/DSEG7ModernMini-Regular.ttf",
    "dseg7_classic_mini_light": FONT_DIR / "dseg/DSEG7ClassicMini-Light.ttf",
    "dseg14_modern": FONT_DIR / "dseg/DSEG14Modern-Regular.ttf",
    "lib_mono": FONT_DIR / "liberation/LiberationMono-Regular.ttf",
    "lib_mono_bold": FONT_DIR / "liberation/LiberationMono-Bold.ttf",
    "lib_serif": FONT_DIR / "liberation/LiberationSerif-Regular.ttf",
    "lib_sans": FONT_DIR / "liberation/LiberationSans-Regular.ttf",
    "lib_sans_bold": FONT_DIR / "liberation/LiberationSans-Bold.ttf",
    "dejavu_serif": FONT_DIR / "dejavu/DejaVuSerif.ttf",
    "dejavu_serif_bold": FONT_DIR / "dejavu/DejaVuSerif-Bold.ttf",
}

# Seven-segment character map (segments a..g, standard labelling: a top, b upper right,
# c lower right, d bottom, e lower left, f upper left, g middle).  Letter shapes follow the
# common appliance conventions (b, d, n, o, r, t, u lower-case forms).
SEVEN = {
    "0": "abcdef", "1": "bc", "2": "abdeg", "3": "abcdg", "4": "bcfg", "5": "acdfg",
    "6": "acdefg", "7": "abc", "8": "abcdefg", "9": "abcdfg", "A": "abcefg", "b": "cdefg",
    "C": "adef", "c": "deg", "d": "bcdeg", "E": "adefg", "F": "aefg", "H": "bcefg",
    "I": "ef", "i": "bc", "L": "def", "n": "ceg", "O": "abcdef", "o": "cdeg", "P": "abefg",
    "r": "eg", "S": "acdfg", "t": "defg", "U": "bcdef", "u": "cde", "-": "g", " ": "",
}

# 5x7 dot-matrix glyphs (our own drawing of the usual character-LCD shapes).
DOT5X7 = {
    "0": [" ### ", "#   #", "#  ##", "# # #", "##  #", "#   #", " ### "],
    "1": ["  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "],
    "2": [" ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####"],
    "3": ["#####", "   # ", "  #  ", "   # ", "    #", "#   #", " ### "],
    "4": ["   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # "],
    "5": ["#####", "#    ", "#### ", "    #", "    #", "#   #", " ### "],
    "6": ["  ## ", " #   ", "#    ", "#### ", "#   #", "#   #", " ### "],
    "7": ["#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   "],
    "8": [" ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### "],
    "9": [" ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  "],
    "A": [" ### ", "#   #", "#   #", "#####", "#   #", "#   #", "#   #"],
    "B": ["#### ", "#   #", "#   #", "#### ", "#   #", "#   #", "#### "],
    "C": [" ### ", "#   #", "#    ", "#    ", "#    ", "#   #", " ### "],
    "D": ["###  ", "#  # ", "#   #", "#   #", "#   #", "#  # ", "###  "],
    "E": ["#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#####"],
    "F": ["#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#    "],
    "G": [" ### ", "#   #", "#    ", "# ###", "#   #", "#   #", " ####"],
    "H": ["#   #", "#   #", "#   #", "#####", "#   #", "#   #", "#   #"],
    "I": [" ### ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "],
    "J": ["  ###", "   # ", "   # ", "   # ", "   # ", "#  # ", " ##  "],
    "K": ["#   #", "#  # ", "# #  ", "##   ", "# #  ", "#  # ", "#   #"],
    "L": ["#    ", "#    ", "#    ", "#    ", "#    ", "#    ", "#####"],
    "M": ["#   #", "## ##", "# # #", "# # #", "#   #", "#   #", "#   #"],
    "N": ["#   #", "#   #", "##  #", "# # #", "#  ##", "#   #", "#   #"],
    "O": [" ### ", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "],
    "P": ["#### ", "#   #", "#   #", "#### ", "#    ", "#    ", "#    "],
    "R": ["#### ", "#   #", "#   #", "#### ", "# #  ", "#  # ", "#   #"],
    "S": [" ####", "#    ", "#    ", " ### ", "    #", "    #", "#### "],
    "T": ["#####", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  "],
    "U": ["#   #", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "],
    "V": ["#   #", "#   #", "#   #", "#   #", "#   #", " # # ", "  #  "],
    "W": ["#   #", "#   #", "#   #", "# # #", "# # #", "# # #", " # # "],
    "Y": ["#   #", "#   #", " # # ", "  #  ", "  #  ", "  #  ", "  #  "],
    ".": ["     ", "     ", "     ", "     ", "     ", " ##  ", " ##  "],
    ":": ["     ", " ##  ", " ##  ", "     ", " ##  ", " ##  ", "     "],
    "-": ["     ", "     ", "     ", "#####", "     ", "     ", "     "],
    "/": ["     ", "    #", "   # ", "  #  ", " #   ", "#    ", "     "],
    " ": ["     "] * 7,
}


def _rgb(hexstr: str) -> np.ndarray:
    """``"#rrggbb"`` -> ``(3,) float32`` in [0, 1]."""
    h = hexstr.lstrip("#")
    return np.array([int(h[i:i + 2], 16) / 255.0 for i in (0, 2, 4)], np.float32)


# --------------------------------------------------------------------------- display glass
class Glass:
    """A display window being drawn.

    Holds two coverage masks, ``lit`` and ``ghost`` (``(H, W) float32`` in [0, 1]), and
    turns them into colour in :meth:`finish`.  ``bg``/``on`` are ``"#rrggbb"`` colours;
    ``ghost`` is the visibility of unlit segments (0 none .. 0.3 strong); ``glow`` the
    strength of the LED/VFD halo.
    """

    def __init__(self, w: int, h: int, bg: str, on: str, ghost: float = 0.0, glow: float = 0.0,
                 bg2: str | None = None):
        self.w, self.h = int(w), int(h)
        self.bg, self.on = _rgb(bg), _rgb(on)
        self.bg2 = _rgb(bg2) if bg2 else None
        self.ghost_a, self.glow = ghost, glow
        self.lit = np.zeros((self.h, self.w), np.float32)
        self.ghost = np.zeros((self.h, self.w), np.float32)

    # -- primitives
    def _poly(self, mask: np.ndarray, pts) -> None:
        p = np.round(np.asarray(pts, np.float64) * 16).astype(np.int32)
        tmp = np.zeros_like(mask, dtype=np.uint8)
        cv2.fillConvexPoly(tmp, p, 255, lineType=cv2.LINE_AA, shift=4)
        np.maximum(mask, tmp.astype(np.float32) / 255.0, out=mask)

    def _line(self, mask, p, q, t) -> None:
        tmp = np.zeros_like(mask, dtype=np.uint8)
        cv2.line(tmp, tuple(int(round(v * 16)) for v in p), tuple(int(round(v * 16)) for v in q),
                 255, max(1, int(round(t))), lineType=cv2.LINE_AA, shift=4)
        np.maximum(mask, tmp.astype(np.float32) / 255.0, out=mask)

    def _circle(self, mask, c, r) -> None:
        tmp = np.zeros_like(mask, dtype=np.uint8)
        cv2.circle(tmp, (int(round(c[0] * 16)), int(round(c[1] * 16))), int(round(r * 16)), 255, -1,
                   lineType=cv2.LINE_AA, shift=4)
        np.maximum(mask, tmp.astype(np.float32) / 255.0, out=mask)

    # -- seven segment
    def _segment(self, mask, p, q, nrm, t, gap, style):
        p, q, nrm = np.array(p, float), np.array(q, float), np.array(nrm, float)
        d = (q - p) / np.linalg.norm(q - p)
        h = t / 2
        if style == "trap":  # mitred trapezoid: outer edge long, inner edge short
            if not nrm.any():  # middle bar: pointed hexagon
                n = np.array([-d[1], d[0]])
                pts = [p + d * gap, p + d * (gap + h) + n * h, q - d * (gap + h) + n * h, q - d * gap,
                       q - d * (gap + h) - n * h, p + d * (gap + h) - n * h]
            else:
                pts = [p - d * (h - gap) + nrm * h, q + d * (h - gap) + nrm * h,
                       q - d * (h + gap) - nrm * h, p + d * (h + gap) - nrm * h]
            self._poly(mask, pts)
        elif style in ("bevel", "thin"):  # octagon with cut corners / plain thin bar
            n = np.array([-d[1], d[0]])
            a, b = p + d * (h + gap), q - d * (h + gap)
            c = h * (0.7 if style == "bevel" else 0.0)
            pts = [a + n * (h - c) - d * 0, a + d * c + n * h, b - d * c + n * h, b + n * (h - c),
                   b - n * (h - c), b - d * c - n * h, a + d * c - n * h, a - n * (h - c)]
            self._poly(mask, pts)
        elif style == "round":  # fat stroke with round caps
            a, b = p + d * (t * 0.6 + 2 * gap), q - d * (t * 0.6 + 2 * gap)
            self._line(mask, a, b, t)
        elif style == "dots":  # chain of LED dots
            a, b = p + d * (h + gap), q - d * (h + gap)
            n_dots = max(2, int(round(np.linalg.norm(b - a) / (t * 1.25))) + 1)
            for k in range(n_dots):
                self._circle(mask, a + (b - a) * k / (n_dots - 1), h * 0.85)
        else:
            raise ValueError(style)

    def seg(self, text: str, x: float, y: float, h: float, *, style: str = "trap", slant: float = 0.0,
            wr: float = 0.56, thick: float = 0.13, gap: float = 0.018, space: float = 0.28) -> float:
        """Draw seven-segment ``text`` with the top-left of the first cell at ``(x, y)``,
        digit height ``h`` px.  ``.`` adds a decimal point to the previous cell, ``:`` a
        colon, ``°`` a small degree box.  ``slant`` is the shear (dx per dy).  Returns the
        x after the last cell."""
        w, t, g = h * wr, h * thick, h * gap
        cx = x
        toks = re.findall(r"[^.:°]\.?|:|°", text)
        for tok in toks:
            ch = tok[0]
            if ch == ":":
                for fy in (0.3, 0.7):
                    self._dot_slanted(cx + t * 0.9, y, h, fy, t * 0.55, slant)
                cx += t * 2.2 + h * space * 0.3
                continue
            if ch == "°":
                self._seg_cell(self.lit, "abfg", cx, y, h * 0.45, w * 0.45, t * 0.7, g, style, slant)
                cx += w * 0.45 + h * space
                continue
            on = SEVEN[ch]
            self._seg_cell(self.ghost, "abcdefg", cx, y, h, w, t, g, style, slant)
            self._seg_cell(self.lit, on, cx, y, h, w, t, g, style, slant)
            dp = tok.endswith(".")
            px = cx + w + t * 0.55
            self._dot_slanted(px, y, h, 1.0 - t / h * 0.5, t * 0.55, slant, ghost_only=not dp)
            cx += w + h * space
        return cx

    def _dot_slanted(self, x, y, h, fy, r, slant, ghost_only=False):
        yy = y + h * fy
        xx = x + (y + h - yy) * slant
        self._circle(self.ghost, (xx, yy), r)
        if not ghost_only:
            self._circle(self.lit, (xx, yy), r)

    def _seg_cell(self, mask, on, x, y, h, w, t, g, style, slant):
        L, R, T, M, B = t / 2, w - t / 2, t / 2, h / 2, h - t / 2
        segs = {
            "a": ((L, T), (R, T), (0, -1)), "b": ((R, T), (R, M), (1, 0)), "c": ((R, M), (R, B), (1, 0)),
            "d": ((L, B), (R, B), (0, 1)), "e": ((L, M), (L, B), (-1, 0)), "f": ((L, T), (L, M), (-1, 0)),
            "g": ((L, M), (R, M), (0, 0)),
        }
        sub = np.zeros_like(mask)
        big = np.zeros((int(h + 4 * t) + 4, int(w + 4 * t + h * abs(slant)) + 4), np.float32)
        ox, oy = 2 * t + 2, 2 * t
        for s in on:
            p, q, n = segs[s]
            self._segment(big, (p[0] + ox, p[1] + oy), (q[0] + ox, q[1] + oy), n, t, g, style)
        # shear (slant) and paste
        Hh = big.shape[0]
        A = np.float32([[1, -slant, slant * (oy + h)], [0, 1, 0]])
        big = cv2.warpAffine(big, A, (big.shape[1], Hh), flags=cv2.INTER_LINEAR)
        x0, y0 = int(round(x - ox)), int(round(y - oy))
        x1, y1 = x0 + big.shape[1], y0 + Hh
        cx0, cy0, cx1, cy1 = max(x0, 0), max(y0, 0), min(x1, self.w), min(y1, self.h)
        if cx1 > cx0 and cy1 > cy0:
            region = big[cy0 - y0:cy1 - y0, cx0 - x0:cx1 - x0]
            np.maximum(mask[cy0:cy1, cx0:cx1], region, out=mask[cy0:cy1, cx0:cx1])
        del sub

    # -- dot matrix
    def dots(self, text: str, x: float, y: float, pitch: float, r_frac: float = 0.42) -> None:
        """5x7 dot-matrix characters of dot pitch ``pitch`` px; every dot position is drawn
        as a ghost (character LCDs show the unlit dot grid)."""
        for i, ch in enumerate(text):
            glyph = DOT5X7[ch]
            gx = x + i * 6 * pitch
            for row in range(7):
                for col in range(5):
                    c = (gx + col * pitch, y + row * pitch)
                    self._circle(self.ghost, c, pitch * r_frac)
                    if glyph[row][col] == "#":
                        self._circle(self.lit, c, pitch * r_frac)

    # -- TrueType
    def font(self, text: str, font: str, size: int, x: float, y: float, ghost: str | None = None,
             target: str = "lit") -> tuple[int, int]:
        """TrueType text in the display colour; ``ghost`` is drawn into the ghost mask first
        (e.g. ``"88.8"`` for DSEG fonts).  Returns the text's (width, height) px."""
        f = ImageFont.truetype(str(FONTS[font]), size)
        for txt, m in ((ghost, self.ghost), (text, self.lit if target == "lit" else self.ghost)):
            if not txt:
                continue
            im = Image.new("L", (self.w, self.h), 0)
            ImageDraw.Draw(im).text((x, y), txt, font=f, fill=255)
            np.maximum(m, np.asarray(im, np.float32) / 255.0, out=m)
        bb = f.getbbox(text)
        return bb[2] - bb[0], bb[3] - bb[1]

    def finish(self, rng) -> np.ndarray:
        """Compose colours -> ``(H, W, 3) float32`` RGB in [0, 1]."""
        yy = np.linspace(0, 1, self.h, dtype=np.float32)[:, None, None]
        bg = self.bg[None, None] * np.ones((self.h, self.w, 1), np.float32)
        if self.bg2 is not None:
            bg = bg * (1 - yy) + self.bg2[None, None] * yy
        ghost = self.ghost * (1 - self.lit) * self.ghost_a
        img = bg + (self.on - bg) * (self.lit[..., None] + ghost[..., None])
        if self.glow > 0:
            k = max(3, int(self.h * 0.04)) | 1
            halo = cv2.GaussianBlur(self.lit, (0, 0), k)
            img = img + self.on[None, None] * halo[..., None] * self.glow
            img = img + self.lit[..., None] * 0.15  # hot centre of LEDs
        img += rng.normal(0, 0.006, img.shape).astype(np.float32)
        return np.clip(img, 0, 1)


# --------------------------------------------------------------------------- panel & scene
@dataclass
class Pose:
    """Placement of the panel in the photo: ``width_frac`` of frame width covered by the
    panel, centre ``(cx, cy)`` as fractions, yaw/pitch/roll in degrees."""

    width_frac: float = 0.5
    cx: float = 0.5
    cy: float = 0.5
    yaw: float = 0.0
    pitch: float = 0.0
    roll: float = 0.0


def make_panel(glass: np.ndarray, colour: str, rng, *, margin: tuple[float, float, float, float] = (0.4, 0.5, 0.4, 0.6),
               labels: list[tuple[str, float, float, int]] = (), buttons: int = 3, bezel: str = "#111111",
               gloss: float = 0.08) -> np.ndarray:
    """Set the glass (``(h, w, 3) float32``) in an appliance panel.  ``margin`` is
    (left, top, right, bottom) in units of glass height.  ``labels`` are
    (text, x_frac, y_frac, size_px) printed in dark ink.  Returns ``(H, W, 3) float32``."""
    gh, gw = glass.shape[:2]
    ml, mt, mr, mb = (int(v * gh) for v in margin)
    H, W = gh + mt + mb, gw + ml + mr
    col = _rgb(colour)
    xx = np.linspace(-1, 1, W, dtype=np.float32)[None, :]
    yy = np.linspace(-1, 1, H, dtype=np.float32)[:, None]
    shade = 1.0 + 0.12 * (-yy) + 0.05 * xx * rng.uniform(-1, 1)
    panel = col[None, None] * shade[..., None]
    panel = panel + rng.normal(0, 0.01, (H // 8 + 1, W // 8 + 1, 3)).astype(np.float32).repeat(8, 0).repeat(8, 1)[:H, :W]
    b = max(2, int(gh * 0.06))
    cv2.rectangle(panel, (ml - b, mt - b), (ml + gw + b, mt + gh + b), tuple(float(v) for v in _rgb(bezel)), -1)
    panel[mt:mt + gh, ml:ml + gw] = glass
    # glass gloss: faint diagonal sheen on the window only
    gx = np.linspace(0, 1, gw, dtype=np.float32)[None, :]
    gy = np.linspace(0, 1, gh, dtype=np.float32)[:, None]
    sheen = np.exp(-((gx * 0.7 + gy * 0.5 - rng.uniform(0.3, 0.9)) / 0.12) ** 2) * gloss
    panel[mt:mt + gh, ml:ml + gw] += sheen[..., None]
    im = Image.fromarray((np.clip(panel, 0, 1) * 255).astype(np.uint8))
    d = ImageDraw.Draw(im)
    ink = (40, 40, 45) if col.mean() > 0.45 else (215, 215, 220)
    for text, fx, fy, size in labels:
        d.text((fx * W, fy * H), text, font=ImageFont.truetype(str(FONTS["lib_sans"]), size), fill=ink)
    for k in range(buttons):
        r = max(4, int(gh * 0.16))
        cx = int(W * (0.25 + 0.5 * (k + 0.5) / max(buttons, 1)))
        cy = int(mt + gh + mb * 0.55)
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=tuple(int(c * 0.8 * 255) for c in col), outline=ink, width=max(1, r // 6))
    return np.asarray(im, np.float32) / 255.0


def make_background(w: int, h: int, kind: str, rng) -> np.ndarray:
    """Low-frequency scene behind the panel: ``kind`` in {"wall", "wood", "tiles",
    "laundry", "dark"}.  Returns ``(h, w, 3) float32``."""
    small = rng.normal(0, 1, (max(2, h // 64), max(2, w // 64), 3)).astype(np.float32)
    low = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    low = low[..., :1] + 0.15 * low  # mostly luminance variation, a little chroma
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "wood":
        base = _rgb("#8a6240")
        grain = 0.06 * np.sin(yy / h * 90 + 3 * low[..., 0])
        img = base * (1 + grain[..., None] + 0.05 * low)
    elif kind == "tiles":
        base = _rgb("#d8d4cc")
        step = w // 6
        grout = ((xx % step) < step * 0.03) | ((yy % step) < step * 0.03)
        img = base * (1 + 0.03 * low)
        img[grout] *= 0.7
    elif kind == "laundry":
        base = _rgb("#c9c2b4")
        img = base * (1 + 0.08 * low) * (0.85 + 0.15 * (xx / w))[..., None]
    elif kind == "dark":
        img = _rgb("#2a2826") * (1 + 0.15 * low)
    else:
        img = _rgb("#e9e5dd") * (1 + 0.04 * low) * (1.05 - 0.2 * (yy / h))[..., None]
    return np.clip(img.astype(np.float32), 0, 1)


def place(panel: np.ndarray, bg: np.ndarray, pose: Pose) -> np.ndarray:
    """Project the flat panel into ``bg`` with a pinhole camera: rotation
    R = Rz(roll) Rx(pitch) Ry(yaw), focal length 1.1 x frame width, depth chosen so the
    panel spans ``pose.width_frac`` of the frame.  Returns the composite (new array)."""
    H, W = bg.shape[:2]
    ph, pw = panel.shape[:2]
    target = pose.width_frac * W
    if target < pw * 0.6:  # pre-shrink with area averaging to avoid aliasing
        s = target / pw * 1.3
        panel = cv2.resize(panel, (max(2, int(pw * s)), max(2, int(ph * s))), interpolation=cv2.INTER_AREA)
        ph, pw = panel.shape[:2]
    f = 1.1 * W
    ya, pi, ro = (math.radians(v) for v in (pose.yaw, pose.pitch, pose.roll))
    Ry = np.array([[math.cos(ya), 0, math.sin(ya)], [0, 1, 0], [-math.sin(ya), 0, math.cos(ya)]])
    Rx = np.array([[1, 0, 0], [0, math.cos(pi), -math.sin(pi)], [0, math.sin(pi), math.cos(pi)]])
    Rz = np.array([[math.cos(ro), -math.sin(ro), 0], [math.sin(ro), math.cos(ro), 0], [0, 0, 1]])
    R = Rz @ Rx @ Ry
    P = np.array([[-pw / 2, -ph / 2, 0], [pw / 2, -ph / 2, 0], [pw / 2, ph / 2, 0], [-pw / 2, ph / 2, 0]]) @ R.T
    Z = f * pw / target
    u = pose.cx * W + f * P[:, 0] / (P[:, 2] + Z)
    v = pose.cy * H + f * P[:, 1] / (P[:, 2] + Z)
    src = np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]])
    M = cv2.getPerspectiveTransform(src, np.float32(np.stack([u, v], 1)))
    warped = cv2.warpPerspective(panel, M, (W, H), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.ones((ph, pw), np.float32), M, (W, H), flags=cv2.INTER_LINEAR)
    # soft contact shadow
    shadow = cv2.GaussianBlur(mask, (0, 0), max(2, W * 0.01))
    out = bg * (1 - 0.35 * shadow[..., None])
    return out * (1 - mask[..., None]) + warped * mask[..., None]


# --------------------------------------------------------------------------- camera effects
def camera(img: np.ndarray, rng, *, exposure=1.0, gamma=1.0, vignette=0.25, noise=0.012, blur=0.0,
           motion=(0, 0), reflect=(), moire=0.0, sharpen=0.0, saturate=1.0, dust=0, speckle=0) -> np.ndarray:
    """Phone-camera look on ``(H, W, 3) float32``.  ``reflect``: list of
    (angle_deg, offset_frac, width_frac, strength) specular bands; ``motion``:
    (length_px, angle_deg); ``blur``: Gaussian defocus sigma px; ``moire``: amplitude of a
    coloured beat pattern; ``sharpen``: unsharp-mask amount; ``dust``: count of specks and
    fibres; ``speckle``: count of bright dust points lit by flash."""
    H, W = img.shape[:2]
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    for ang, off, wid, st in reflect:
        a = math.radians(ang)
        dist = (xx - W / 2) * math.cos(a) + (yy - H / 2) * math.sin(a) - off * W
        band = np.exp(-(dist / (wid * W)) ** 4)
        img = img + st * band[..., None] * (1.0 - 0.3 * img)
    if moire:
        for c, ph in enumerate((0.0, 2.1, 4.2)):
            f1 = 0.9 + 0.02 * c
            patt = np.cos(2 * math.pi * (xx * 0.011 * f1 + yy * 0.004) + ph) * np.cos(2 * math.pi * (xx * 0.002 - yy * 0.009 * f1))
            img[..., c] = img[..., c] * (1 + moire * patt)
    if blur > 0:
        img = cv2.GaussianBlur(img, (0, 0), blur)
    if motion[0] > 1:
        L = int(motion[0]) | 1
        k = np.zeros((L, L), np.float32)
        k[L // 2, :] = 1
        k = cv2.warpAffine(k, cv2.getRotationMatrix2D((L / 2 - 0.5, L / 2 - 0.5), motion[1], 1.0), (L, L))
        img = cv2.filter2D(img, -1, k / k.sum())
    r2 = ((xx - W / 2) / (W / 2)) ** 2 + ((yy - H / 2) / (H / 2)) ** 2
    img = img * (1 - vignette * r2 / 2)[..., None] * exposure
    img = np.clip(img, 0, 1) ** gamma
    img = img + rng.normal(0, noise, img.shape).astype(np.float32) * np.sqrt(np.clip(img, 0.02, 1))
    if dust:
        for _ in range(dust):
            x, y = int(rng.uniform(0, W)), int(rng.uniform(0, H))
            if rng.random() < 0.3:
                ang = rng.uniform(0, math.pi)
                ln = rng.uniform(10, 40) * W / 1600
                cv2.line(img, (x, y), (int(x + ln * math.cos(ang)), int(y + ln * math.sin(ang))), (0.15, 0.14, 0.13), 1, cv2.LINE_AA)
            else:
                cv2.circle(img, (x, y), int(rng.uniform(1, 3.5) * W / 1600), (0.2, 0.19, 0.18), -1, cv2.LINE_AA)
    for _ in range(speckle):
        x, y = int(rng.uniform(0, W)), int(rng.uniform(0, H))
        cv2.circle(img, (x, y), int(rng.uniform(1, 2.5) * W / 1600), (1, 1, 1), -1, cv2.LINE_AA)
    if sharpen:
        s = max(1.0, W / 1600)
        img = img + sharpen * (img - cv2.GaussianBlur(img, (0, 0), 1.5 * s))
    if saturate != 1.0:
        g = img.mean(axis=2, keepdims=True)
        img = g + (img - g) * saturate
    return np.clip(img, 0, 1)


def save_jpeg(img: np.ndarray, path: Path, quality: int) -> None:
    """Save ``(H, W, 3) float32`` RGB as baseline JPEG, 4:2:0 chroma."""
    Image.fromarray((np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)).save(path, "JPEG", quality=quality, subsampling=2)


# --------------------------------------------------------------------------- the cases
def _seg_glass(text, *, bg, on, h=120, style="trap", slant=0.0, ghost=0.0, glow=0.0, pad=0.35, wr=0.56,
               thick=0.13, gap=0.018, space=0.28, bg2=None, extra=None, rng=None):
    """A glass holding one seven-segment field sized to ``text``."""
    n_cells = len(re.findall(r"[^.:°]", text))
    w = int(h * (n_cells * (wr + space) + 2 * pad) + h * abs(slant) + h * 0.3 * text.count(":"))
    g = Glass(w, int(h * (1 + 2 * pad)), bg, on, ghost=ghost, glow=glow, bg2=bg2)
    g.seg(text, h * pad + h * abs(slant) * 0.5, h * pad, h, style=style, slant=slant, wr=wr, thick=thick, gap=gap, space=space)
    if extra:
        extra(g)
    return g.finish(rng)


def cases():
    """Every held-out photo as (file name, expected, notes, builder(rng) -> (image, quality))."""
    C = []

    def add(name, expected, notes, fn):
        C.append((name, expected, notes, fn))

    def std(glass, colour, pose, bgkind, size=(1600, 1200), cam=None, q=80, labels=(), buttons=3, margin=(0.4, 0.5, 0.4, 0.6), bezel="#111111"):
        def build(rng):
            panel = make_panel(glass(rng), colour, rng, labels=labels, buttons=buttons, margin=margin, bezel=bezel)
            img = place(panel, make_background(size[0], size[1], bgkind, rng), pose)
            return camera(img, rng, **(cam or {})), q
        return build

    # ---- codes that are in the knowledge base ---------------------------------------
    add("code_e21_red_led_trap_fills_frame.jpg", "E21", "red LED, mitred trapezoid segments, glow, display fills ~75% of frame; 1600x1200 q78",
        std(lambda r: _seg_glass("E21", bg="#140404", on="#ff2a1a", glow=0.35, ghost=0.06, rng=r), "#202020",
            Pose(0.92, 0.5, 0.5, 6, -4, 1), "dark", margin=(0.08, 0.08, 0.08, 0.12), q=78))
    add("code_4c_thin_lcd_ghosts.jpg", "4C", "grey reflective LCD, very thin segments (thick 0.07), strong ghosts 0.14; 1600x1200 q75",
        std(lambda r: _seg_glass("4C", bg="#b9bfae", on="#1d2219", thick=0.07, gap=0.03, ghost=0.14, rng=r), "#e8e8e6",
            Pose(0.45, 0.5, 0.48, -8, 5, -2), "laundry", labels=[("Spin", 0.1, 0.05, 26), ("Temp", 0.7, 0.05, 26)], q=75))
    add("code_5e_amber_fat_round.jpg", "5E", "amber LED, fat round-capped stroke segments (thick 0.2), glow; 1600x1200 q72",
        std(lambda r: _seg_glass("5E", bg="#120a02", on="#ffab1f", style="round", thick=0.2, gap=0.01, glow=0.3, rng=r), "#d9d9d9",
            Pose(0.4, 0.52, 0.5, 10, 0, 3), "tiles", q=72))
    add("code_ue_vfd_white_navy_dseg7modernmini.jpg", "UE", "white VFD on dark blue, DSEG7 Modern Mini, ghosts; 1200x1600 portrait q80",
        std(lambda r: _font_glass("UE", "dseg7_modern_mini", bg="#0b1640", on="#eef4ff", ghost=0.12, glow=0.2, rng=r), "#c8c8cc",
            Pose(0.55, 0.5, 0.45, 0, 12, 0), "wall", size=(1200, 1600), q=80))
    add("code_de_inverted_lcd_bevel.jpg", "dE", "negative (inverted) LCD: light-cyan segments on black, bevelled octagon segments; 1600x1200 q80",
        std(lambda r: _seg_glass("dE", bg="#05080a", on="#8fe6f0", style="bevel", ghost=0.05, rng=r), "#f0f0f0",
            Pose(0.42, 0.48, 0.52, -12, -6, -1), "wall", q=80))
    add("code_oe_black_on_orange_backlight.jpg", "OE", "black LCD segments on orange backlight, trapezoid segments, ghosts; 1600x1200 q76",
        std(lambda r: _seg_glass("OE", bg="#ff8c1a", on="#1a0d00", bg2="#ffb347", ghost=0.1, rng=r), "#e5e5e5",
            Pose(0.4, 0.5, 0.5, 5, 8, 2), "laundry", q=76))
    add("code_ie_tiny_display.jpg", "IE", "tiny display (~6% of frame width, digits ~28 px), green LED bevel; I drawn on segments e,f; 1600x1200 q80",
        std(lambda r: _seg_glass("IE", bg="#021005", on="#35ff6a", style="bevel", glow=0.3, rng=r), "#dadada",
            Pose(0.12, 0.4, 0.55, 0, 0, 0), "laundry", margin=(0.5, 0.8, 0.5, 0.9), q=80))
    add("code_le_perspective_38deg.jpg", "LE", "strong perspective: yaw 38 deg, pitch 10; grey LCD trapezoid; 1600x1200 q78",
        std(lambda r: _seg_glass("LE", bg="#a9b3a0", on="#151a12", ghost=0.08, rng=r), "#efefef",
            Pose(0.5, 0.5, 0.5, 38, 10, 0), "laundry", q=78))
    add("code_f21_rotated_10.jpg", "F21", "rotation +10 deg (roll), teal VFD, thin segments; 1600x1200 q80",
        std(lambda r: _seg_glass("F21", bg="#031212", on="#3ff5d8", thick=0.08, glow=0.25, rng=r), "#cfcfcf",
            Pose(0.5, 0.5, 0.5, 0, 0, 10), "wall", q=80))
    add("code_e18_reflection_band.jpg", "E18", "heavy specular reflection band crossing the glass diagonally (partly over digits); red LED; 1600x1200 q75",
        std(lambda r: _seg_glass("E18", bg="#100303", on="#ff3322", glow=0.3, style="bevel", rng=r), "#2b2b2b",
            Pose(0.5, 0.5, 0.5, -5, 0, 0), "tiles", cam=dict(reflect=[(60, 0.02, 0.05, 0.55), (62, 0.18, 0.02, 0.3)]), q=75))
    add("code_e15_motion_blur.jpg", "E15", "horizontal hand-shake motion blur 17 px; blue LCD white segments; 1600x1200 q78",
        std(lambda r: _seg_glass("E15", bg="#0d3aa8", on="#ffffff", ghost=0.08, rng=r), "#d0d0d0",
            Pose(0.45, 0.5, 0.5, 4, 3, -2), "wall", cam=dict(motion=(17, 8)), q=78))
    add("code_e24_underexposed.jpg", "E24", "underexposed (x0.35, gamma 1.3) with noise; white-on-black DSEG7 Classic Mini Light; 1600x1200 q80",
        std(lambda r: _font_glass("E24", "dseg7_classic_mini_light", bg="#060606", on="#f4f4f4", ghost=0.05, rng=r), "#6b6b6b",
            Pose(0.45, 0.5, 0.5, -6, 4, 0), "dark", cam=dict(exposure=0.35, gamma=1.3, noise=0.03), q=80))
    add("code_f28_12mp_q50.jpg", "F.28", "12 MP original 4000x3000, heavy JPEG q50, boiler LCD trapezoid with DP, ghosts, pressure label; q50",
        std(lambda r: _seg_glass("F.28", bg="#b4c0a4", on="#10150e", ghost=0.12, h=200, rng=r), "#f4f4f2",
            Pose(0.45, 0.5, 0.52, 7, -5, 1), "wall", size=(4000, 3000), labels=[("bar", 0.85, 0.07, 60)], q=50))
    add("code_f22_moire.jpg", "F.22", "moire beat pattern over the whole photo (amplitude 0.25), blue backlit LCD; 1600x1200 q78",
        std(lambda r: _seg_glass("F.22", bg="#1b54d0", on="#f2f6ff", ghost=0.06, rng=r), "#ececec",
            Pose(0.5, 0.5, 0.5, -3, 2, 0), "wall", cam=dict(moire=0.25), q=78))
    add("code_ea_dseg7_classic_mini_light.jpg", "EA", "amber LCD backlight, dark DSEG7 Classic Mini Light, ghosts; 1600x1200 q80",
        std(lambda r: _font_glass("EA", "dseg7_classic_mini_light", bg="#f5b43c", on="#2a1600", ghost=0.14, rng=r), "#f2f2f2",
            Pose(0.4, 0.5, 0.5, 8, -3, 0), "wall", q=80))
    add("code_227_green_led_dot_segments.jpg", "227", "green LED segments built from discrete dots; 1600x1200 q76",
        std(lambda r: _seg_glass("227", bg="#010a02", on="#40ff60", style="dots", thick=0.12, glow=0.25, rng=r), "#fafafa",
            Pose(0.45, 0.5, 0.5, -10, 0, 0), "wall", q=76))
    add("code_e133_sharpened_oversaturated.jpg", "E133", "phone oversharpening (2.0) + saturation x1.6; dark LCD on lime backlight; 1600x1200 q82",
        std(lambda r: _seg_glass("E133", bg="#b9e84a", on="#102000", ghost=0.1, rng=r), "#f0f0f0",
            Pose(0.5, 0.5, 0.5, 5, 5, 0), "wall", cam=dict(sharpen=2.0, saturate=1.6), q=82))
    add("code_504_dotmatrix_printer.jpg", "50.4", "printer 2-line character LCD made of round 5x7 dots, '50.4 FUSER ERROR / TURN OFF THEN ON'; yellow-green; 1600x1200 q78",
        std(lambda r: _dot_glass(["50.4 FUSER ERROR", "TURN OFF THEN ON"], bg="#a8c43a", on="#1f2a05", rng=r), "#d7d7d3",
            Pose(0.6, 0.5, 0.5, -6, 8, 0), "wall", buttons=4, q=78))
    add("code_1320_dotmatrix_amber.jpg", "13.20", "amber/black dot-matrix LCD '13.20 JAM IN TRAY 2'; 1280x960 WhatsApp-size q70",
        std(lambda r: _dot_glass(["13.20 JAM", "IN TRAY 2"], bg="#1a0c00", on="#ffa020", rng=r, ghost=0.08), "#3a3a3a",
            Pose(0.55, 0.5, 0.5, 8, -4, -2), "wall", size=(1280, 960), q=70))
    add("code_p0420_scanner_liberation_mono.jpg", "P0420", "OBD-II reader TFT, Liberation Mono, 'DTC 1/1  P0420  Catalyst eff. low'; 1200x1600 q78",
        std(lambda r: _text_glass([("DTC 1/1", 40, "lib_mono"), ("P0420", 110, "lib_mono_bold"), ("Catalyst eff. low", 36, "lib_mono")],
                                  bg="#0a0a14", on="#f8f8f8", rng=r), "#f07b14",
            Pose(0.6, 0.5, 0.45, 0, 10, -3), "dark", size=(1200, 1600), margin=(0.12, 0.2, 0.12, 0.5), q=78))
    add("code_p0171_scanner_dejavu_serif.jpg", "P0171", "mono LCD reader, DejaVu Serif, black on grey-green, 'P0171' + 'System too lean B1'; 1600x1200 q75",
        std(lambda r: _text_glass([("P0171", 100, "dejavu_serif_bold"), ("System too lean B1", 34, "dejavu_serif")],
                                  bg="#9fb39a", on="#101410", rng=r), "#3a3a44",
            Pose(0.5, 0.5, 0.5, -12, 6, 2), "wood", margin=(0.15, 0.2, 0.15, 0.6), q=75))
    add("code_e21_with_clock_same_panel.jpg", "E21", "washer LCD with code 'E21' AND remaining time '1:25' (thin segments); clock is not a code; 1600x1200 q78",
        std(_two_field_glass("E21", "1:25"), "#f2f2f2", Pose(0.55, 0.5, 0.5, 6, 4, -1), "laundry", q=78))
    add("code_f28_with_pressure_same_panel.jpg", "F.28", "boiler LCD: 'F.28' big and '1.2' bar pressure small; only F.28 is a code; 1600x1200 q78",
        std(_two_field_glass("F.28", "1.2", small_h=0.5), "#fbfbfb", Pose(0.5, 0.5, 0.5, -8, 0, 0), "wall", labels=[("bar", 0.8, 0.05, 28)], q=78))
    add("code_4c_dust_speckles.jpg", "4C", "dusty lens + bright speckles (40 specks/fibres, 60 points); red LED bevel; 1600x1200 q76",
        std(lambda r: _seg_glass("4C", bg="#120202", on="#ff3a20", style="bevel", glow=0.3, rng=r), "#dcdcdc",
            Pose(0.45, 0.5, 0.5, 3, -3, 2), "tiles", cam=dict(dust=40, speckle=60), q=76))
    add("code_ue_slanted_thin.jpg", "UE", "strongly slanted digits (shear 0.25), thin trapezoid segments, grey LCD; 1600x1200 q80",
        std(lambda r: _seg_glass("UE", bg="#c2c8b5", on="#1a1f16", slant=0.25, thick=0.09, ghost=0.1, rng=r), "#ededed",
            Pose(0.45, 0.5, 0.5, -4, 0, 0), "laundry", q=80))
    add("code_e24_dseg14_modern.jpg", "E24", "fourteen-segment DSEG14 Modern, green on black, ghosts; 1600x1200 q80",
        std(lambda r: _font_glass("E24", "dseg14_modern", bg="#020702", on="#5cff7a", ghost=0.08, glow=0.2, ghost_char="~", rng=r), "#cfcfcf",
            Pose(0.45, 0.5, 0.5, 0, -6, 0), "wall", q=80))
    add("code_de_strong_ghosts.jpg", "dE", "cheap LCD with very visible unlit segments (ghost 0.3) under a yellowish light; 1600x1200 q75",
        std(lambda r: _seg_glass("dE", bg="#c6c29a", on="#22200f", ghost=0.3, rng=r), "#e6e2d8",
            Pose(0.42, 0.5, 0.5, -6, 4, 0), "laundry", q=75))
    add("code_le_12mp_rotated.jpg", "LE", "12 MP 4032x3024, roll -8 deg, q50; red LED round segments; display mid-size; q50",
        std(lambda r: _seg_glass("LE", bg="#0e0202", on="#ff3020", style="round", thick=0.16, glow=0.3, h=220, rng=r), "#1e1e1e",
            Pose(0.35, 0.45, 0.5, 0, 0, -8), "tiles", size=(4032, 3024), q=50))
    add("code_oe_led_dot_segments_rotated.jpg", "OE", "red LED segments made of dots, roll -6, slight defocus 1.5 px; 1600x1200 q74",
        std(lambda r: _seg_glass("OE", bg="#0d0101", on="#ff2618", style="dots", glow=0.3, rng=r), "#f5f5f5",
            Pose(0.42, 0.5, 0.5, 0, 0, -6), "wall", cam=dict(blur=1.5), q=74))
    add("code_e15_dejavu_serif_tft.jpg", "E15", "colour TFT dishwasher screen: 'E15' in DejaVu Serif Bold white on dark red, 'Service' below; 1600x1200 q80",
        std(lambda r: _text_glass([("E15", 120, "dejavu_serif_bold"), ("Service", 36, "lib_sans")], bg="#5a0b0b", on="#ffffff", rng=r), "#b8b8b8",
            Pose(0.42, 0.5, 0.5, 9, 0, 0), "tiles", margin=(0.15, 0.2, 0.15, 0.4), q=80))
    add("code_e18_whatsapp_recompressed.jpg", "E18", "WhatsApp-like: 1280x960, green LCD trapezoid, slight blur 1.0, q55; 1280x960 q55",
        std(lambda r: _seg_glass("E18", bg="#8dc99a", on="#0a1a0e", ghost=0.1, rng=r), "#ffffff",
            Pose(0.4, 0.5, 0.5, -5, 5, 3), "laundry", size=(1280, 960), cam=dict(blur=1.0), q=55))
    add("code_5e_dseg7_modern_mini_large.jpg", "5E", "photo-filling: DSEG7 Modern Mini 5E on blue-white LCD covers ~70% of frame; 1600x1200 q80",
        std(lambda r: _font_glass("5E", "dseg7_modern_mini", bg="#d8e4f0", on="#0a1630", ghost=0.1, rng=r), "#202020",
            Pose(0.9, 0.5, 0.5, -4, 3, 1), "dark", margin=(0.05, 0.05, 0.05, 0.08), q=80))

    # ---- displays without an error code ------------------------------------------------
    add("nocode_clock_0730_red_led.jpg", "", "bedside/oven clock '07:30' red LED trapezoid with colon; not a code; 1600x1200 q80",
        std(lambda r: _seg_glass("07:30", bg="#120202", on="#ff2a1a", glow=0.3, rng=r), "#1e1e1e",
            Pose(0.5, 0.5, 0.5, -5, 0, 0), "wood", q=80))
    add("nocode_thermostat_215.jpg", "", "room thermostat '21.5' with degree box, grey LCD; not a code; 1200x1600 q80",
        std(lambda r: _seg_glass("21.5°", bg="#c0c6b8", on="#161a12", ghost=0.1, rng=r), "#f4f4f4",
            Pose(0.55, 0.5, 0.45, 0, 8, 0), "wall", size=(1200, 1600), labels=[("°C", 0.8, 0.05, 36)], q=80))
    add("nocode_scale_1250.jpg", "", "kitchen scale '1.250' kg, bevel segments black on white; not a code; 1600x1200 q78",
        std(lambda r: _seg_glass("1.250", bg="#e8ece4", on="#0e0e0e", style="bevel", rng=r), "#f8f8f8",
            Pose(0.55, 0.5, 0.5, 0, 20, 0), "wood", labels=[("kg", 0.88, 0.2, 40)], q=78))
    add("nocode_spin_800.jpg", "", "washer spin speed '800' (rpm label), white VFD on navy; not a code; 1600x1200 q78",
        std(lambda r: _seg_glass("800", bg="#0a1238", on="#f2f6ff", glow=0.2, thick=0.1, rng=r), "#e0e0e0",
            Pose(0.45, 0.5, 0.5, 6, 3, 0), "laundry", labels=[("rpm", 0.8, 0.05, 28)], q=78))
    add("nocode_countdown_145.jpg", "", "countdown '1:45' amber round segments; not a code; 1600x1200 q78",
        std(lambda r: _seg_glass("1:45", bg="#120a02", on="#ffab1f", style="round", thick=0.17, glow=0.3, rng=r), "#d0d0d0",
            Pose(0.45, 0.5, 0.5, -7, 0, 2), "tiles", q=78))
    add("nocode_test_pattern_8888.jpg", "", "power-on test pattern '88:88' all segments lit, green LCD; not a code; 1600x1200 q80",
        std(lambda r: _seg_glass("88:88", bg="#0b1a0b", on="#7dff7d", glow=0.2, rng=r), "#2a2a2a",
            Pose(0.55, 0.5, 0.5, 4, -2, 0), "wall", q=80))
    add("nocode_model_sticker_ww80t.jpg", "", "printed rating-plate sticker: 'Model WW80T4540AE' etc. No display. Decision: a model number is NOT an error code -> expected empty; 1600x1200 q80",
        _sticker_builder())
    add("nocode_end_lcd.jpg", "", "washer shows 'End' (cycle finished) in lower-case seven-segment; not a code; 1600x1200 q80",
        std(lambda r: _seg_glass("End", bg="#b8bfae", on="#161a12", ghost=0.1, rng=r), "#f0f0f0",
            Pose(0.45, 0.5, 0.5, 5, 4, 0), "laundry", q=80))
    add("nocode_boiler_flow_temp_55.jpg", "", "boiler flow temperature '55°' DSEG7 Modern Mini on amber LCD; not a code; 1600x1200 q80",
        std(lambda r: _font_glass("55", "dseg7_modern_mini", bg="#f5b43c", on="#2a1600", ghost=0.12, rng=r), "#ffffff",
            Pose(0.4, 0.5, 0.5, -6, 0, 0), "wall", labels=[("°C", 0.82, 0.08, 30)], q=80))
    add("nocode_washer_40deg_1400.jpg", "", "washer LCD '40°' and '1400' (temperature + spin); not a code; 1600x1200 q78",
        std(_two_field_glass("40°", "1400", small_h=0.6), "#ececec", Pose(0.5, 0.5, 0.5, 0, 5, 0), "laundry", q=78))

    add("nocode_thermostat_227_trap.jpg", "", "thermostat '22.7' deg with decimal point (bevel segments, grey LCD): a temperature, NOT the boiler code 227; 1600x1200 q80",
        std(lambda r: _seg_glass("22.7°", bg="#c4c9bb", on="#15190f", style="bevel", ghost=0.08, rng=r), "#f6f6f6",
            Pose(0.45, 0.5, 0.5, -5, 6, 0), "wall", labels=[("°C", 0.82, 0.06, 32)], q=80))
    add("nocode_clock_1320_trap.jpg", "", "oven clock '13:20' (colon, blue VFD): a time, NOT printer jam 13.20; 1600x1200 q80",
        std(lambda r: _seg_glass("13:20", bg="#03101c", on="#7fe8ff", glow=0.25, thick=0.11, rng=r), "#1c1c1c",
            Pose(0.5, 0.5, 0.5, 4, -3, 0), "wood", q=80))

    # ---- too degraded: right answer is to abstain (expected empty) ----------------------
    add("abstain_e21_extreme_motion_blur.jpg", "", "abstain: E21 smeared by 120 px diagonal motion blur, not legible; 1600x1200 q75",
        std(lambda r: _seg_glass("E21", bg="#c0c6b8", on="#161a12", rng=r), "#f0f0f0",
            Pose(0.4, 0.5, 0.5, 0, 0, 0), "laundry", cam=dict(motion=(121, 30)), q=75))
    add("abstain_f22_nearly_black.jpg", "", "abstain: F.22 at 4% exposure with heavy noise (night, no flash); 1600x1200 q70",
        std(lambda r: _seg_glass("F.22", bg="#a0a890", on="#101410", rng=r), "#d0d0d0",
            Pose(0.4, 0.5, 0.5, 0, 0, 0), "wall", cam=dict(exposure=0.04, noise=0.05), q=70))
    add("abstain_e24_glare_over_digits.jpg", "", "abstain: saturated specular band fully covering the digits of E24; 1600x1200 q78",
        std(lambda r: _seg_glass("E24", bg="#b5bca8", on="#171b13", rng=r), "#f0f0f0",
            Pose(0.4, 0.5, 0.5, 0, 0, 0), "laundry", cam=dict(reflect=[(0, 0.0, 0.11, 2.5)]), q=78))
    add("abstain_ie_tiny_defocused.jpg", "", "abstain: IE display 3% of frame width and defocused (sigma 4 px), q40; 1600x1200 q40",
        std(lambda r: _seg_glass("IE", bg="#bcc2b0", on="#161a12", rng=r), "#e0e0e0",
            Pose(0.06, 0.6, 0.4, 0, 0, 0), "laundry", margin=(0.3, 0.3, 0.3, 0.4), cam=dict(blur=4.0), q=40))
    return C


def _font_glass(text, font, *, bg, on, ghost=0.0, glow=0.0, size=140, ghost_char="8", rng=None):
    """Glass with one line of TrueType text; ghost = same string with every glyph -> ``ghost_char``."""
    f = ImageFont.truetype(str(FONTS[font]), size)
    bb = f.getbbox(text)
    w, h = bb[2] - bb[0], bb[3] - bb[1]
    g = Glass(int(w + size * 0.8), int(h + size * 0.7), bg, on, ghost=ghost, glow=glow)
    gtext = re.sub(r"[^.:]", ghost_char, text) if ghost else None
    g.font(text, font, size, size * 0.4 - bb[0], size * 0.35 - bb[1], ghost=gtext)
    return g.finish(rng)


def _dot_glass(lines, *, bg, on, ghost=0.12, rng=None, pitch=9.0):
    """Character LCD (16 columns) with 5x7 round-dot glyphs."""
    cols = 16
    w = int(pitch * (cols * 6 + 4))
    h = int(pitch * (len(lines) * 9 + 3))
    g = Glass(w, h, bg, on, ghost=ghost)
    for i, line in enumerate(lines):
        g.dots(line.ljust(cols)[:cols], pitch * 2, pitch * (2 + 9 * i), pitch)
    return g.finish(rng)


def _text_glass(rows, *, bg, on, rng=None):
    """Screen with rows of (text, size px, font key), left aligned."""
    fonts = [ImageFont.truetype(str(FONTS[k]), s) for _, s, k in rows]
    widths = [f.getbbox(t)[2] for (t, _, _), f in zip(rows, fonts)]
    w = int(max(widths) + 80)
    h = int(sum(s * 1.35 for _, s, _ in rows) + 50)
    g = Glass(w, h, bg, on)
    y = 25
    for (t, s, k) in rows:
        g.font(t, k, s, 40, y)
        y += s * 1.35
    return g.finish(rng)


def _two_field_glass(big, small, small_h=0.45):
    """LCD with a big seven-segment field and a smaller one to its right (clock etc.)."""
    def build(rng):
        h = 120
        nb = len(re.findall(r"[^.:°]", big))
        ns = len(re.findall(r"[^.:°]", small))
        w = int(h * (0.4 + nb * 0.84) + h * small_h * (ns * 0.84 + 0.6) + h * 0.5)
        g = Glass(w, int(h * 1.7), "#bcc4b0", "#141811", ghost=0.1)
        x = g.seg(big, h * 0.35, h * 0.35, h)
        g.seg(small, x + h * 0.4, h * 0.35 + h * (1 - small_h), h * small_h, thick=0.1)
        return g.finish(rng)
    return build


def _sticker_builder():
    def build(rng):
        W, H = 1600, 1200
        bg = make_background(W, H, "wall", rng) * np.float32(0.93)
        st = Image.new("RGB", (900, 560), (246, 246, 240))
        d = ImageDraw.Draw(st)
        fb, fr = ImageFont.truetype(str(FONTS["lib_sans_bold"]), 54), ImageFont.truetype(str(FONTS["lib_sans"]), 34)
        d.rectangle((10, 10, 889, 549), outline=(30, 30, 30), width=4)
        d.text((40, 30), "WASHING MACHINE", font=fb, fill=(20, 20, 20))
        d.text((40, 120), "Model: WW80T4540AE", font=fb, fill=(20, 20, 20))
        d.text((40, 210), "Serial No.: 0K3J5ABN600123", font=fr, fill=(30, 30, 30))
        d.text((40, 270), "220-240 V~  50 Hz  2000 W", font=fr, fill=(30, 30, 30))
        d.text((40, 330), "Capacity: 8 kg   IPX4", font=fr, fill=(30, 30, 30))
        d.text((40, 390), "Made in PL  2023.05", font=fr, fill=(30, 30, 30))
        for k in range(40):  # barcode
            x = 40 + k * 12 + int(rng.integers(0, 4))
            d.rectangle((x, 450, x + int(rng.integers(2, 7)), 530), fill=(10, 10, 10))
        panel = np.asarray(st, np.float32) / 255.0
        img = place(panel, bg, Pose(0.6, 0.5, 0.5, 12, -8, 4))
        return camera(img, rng, sharpen=0.6), 80
    return build


def main(out_dir: str | None = None) -> None:
    """Render every case into ``out_dir`` and write ``expected.csv``."""
    out = Path(out_dir) if out_dir else Path(__file__).resolve().parent / "media"
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for i, (name, expected, notes, fn) in enumerate(cases()):
        rng = np.random.default_rng(1000 + i)
        img, q = fn(rng)
        save_jpeg(img, out / name, q)
        rows.append((name, expected, notes))
        print(f"{name}: {(out / name).stat().st_size // 1024} KB", flush=True)
    with (out / "expected.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["path", "expected", "notes"])
        w.writerows(rows)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
