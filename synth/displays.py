"""Render display panels: seven-/fourteen-segment readouts, dot-matrix LCDs and PC screens.

Every renderer returns an ``(H, W, 3) uint8`` RGB array (pixels) and, where useful, the
bounding box ``(x, y, w, h)`` in pixels of the text inside it.

Segment readouts come from two sources, so that a reader is not tuned to one glyph set:

* the DSEG7 / DSEG14 fonts (Keshikan, SIL Open Font License 1.1; Debian ``fonts-dseg``,
  ``/usr/share/fonts/truetype/dseg/``), and
* our own segment polygons (:func:`segment_masks`): pointed or rounded segments with
  adjustable thickness, gap between segments, width and slant.

Display looks (:data:`STYLES`): reflective grey-green LCD with faintly visible unlit
("ghost") segments, red/green/orange LED on black with glow, blue backlit LCD with white
segments, white or teal VFD/OLED on black, amber backlit LCD, plain dark-on-light LCD.

Printed-text screens use DejaVu / Liberation fonts (Debian ``fonts-dejavu-core``,
``fonts-liberation``); all the wording on them is ours.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from diagnostics.errors import ValidationError

BBox = tuple[int, int, int, int]
RGB = tuple[int, int, int]

DSEG_DIR = "/usr/share/fonts/truetype/dseg"
DEJAVU_DIR = "/usr/share/fonts/truetype/dejavu"
LIBERATION_DIR = "/usr/share/fonts/truetype/liberation"

#: Short names of the fonts used here -> file path.
FONTS: dict[str, str] = {
    "dseg7_classic": f"{DSEG_DIR}/DSEG7Classic-Regular.ttf",
    "dseg7_classic_bold": f"{DSEG_DIR}/DSEG7Classic-Bold.ttf",
    "dseg7_classic_italic": f"{DSEG_DIR}/DSEG7Classic-Italic.ttf",
    "dseg7_classic_bold_italic": f"{DSEG_DIR}/DSEG7Classic-BoldItalic.ttf",
    "dseg7_classic_light": f"{DSEG_DIR}/DSEG7Classic-Light.ttf",
    "dseg7_modern": f"{DSEG_DIR}/DSEG7Modern-Regular.ttf",
    "dseg7_modern_bold": f"{DSEG_DIR}/DSEG7Modern-Bold.ttf",
    "dseg7_modern_italic": f"{DSEG_DIR}/DSEG7Modern-Italic.ttf",
    "dseg7_modern_bold_italic": f"{DSEG_DIR}/DSEG7Modern-BoldItalic.ttf",
    "dseg14_classic": f"{DSEG_DIR}/DSEG14Classic-Regular.ttf",
    "dseg14_classic_bold": f"{DSEG_DIR}/DSEG14Classic-Bold.ttf",
    "dseg14_modern": f"{DSEG_DIR}/DSEG14Modern-Regular.ttf",
    "dseg14_modern_italic": f"{DSEG_DIR}/DSEG14Modern-Italic.ttf",
    "dejavu_sans": f"{DEJAVU_DIR}/DejaVuSans.ttf",
    "dejavu_sans_bold": f"{DEJAVU_DIR}/DejaVuSans-Bold.ttf",
    "dejavu_sans_light": f"{DEJAVU_DIR}/DejaVuSans-ExtraLight.ttf",
    "dejavu_sans_condensed": f"{DEJAVU_DIR}/DejaVuSansCondensed.ttf",
    "dejavu_mono": f"{DEJAVU_DIR}/DejaVuSansMono.ttf",
    "dejavu_mono_bold": f"{DEJAVU_DIR}/DejaVuSansMono-Bold.ttf",
    "dejavu_serif": f"{DEJAVU_DIR}/DejaVuSerif.ttf",
    "liberation_sans": f"{LIBERATION_DIR}/LiberationSans-Regular.ttf",
    "liberation_sans_bold": f"{LIBERATION_DIR}/LiberationSans-Bold.ttf",
    "liberation_sans_narrow": f"{LIBERATION_DIR}/LiberationSansNarrow-Regular.ttf",
    "liberation_mono": f"{LIBERATION_DIR}/LiberationMono-Regular.ttf",
    "liberation_mono_bold": f"{LIBERATION_DIR}/LiberationMono-Bold.ttf",
}


@lru_cache(maxsize=256)
def load_font(name: str, size_px: int) -> ImageFont.FreeTypeFont:
    """Load a font by short name (key of :data:`FONTS`) or file path at ``size_px`` pixels.

    Raises:
        ValidationError: the font file does not exist.
    """
    path = FONTS.get(name, name)
    if not os.path.exists(path):
        raise ValidationError(f"Font {name!r} is not installed.", detail=path)
    return ImageFont.truetype(path, max(1, int(size_px)))


@dataclass(frozen=True)
class DisplayStyle:
    """Colours and optics of one kind of display.

    Attributes:
        name: style key.
        background: RGB of the display glass/backlight.
        lit: RGB of lit segments / pixels.
        ghost: RGB of unlit segments (``None``: not visible).
        glow: halo size as a fraction of digit height (LED, VFD, backlight), 0 = none.
        lcd_shadow: lit segments cast a faint offset shadow (reflective LCD).
        light_on_dark: True when lit is brighter than the background.
    """

    name: str
    background: RGB
    lit: RGB
    ghost: RGB | None = None
    glow: float = 0.0
    lcd_shadow: bool = False
    light_on_dark: bool = False


#: Display looks, keyed by name.
STYLES: dict[str, DisplayStyle] = {
    s.name: s
    for s in (
        DisplayStyle("lcd_reflective", (158, 170, 142), (36, 42, 38), (147, 159, 132), lcd_shadow=True),
        DisplayStyle("lcd_low_contrast", (150, 158, 140), (96, 103, 93), (143, 151, 133), lcd_shadow=True),
        DisplayStyle("lcd_amber", (232, 158, 52), (45, 28, 12), (220, 148, 50), lcd_shadow=True),
        DisplayStyle("lcd_dark_on_light", (214, 222, 224), (24, 27, 34), (204, 212, 214)),
        DisplayStyle("lcd_blue", (28, 86, 206), (238, 246, 255), (44, 100, 214), glow=0.03, light_on_dark=True),
        DisplayStyle("led_red", (24, 12, 12), (255, 44, 32), (50, 20, 18), glow=0.09, light_on_dark=True),
        DisplayStyle("led_green", (10, 18, 12), (70, 255, 120), (22, 40, 27), glow=0.08, light_on_dark=True),
        DisplayStyle("led_orange", (24, 13, 7), (255, 148, 28), (52, 28, 14), glow=0.08, light_on_dark=True),
        DisplayStyle("vfd_white", (7, 9, 11), (226, 244, 246), (22, 27, 30), glow=0.05, light_on_dark=True),
        DisplayStyle("vfd_teal", (6, 11, 11), (110, 255, 222), (18, 38, 35), glow=0.06, light_on_dark=True),
    )
}


def get_style(style: str | DisplayStyle) -> DisplayStyle:
    """Return a :class:`DisplayStyle` for a style name (or pass one through).

    Raises:
        ValidationError: unknown style name.
    """
    if isinstance(style, DisplayStyle):
        return style
    try:
        return STYLES[style]
    except KeyError:
        raise ValidationError(f"Unknown display style {style!r}.", detail=", ".join(STYLES)) from None


# ---------------------------------------------------------------------------------------
# Seven-segment glyphs drawn as our own polygons
# ---------------------------------------------------------------------------------------

#: Segments (a top, b top-right, c bottom-right, d bottom, e bottom-left, f top-left,
#: g middle) lit for each character, as customary on appliance displays.
SEGMENTS: dict[str, str] = {
    "0": "abcdef", "1": "bc", "2": "abdeg", "3": "abcdg", "4": "bcfg", "5": "acdfg",
    "6": "acdefg", "7": "abc", "8": "abcdefg", "9": "abcdfg",
    "A": "abcefg", "b": "cdefg", "B": "cdefg", "C": "adef", "c": "deg", "d": "bcdeg", "D": "bcdeg",
    "E": "adefg", "F": "aefg", "G": "acdef", "H": "bcefg", "h": "cefg", "I": "ef", "i": "e",
    "J": "bcde", "L": "def", "n": "ceg", "N": "abcef", "o": "cdeg", "O": "abcdef", "P": "abefg",
    "q": "abcfg", "r": "eg", "S": "acdfg", "t": "defg", "U": "bcdef", "u": "cde", "y": "bcdfg",
    "Y": "bcdfg", "-": "g", "_": "d", " ": "", "!": "",
}


def segment_masks(
    text: str,
    digit_h: int,
    *,
    width_ratio: float = 0.56,
    thickness: float = 0.13,
    gap: float = 0.015,
    slant: float = 0.0,
    rounded: bool = False,
    spacing: float = 0.3,
    ss: int = 4,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``text`` as seven-segment digits with our own polygons.

    Args:
        text: characters from :data:`SEGMENTS`, plus ``.`` (decimal point after the
            previous digit) and ``:`` (colon cell).
        digit_h: digit height in pixels (output scale).
        width_ratio: digit width / height.
        thickness: segment thickness / digit height.
        gap: clearance at each segment end / digit height (the visible gaps of real LCDs).
        slant: horizontal shear (0.1 = top leans right by 10 % of the height).
        rounded: pill-shaped segments instead of pointed hexagons.
        spacing: space between digits / digit width.
        ss: supersampling factor for anti-aliasing.

    Returns:
        ``(lit, ghost)``: two ``(H, W) float32`` masks in ``[0, 1]`` of the same size; ghost
        holds every segment of every digit cell (what an unlit LCD shows faintly).

    Raises:
        ValidationError: a character has no seven-segment form, or a size is not positive.
    """
    if digit_h <= 0:
        raise ValidationError("Digit height must be positive.")
    cells: list[tuple[str, bool]] = []  # (char, has_dp)
    for ch in text:
        if ch == "." and cells and cells[-1][0] != ":":
            cells[-1] = (cells[-1][0], True)
            continue
        key = ch if ch in SEGMENTS or ch in ":." else ch.upper()
        if key not in SEGMENTS and key not in ":.":
            raise ValidationError(f"No seven-segment form for {ch!r}.")
        cells.append((key if key != "." else " ", key == "."))
    H = digit_h * ss
    W = width_ratio * H
    t = thickness * H
    g = gap * H
    sp = spacing * W
    colon_w = max(0.35 * W, 2.2 * t)
    total_w = sum(colon_w if c == ":" else W for c, _ in cells) + sp * max(0, len(cells) - 1)
    pad = int(t + slant * H + 4 * ss)
    size = (int(total_w + 2 * pad), int(H + 2 * pad))
    lit_im = Image.new("L", size, 0)
    ghost_im = Image.new("L", size, 0)
    dl, dg = ImageDraw.Draw(lit_im), ImageDraw.Draw(ghost_im)

    def seg_shape(draw: ImageDraw.ImageDraw, horiz: bool, a0: float, a1: float, c: float) -> None:
        a0, a1 = a0 + g, a1 - g
        h = t / 2
        if rounded:
            box = (a0, c - h, a1, c + h) if horiz else (c - h, a0, c + h, a1)
            draw.rounded_rectangle(box, radius=h, fill=255)
            return
        if horiz:
            pts = [(a0, c), (a0 + h, c - h), (a1 - h, c - h), (a1, c), (a1 - h, c + h), (a0 + h, c + h)]
        else:
            pts = [(c, a0), (c + h, a0 + h), (c + h, a1 - h), (c, a1), (c - h, a1 - h), (c - h, a0 + h)]
        draw.polygon(pts, fill=255)

    x = float(pad)
    y0 = float(pad)
    for ch, dp in cells:
        if ch == ":":
            r = 0.55 * t
            for fy in (0.3, 0.7):
                cx, cy = x + colon_w / 2, y0 + fy * H
                for d in (dl, dg):
                    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
            x += colon_w + sp
            continue
        geo = {
            "a": (True, x + t / 2, x + W - t / 2, y0 + t / 2),
            "g": (True, x + t / 2, x + W - t / 2, y0 + H / 2),
            "d": (True, x + t / 2, x + W - t / 2, y0 + H - t / 2),
            "f": (False, y0 + t / 2, y0 + H / 2, x + t / 2),
            "e": (False, y0 + H / 2, y0 + H - t / 2, x + t / 2),
            "b": (False, y0 + t / 2, y0 + H / 2, x + W - t / 2),
            "c": (False, y0 + H / 2, y0 + H - t / 2, x + W - t / 2),
        }
        on = SEGMENTS[ch]
        for s, (hz, a0, a1, c) in geo.items():
            seg_shape(dg, hz, a0, a1, c)
            if s in on:
                seg_shape(dl, hz, a0, a1, c)
        r = 0.6 * t
        cx, cy = x + W + sp / 2, y0 + H - r
        dg.ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
        if dp:
            dl.ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
        x += W + sp
    lit = np.asarray(lit_im, dtype=np.float32) / 255.0
    ghost = np.asarray(ghost_im, dtype=np.float32) / 255.0
    if slant:
        M = np.float32([[1, -slant, slant * (y0 + H)], [0, 1, 0]])
        lit = cv2.warpAffine(lit, M, size, flags=cv2.INTER_LINEAR)
        ghost = cv2.warpAffine(ghost, M, size, flags=cv2.INTER_LINEAR)
    out = (size[0] // ss, size[1] // ss)
    lit = cv2.resize(lit, out, interpolation=cv2.INTER_AREA)
    ghost = cv2.resize(ghost, out, interpolation=cv2.INTER_AREA)
    return _trim_pair(lit, ghost, margin=max(1, digit_h // 30))


#: DSEG7 draws some capitals in its own way (``U`` as ``u``, ``S`` with a gap, ``O`` as
#: ``o``, ``I`` as one short bar); appliances show them as these glyphs instead.
_DSEG7_APPLIANCE = str.maketrans({"S": "5", "s": "5", "O": "0", "U": "V", "I": "1"})


def font_masks(text: str, font: str, digit_h: int, *, ghost: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Render ``text`` with a font (DSEG for segment looks, any TTF otherwise).

    For DSEG7 fonts ``S``, ``O``, ``U``, ``I`` are drawn as appliances show them (as ``5``,
    ``0``, full ``U``, ``1``). For DSEG7 fonts the ghost is ``8`` in every digit cell, for DSEG14 it is ``~`` (all
    segments); ``.`` and ``:`` keep their places. Spaces become ``!`` (a blank digit cell in
    DSEG). For ordinary fonts the ghost is empty.

    Args:
        text: the text to show.
        font: short name from :data:`FONTS` or a TTF path.
        digit_h: cap height wanted in pixels (DSEG: digit height).
        ghost: also render the ghost mask.

    Returns:
        ``(lit, ghost)``: ``(H, W) float32`` masks in ``[0, 1]``, same shape.

    Raises:
        ValidationError: unknown font or empty text.
    """
    if not text:
        raise ValidationError("Nothing to render.")
    path = FONTS.get(font, font)
    is_dseg = "DSEG" in os.path.basename(path)
    is14 = "DSEG14" in path
    if is_dseg:
        size = digit_h
        shown = text.replace(" ", "!")
        if not is14:
            shown = shown.translate(_DSEG7_APPLIANCE)
        ghost_text = "".join(c if c in ".:" else ("~" if is14 else "8") for c in text)
    else:
        # cap height of DejaVu/Liberation is ~0.72-0.73 em
        size = int(round(digit_h / 0.72))
        shown, ghost_text = text, ""
    f = load_font(path, size)
    left, top, right, bottom = f.getbbox(ghost_text if (is_dseg and ghost_text) else shown)
    l2, t2, r2, b2 = f.getbbox(shown)
    left, top, right, bottom = min(left, l2), min(top, t2), max(right, r2), max(bottom, b2)
    pad = max(2, digit_h // 10)
    w, h = right - left + 2 * pad, bottom - top + 2 * pad
    lit_im = Image.new("L", (w, h), 0)
    ImageDraw.Draw(lit_im).text((pad - left, pad - top), shown, font=f, fill=255)
    ghost_im = Image.new("L", (w, h), 0)
    if ghost and is_dseg:
        ImageDraw.Draw(ghost_im).text((pad - left, pad - top), ghost_text, font=f, fill=255)
    lit = np.asarray(lit_im, dtype=np.float32) / 255.0
    gh = np.asarray(ghost_im, dtype=np.float32) / 255.0
    return _trim_pair(lit, gh, margin=max(1, digit_h // 30))


def _trim_pair(a: np.ndarray, b: np.ndarray, margin: int) -> tuple[np.ndarray, np.ndarray]:
    m = np.maximum(a, b) > 0.02
    ys, xs = np.nonzero(m)
    if len(ys) == 0:
        return a, b
    y0, y1 = max(0, ys.min() - margin), min(a.shape[0], ys.max() + 1 + margin)
    x0, x1 = max(0, xs.min() - margin), min(a.shape[1], xs.max() + 1 + margin)
    return a[y0:y1, x0:x1].copy(), b[y0:y1, x0:x1].copy()


def _gauss(img: np.ndarray, sigma: float) -> np.ndarray:
    if sigma <= 0.3:
        return img
    return cv2.GaussianBlur(img, (0, 0), sigmaX=float(sigma), borderType=cv2.BORDER_REPLICATE)


class DisplayCanvas:
    """A display face on which readouts and labels are placed, then rendered in one style.

    Example::

        c = DisplayCanvas(420, 160, "lcd_reflective")
        c.add_segments("E21", 30, 25, digit_h=100)            # returns its (x, y, w, h)
        c.add_label("min", 350, 110, size=22)
        rgb = c.render(np.random.default_rng(0))               # (160, 420, 3) uint8

    Coordinates are pixels of the display face; boxes are ``(x, y, w, h)``.
    """

    def __init__(self, width: int, height: int, style: str | DisplayStyle):
        """Create an empty face ``width`` x ``height`` pixels.

        Raises:
            ValidationError: non-positive size or unknown style.
        """
        if width <= 0 or height <= 0:
            raise ValidationError("Display size must be positive.")
        self.w, self.h = int(width), int(height)
        self.style = get_style(style)
        self.lit = np.zeros((self.h, self.w), np.float32)
        self.ghost = np.zeros((self.h, self.w), np.float32)
        self.labels = np.zeros((self.h, self.w), np.float32)
        self.max_digit_h = 10
        self.boxes: list[tuple[str, BBox]] = []

    def _paste(self, dst: np.ndarray, m: np.ndarray, x: int, y: int) -> BBox:
        h, w = m.shape
        x0, y0 = max(0, x), max(0, y)
        x1, y1 = min(self.w, x + w), min(self.h, y + h)
        if x1 > x0 and y1 > y0:
            sub = m[y0 - y : y1 - y, x0 - x : x1 - x]
            np.maximum(dst[y0:y1, x0:x1], sub, out=dst[y0:y1, x0:x1])
        return (x, y, w, h)

    def add_masks(self, text: str, lit: np.ndarray, ghost: np.ndarray, x: int, y: int, digit_h: int) -> BBox:
        """Place pre-rendered masks (from :func:`segment_masks`/:func:`font_masks`) at ``(x, y)``."""
        self._paste(self.ghost, ghost, x, y)
        box = self._paste(self.lit, lit, x, y)
        self.max_digit_h = max(self.max_digit_h, digit_h)
        self.boxes.append((text, box))
        return box

    def add_segments(self, text: str, x: int, y: int, digit_h: int, renderer: str = "polygons", ghost: bool = True, **opts) -> BBox:
        """Add a segment readout. ``renderer`` is ``"polygons"`` (our shapes; ``opts`` go to
        :func:`segment_masks`) or a font name/path (DSEG7/DSEG14 or any TTF).

        Returns:
            the readout's box ``(x, y, w, h)`` in face pixels.
        """
        if renderer == "polygons":
            lit, gh = segment_masks(text, digit_h, **opts)
        else:
            lit, gh = font_masks(text, renderer, digit_h, ghost=ghost)
        if not ghost:
            gh = np.zeros_like(gh)
        return self.add_masks(text, lit, gh, x, y, digit_h)

    def measure(self, text: str, digit_h: int, renderer: str = "polygons", **opts) -> tuple[int, int]:
        """Size ``(w, h)`` in pixels that :meth:`add_segments` would use."""
        lit, _ = segment_masks(text, digit_h, **opts) if renderer == "polygons" else font_masks(text, renderer, digit_h)
        return lit.shape[1], lit.shape[0]

    def add_label(self, text: str, x: int, y: int, size: int, font: str = "dejavu_sans_bold") -> BBox:
        """Add printed text (units, icons' words) drawn in the lit colour at ``size`` px em."""
        f = load_font(font, size)
        l, t, r, b = f.getbbox(text)
        im = Image.new("L", (r - l + 4, b - t + 4), 0)
        ImageDraw.Draw(im).text((2 - l, 2 - t), text, font=f, fill=255)
        m = np.asarray(im, dtype=np.float32) / 255.0
        return self._paste(self.labels, m, x, y)

    def add_icon_ghost(self, x: int, y: int, w: int, h: int) -> None:
        """Add an unlit rectangular icon segment (seen only as ghost)."""
        self.ghost[max(0, y) : y + h, max(0, x) : x + w] = np.maximum(self.ghost[max(0, y) : y + h, max(0, x) : x + w], 1.0)

    def render(self, rng: np.random.Generator | None = None, *, unevenness: float = 0.08) -> np.ndarray:
        """Composite the face: background, ghost segments, shadows, lit segments, glow.

        Args:
            rng: randomness for backlight unevenness (``None``: a fixed gentle gradient).
            unevenness: relative brightness change across the face.

        Returns:
            ``(H, W, 3) uint8`` RGB.
        """
        st = self.style
        H, W = self.h, self.w
        if rng is None:
            u, v = 0.5, -0.3
        else:
            u, v = rng.uniform(-1, 1, 2)
        yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
        shade = 1.0 + unevenness * (u * (xx / W - 0.5) + v * (yy / H - 0.5))
        img = np.empty((H, W, 3), np.float32)
        img[:] = np.array(st.background, np.float32)
        img *= shade[..., None]
        lit = np.clip(np.maximum(self.lit, self.labels), 0, 1)
        if st.ghost is not None:
            gm = (self.ghost * (1 - lit))[..., None]
            img = img * (1 - gm) + np.array(st.ghost, np.float32) * shade[..., None] * gm
        if st.lcd_shadow:
            off = max(1, self.max_digit_h // 40)
            sh = np.zeros_like(lit)
            sh[off:, off:] = lit[:-off, :-off]
            sh = _gauss(sh, off) * 0.22
            img *= (1 - sh)[..., None]
        lm = lit[..., None]
        img = img * (1 - lm) + np.array(st.lit, np.float32) * lm
        if st.glow > 0:
            gl = _gauss(lit, st.glow * self.max_digit_h)
            img += 0.55 * gl[..., None] * np.array(st.lit, np.float32)
            core = _gauss(lit, 0.012 * self.max_digit_h) * lit
            img += 0.25 * core[..., None] * (255 - np.array(st.lit, np.float32))
        return np.clip(img, 0, 255).astype(np.uint8)


def render_code_display(
    text: str,
    style: str | DisplayStyle = "lcd_reflective",
    renderer: str = "dseg7_classic",
    digit_h: int = 90,
    *,
    ghost: bool = True,
    pad: float = 0.35,
    rng: np.random.Generator | None = None,
    **opts,
) -> tuple[np.ndarray, BBox]:
    """A display face that shows one readout, with a margin of ``pad`` x digit height.

    Args:
        text: what the display shows (``"E21"``, ``"F.28"``, ``"12:45"``).
        style: key of :data:`STYLES` or a :class:`DisplayStyle`.
        renderer: ``"polygons"`` or a font (``"dseg7_modern_bold"``, ``"dejavu_sans"``...).
        digit_h: digit height in pixels.
        ghost: show unlit segments faintly (if the style has a ghost colour).
        pad: margin around the readout, in digit heights.
        rng: randomness for the backlight; ``None`` = fixed.
        **opts: passed to :func:`segment_masks` for ``renderer="polygons"``.

    Returns:
        ``(rgb, bbox)``: ``(H, W, 3) uint8`` face and the readout box ``(x, y, w, h)``.
    """
    if renderer == "polygons":
        lit, gh = segment_masks(text, digit_h, **opts)
    else:
        lit, gh = font_masks(text, renderer, digit_h, ghost=ghost)
    p = int(round(pad * digit_h))
    c = DisplayCanvas(lit.shape[1] + 2 * p, lit.shape[0] + 2 * p, style)
    box = c.add_masks(text, lit, gh if ghost else np.zeros_like(gh), p, p, digit_h)
    return c.render(rng), box


# ---------------------------------------------------------------------------------------
# Dot-matrix character LCD (printers, scanners)
# ---------------------------------------------------------------------------------------


def dot_matrix_lcd(
    lines: list[str],
    *,
    cols: int = 16,
    dot: int = 5,
    background: RGB = (150, 190, 60),
    ink: RGB = (25, 40, 20),
    ghost: RGB | None = (140, 178, 58),
    font_px: int = 13,
    font: str = "dejavu_mono",
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """A character LCD (HD44780-like look): text as a grid of square dots.

    The text is rasterised without anti-aliasing with DejaVu Sans Mono Bold at ``font_px``
    pixels, and every raster pixel becomes one ``dot`` x ``dot`` screen dot with a gap.

    Args:
        lines: text lines (upper case reads best, as on printers).
        cols: characters per line (lines are padded/cut).
        dot: dot pitch in output pixels.
        background, ink, ghost: RGB of glass, lit dots, unlit dot cells (``None``: invisible).
        font_px: raster font size.

    Returns:
        ``(H, W, 3) uint8`` RGB.
    """
    f = load_font(font, font_px)
    adv = int(round(f.getlength("M")))
    line_h = int(round(font_px * 1.25))
    gw, gh = cols * adv + 4, len(lines) * line_h + 4
    im = Image.new("L", (gw, gh), 0)
    d = ImageDraw.Draw(im)
    d.fontmode = "1"
    for i, ln in enumerate(lines):
        d.text((2, 2 + i * line_h), ln[:cols].ljust(cols), font=f, fill=255)
    bits = np.asarray(im) > 127
    cellmask = np.zeros_like(bits)
    for i in range(len(lines)):
        for c in range(cols):
            cellmask[2 + i * line_h + 1 : 2 + i * line_h + line_h - 1, 2 + c * adv : 2 + c * adv + adv - 1] = True
    up = np.kron(np.ones((gh, gw), np.float32), np.ones((dot, dot), np.float32))
    dotshape = np.ones((dot, dot), np.float32)
    g = max(1, dot // 5)
    dotshape[-g:, :] = 0
    dotshape[:, -g:] = 0
    tile = np.tile(dotshape, (gh, gw))
    lit = np.kron(bits.astype(np.float32), np.ones((dot, dot), np.float32)) * tile
    cells = np.kron(cellmask.astype(np.float32), np.ones((dot, dot), np.float32)) * tile
    del up
    lit = _gauss(lit, dot * 0.12)
    H, W = lit.shape
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    u, v = (0.4, -0.2) if rng is None else rng.uniform(-1, 1, 2)
    shade = 1.0 + 0.1 * (u * (xx / W - 0.5) + v * (yy / H - 0.5))
    img = np.empty((H, W, 3), np.float32)
    img[:] = np.array(background, np.float32)
    if ghost is not None:
        cm = (cells * (1 - lit))[..., None]
        img = img * (1 - cm) + np.array(ghost, np.float32) * cm
    img *= shade[..., None]
    lm = lit[..., None]
    img = img * (1 - lm) + np.array(ink, np.float32) * lm
    pad = dot * 3
    out = np.empty((H + 2 * pad, W + 2 * pad, 3), np.float32)
    out[:] = np.array(background, np.float32) * 0.97
    out[pad:-pad, pad:-pad] = img
    return np.clip(out, 0, 255).astype(np.uint8)


# ---------------------------------------------------------------------------------------
# PC screens (all wording is ours)
# ---------------------------------------------------------------------------------------


def _text_block(draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, font: ImageFont.FreeTypeFont, fill: RGB, width_px: int, line_gap: float = 1.35) -> int:
    """Draw word-wrapped text; return the y below it."""
    x, y = xy
    lh = int(font.size * line_gap)
    for para in text.split("\n"):
        words, line = para.split(" "), ""
        for w in words:
            trial = (line + " " + w).strip()
            if font.getlength(trial) > width_px and line:
                draw.text((x, y), line, font=font, fill=fill)
                y += lh
                line = w
            else:
                line = trial
        draw.text((x, y), line, font=font, fill=fill)
        y += lh
    return y


def bsod_modern(stop_name: str, percent: int = 20, size: tuple[int, int] = (1280, 720), rng: np.random.Generator | None = None) -> np.ndarray:
    """A Windows 10/11-style stop screen (blue, sad face, progress, ``Stop code:`` line).

    The explanatory sentences are our own wording; the QR-like square is random blocks,
    not a real QR code.

    Args:
        stop_name: symbolic stop code shown after ``Stop code:`` (``"CRITICAL_PROCESS_DIED"``).
        percent: progress percentage shown.
        size: ``(width, height)`` pixels.

    Returns:
        ``(H, W, 3) uint8`` RGB.
    """
    W, H = size
    im = Image.new("RGB", size, (16, 110, 200))
    d = ImageDraw.Draw(im)
    s = W / 1280
    x0 = int(150 * s)
    d.text((x0, int(90 * s)), ":(", font=load_font("dejavu_sans_light", int(150 * s)), fill=(255, 255, 255))
    body = load_font("dejavu_sans_light", int(27 * s))
    y = _text_block(d, (x0, int(300 * s)), "Your computer hit a problem it could not recover from and has to restart. "
                    "We are saving some details about what went wrong, then it will start again.", body, (255, 255, 255), int(940 * s))
    y = _text_block(d, (x0, y + int(20 * s)), f"{percent}% done", body, (255, 255, 255), int(900 * s))
    qr = int(110 * s)
    qy = y + int(40 * s)
    r = rng if rng is not None else np.random.default_rng(7)
    n = 21
    cells = r.random((n, n)) > 0.5
    for fy, fx in ((0, 0), (0, n - 7), (n - 7, 0)):
        cells[fy : fy + 7, fx : fx + 7] = False
        cells[fy, fx : fx + 7] = cells[fy + 6, fx : fx + 7] = True
        cells[fy : fy + 7, fx] = cells[fy : fy + 7, fx + 6] = True
        cells[fy + 2 : fy + 5, fx + 2 : fx + 5] = True
    d.rectangle((x0, qy, x0 + qr, qy + qr), fill=(255, 255, 255))
    c = qr / (n + 2)
    for i in range(n):
        for j in range(n):
            if cells[i, j]:
                d.rectangle((x0 + c * (j + 1), qy + c * (i + 1), x0 + c * (j + 2) - 1, qy + c * (i + 2) - 1), fill=(16, 110, 200))
    small = load_font("dejavu_sans", int(17 * s))
    tx = x0 + qr + int(25 * s)
    yy = _text_block(d, (tx, qy), "Want more detail? Search the web later for this stop code and possible fixes.", small, (255, 255, 255), int(720 * s))
    yy = _text_block(d, (tx, yy + int(16 * s)), "If you call a support person, give them this info:", small, (255, 255, 255), int(720 * s))
    d.text((tx, yy), f"Stop code: {stop_name}", font=small, fill=(255, 255, 255))
    return np.asarray(im)


def bsod_classic(stop_hex: str, name: str, params: tuple[str, ...] = ("0xF78D2524", "0xC0000034", "0x00000000", "0x00000000"), size: tuple[int, int] = (1024, 768)) -> np.ndarray:
    """An older (XP/7-era) style stop screen: white monospace text on dark blue with a
    ``*** STOP: 0x...`` line. Wording is our own.

    Args:
        stop_hex: 10-character hex code, e.g. ``"0x0000007B"``.
        name: symbolic name printed near the top.
        params: the four bug-check parameters printed after the code.
        size: ``(width, height)`` pixels.

    Returns:
        ``(H, W, 3) uint8`` RGB.
    """
    W, H = size
    im = Image.new("RGB", size, (0, 0, 168))
    d = ImageDraw.Draw(im)
    f = load_font("liberation_mono_bold", int(W / 64))
    text = (
        "A fault was found and the computer was halted so that nothing gets damaged.\n\n"
        f"{name}\n\n"
        "If this is the first time you see this screen, restart the machine. If it comes "
        "back, try the following:\n\n"
        "Look for viruses. Check the hard disks and their cables, and the disk "
        "controller settings in the setup utility. Remove any newly added disk or "
        "controller.\n\n"
        "Technical details:\n\n"
        f"*** STOP: {stop_hex} ({', '.join(params)})"
    )
    _text_block(d, (int(W * 0.01), int(H * 0.02)), text, f, (235, 235, 235), int(W * 0.97), line_gap=1.2)
    return np.asarray(im)


def error_dialog(number: int, message: str, title: str = "Connecting to Broadband", size: tuple[int, int] = (1280, 800)) -> np.ndarray:
    """A desktop with a dial-up/PPPoE style error dialog (``Error 691: ...``).

    Args:
        number: the error number in the dialog.
        message: our own explanatory sentence.
        title: window title.
        size: ``(width, height)`` pixels of the whole screen.

    Returns:
        ``(H, W, 3) uint8`` RGB.
    """
    W, H = size
    yy = np.linspace(0, 1, H, dtype=np.float32)[:, None, None]
    bg = (np.array([20, 70, 120], np.float32) * (1 - yy) + np.array([70, 140, 170], np.float32) * yy)
    im = Image.fromarray(np.broadcast_to(bg, (H, W, 3)).astype(np.uint8))
    d = ImageDraw.Draw(im)
    s = W / 1280
    # taskbar
    d.rectangle((0, H - int(44 * s), W, H), fill=(30, 30, 36))
    d.text((W - int(90 * s), H - int(34 * s)), "14:32", font=load_font("dejavu_sans", int(15 * s)), fill=(230, 230, 230))
    dw, dh = int(620 * s), int(250 * s)
    x0, y0 = (W - dw) // 2, (H - dh) // 2 - int(40 * s)
    d.rectangle((x0 + 6, y0 + 6, x0 + dw + 6, y0 + dh + 6), fill=(10, 30, 50))
    d.rectangle((x0, y0, x0 + dw, y0 + dh), fill=(240, 240, 240), outline=(90, 90, 90))
    d.rectangle((x0, y0, x0 + dw, y0 + int(34 * s)), fill=(255, 255, 255))
    d.text((x0 + int(12 * s), y0 + int(8 * s)), title, font=load_font("liberation_sans", int(16 * s)), fill=(0, 0, 0))
    d.text((x0 + dw - int(28 * s), y0 + int(5 * s)), "x", font=load_font("dejavu_sans", int(18 * s)), fill=(0, 0, 0))
    # red error icon
    cx, cy, r = x0 + int(50 * s), y0 + int(90 * s), int(22 * s)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(210, 40, 40))
    d.text((cx - int(7 * s), cy - int(15 * s)), "x", font=load_font("dejavu_sans_bold", int(24 * s)), fill=(255, 255, 255))
    body = load_font("liberation_sans", int(17 * s))
    _text_block(d, (x0 + int(95 * s), y0 + int(65 * s)), f"Error {number}: {message}", body, (0, 0, 0), dw - int(120 * s))
    for i, lab in enumerate(("Redial", "Cancel", "More Info")):
        bx = x0 + dw - int((3 - i) * 115 * s) - int(10 * s)
        by = y0 + dh - int(48 * s)
        d.rectangle((bx, by, bx + int(100 * s), by + int(30 * s)), fill=(225, 225, 225), outline=(120, 120, 120))
        d.text((bx + int(14 * s), by + int(6 * s)), lab, font=load_font("liberation_sans", int(15 * s)), fill=(0, 0, 0))
    return np.asarray(im)


def obd_scanner_screen(dtc: str, description: str, *, colour: bool = True, size: tuple[int, int] = (480, 320)) -> np.ndarray:
    """The screen of a handheld OBD-II code reader listing one stored DTC (SAE J2012).

    Args:
        dtc: the trouble code (``"P0420"``).
        description: our own short description line(s).
        colour: a colour TFT look (else a monochrome blue-white LCD look).
        size: ``(width, height)`` pixels.

    Returns:
        ``(H, W, 3) uint8`` RGB.
    """
    W, H = size
    bg, fg, bar, barfg = ((12, 16, 28), (240, 240, 240), (0, 120, 190), (255, 255, 255)) if colour else ((170, 200, 230), (20, 30, 60), (20, 30, 60), (170, 200, 230))
    im = Image.new("RGB", size, bg)
    d = ImageDraw.Draw(im)
    s = W / 480
    d.rectangle((0, 0, W, int(40 * s)), fill=bar)
    d.text((int(10 * s), int(9 * s)), "Read Codes", font=load_font("dejavu_sans_bold", int(19 * s)), fill=barfg)
    d.text((W - int(70 * s), int(10 * s)), "1/1", font=load_font("dejavu_sans", int(17 * s)), fill=barfg)
    d.text((int(16 * s), int(58 * s)), dtc, font=load_font("dejavu_sans_bold", int(56 * s)), fill=(255, 200, 40) if colour else fg)
    d.text((int(250 * s), int(70 * s)), "Stored", font=load_font("dejavu_sans", int(20 * s)), fill=fg)
    d.text((int(250 * s), int(96 * s)), "Generic", font=load_font("dejavu_sans", int(18 * s)), fill=fg)
    _text_block(d, (int(16 * s), int(150 * s)), description, load_font("dejavu_sans", int(21 * s)), fg, W - int(32 * s))
    d.line((0, H - int(44 * s), W, H - int(44 * s)), fill=fg, width=max(1, int(s)))
    d.text((int(12 * s), H - int(34 * s)), "ESC Back      OK Freeze frame", font=load_font("dejavu_sans", int(17 * s)), fill=fg)
    return np.asarray(im)
