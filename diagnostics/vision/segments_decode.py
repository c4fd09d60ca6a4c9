"""Seven-segment glyph decoding: segment sampling and the segment-to-character table.

Segment names follow the usual convention (as in ssocr and every LED datasheet)::

     aaa
    f   b
    f   b
     ggg
    e   c
    e   c
     ddd

A glyph cell is a binary sub-image whose box runs from the display line's top to its
bottom and spans the glyph's ink horizontally.  :func:`sample_segments` measures how
full each segment's zone is; :func:`decode_cell` turns those fills into per-segment
probabilities and picks the most probable character of :data:`SEGMENT_TABLE`.  The
glyph confidence is the probability of that exact segment pattern, so a clean glyph
scores ~0.99 and a glyph with one doubtful segment drops towards 0.5.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SEGMENTS = "abcdefg"


def _bits(segs: str) -> int:
    return sum(1 << SEGMENTS.index(s) for s in segs)


# Segment patterns -> character.  Source: the standard seven-segment character forms
# (hexadecimal display conventions used by HD44780-era LED drivers, ICM7218/MAX7219
# "Code B" decoders and appliance displays); alternative forms of 6, 7, 9 and J are
# included.  Ambiguous glyphs are given in digit form (5 for S, 0 for O, 2 for Z,
# 8 for B, 6 for G, 1 for I): the code-extraction stage decides from the grammar.
SEGMENT_TABLE: dict[int, str] = {
    _bits("abcdef"): "0",
    _bits("bc"): "1",
    _bits("ef"): "1",
    _bits("abdeg"): "2",
    _bits("abcdg"): "3",
    _bits("bcfg"): "4",
    _bits("acdfg"): "5",
    _bits("acdefg"): "6",
    _bits("abc"): "7",
    _bits("abcf"): "7",
    _bits("abcdefg"): "8",
    _bits("abcdfg"): "9",
    _bits("abcfg"): "9",
    _bits("abcefg"): "A",
    _bits("cdefg"): "b",
    _bits("adef"): "C",
    _bits("deg"): "c",
    _bits("bcdeg"): "d",
    _bits("adefg"): "E",
    _bits("aefg"): "F",
    _bits("bcefg"): "H",
    _bits("cefg"): "h",
    _bits("def"): "L",
    _bits("ceg"): "n",
    _bits("cdeg"): "o",
    _bits("abefg"): "P",
    _bits("eg"): "r",
    _bits("bcdef"): "U",
    _bits("cde"): "u",
    _bits("defg"): "t",
    _bits("bcdfg"): "y",
    _bits("bcde"): "J",
    _bits("bcd"): "J",
    _bits("g"): "-",
    _bits("abfg"): "°",
}

_CODES = np.array(list(SEGMENT_TABLE.keys()), dtype=np.int64)
_CHARS = list(SEGMENT_TABLE.values())
_CODE_BITS = ((_CODES[:, None] >> np.arange(7)[None, :]) & 1).astype(np.float64)  # (K, 7)

# Logistic mapping from zone fill (0..1) to P(segment lit); centre and slope chosen so
# a fill of 0.85+ or 0.15- is near-certain and 0.45 is a coin toss.
FILL_CENTRE = 0.45
FILL_SLOPE = 14.0


@dataclass
class GlyphDecode:
    """Decoded glyph.

    Attributes:
        char: decoded character ("" when nothing plausible).
        confidence: probability of the decoded pattern times shape penalties, ``[0, 1]``.
        fills: ``(7,)`` float zone fills for segments a..g, ``[0, 1]``.
        hole: ink fraction inside the two counters (should be ~0 for segment glyphs).
    """

    char: str
    confidence: float
    fills: np.ndarray
    hole: float


# Segment zones as fractions of the cell: (kind, y0, y1, x0, x1).  "row" zones are
# scanned row by row inside the central band (horizontal segments a, g, d); "col"
# zones column by column (vertical segments f, b, e, c).
_ZONES = (
    ("row", 0.00, 0.24, 0.30, 0.70),  # a
    ("col", 0.16, 0.40, 0.68, 1.00),  # b
    ("col", 0.60, 0.84, 0.68, 1.00),  # c
    ("row", 0.76, 1.00, 0.30, 0.70),  # d
    ("col", 0.60, 0.84, 0.00, 0.32),  # e
    ("col", 0.16, 0.40, 0.00, 0.32),  # f
    ("row", 0.38, 0.62, 0.30, 0.70),  # g
)


def _span(f0: float, f1: float, n: int) -> tuple[int, int]:
    a = min(int(f0 * n), n - 1)
    return a, max(a + 1, int(np.ceil(f1 * n)))


def sample_segments(cell: np.ndarray, intensity: np.ndarray | None = None) -> tuple[np.ndarray, float, np.ndarray]:
    """Measure segment-zone fills of one glyph cell.

    Args:
        cell: ``(h, w)`` binary (0/1, any numeric dtype) cell, top = display line top,
            bottom = line bottom, left/right = glyph ink extent.  ``h >= 5``, ``w >= 3``.
        intensity: optional ``(h, w)`` float foreground strength (same cell), used to
            tell lit segments from ghost (unlit but visible) LCD segments.

    Returns:
        ``(fills, hole, levels)``: ``fills`` is ``(7,)`` float64 in ``[0, 1]`` for
        segments a..g (the best row/column fill inside each zone); ``hole`` is the mean
        ink inside the two counters (the empty areas inside a drawn 8); ``levels`` is
        ``(7,)`` mean intensity of the ink in each zone (NaN without ink or intensity).
    """
    c = cell.astype(np.float32)
    h, w = c.shape
    # vertical stroke widths, measured so very bold digits do not leak into the
    # horizontal-segment band or the counters
    ua, ub = _span(0.16, 0.40, h)
    la, lb = _span(0.60, 0.84, h)
    prof = np.maximum(c[ua:ub].mean(axis=0), c[la:lb].mean(axis=0))
    left = _run_from(prof > 0.6)
    right = _run_from((prof > 0.6)[::-1])
    if left >= 0.5 * w or right >= 0.5 * w:
        left = right = 0
    bx0 = max(int(0.25 * w), left + 1)
    bx1 = min(int(np.ceil(0.75 * w)), w - right - 1)
    if bx1 - bx0 < 1:
        bx0, bx1 = _span(0.40, 0.60, w)
    fills = np.zeros(7, dtype=np.float64)
    levels = np.full(7, np.nan)
    for i, (kind, y0, y1, x0, x1) in enumerate(_ZONES):
        a, b = _span(y0, y1, h)
        if kind == "row":
            p, q = bx0, bx1
        else:
            p, q = _span(x0, x1, w)
        z = c[a:b, p:q]
        fills[i] = float(z.mean(axis=1 if kind == "row" else 0).max())
        if intensity is not None:
            m = z > 0
            if m.any():
                levels[i] = float(intensity[a:b, p:q][m].mean())
    hx0, hx1 = max(bx0, int(0.3 * w)), min(bx1, int(np.ceil(0.7 * w)))
    if hx1 - hx0 < 1:
        return fills, 0.0, levels
    a1, b1 = _span(0.22, 0.34, h)
    a2, b2 = _span(0.66, 0.78, h)
    hole = max(float(c[a1:b1, hx0:hx1].mean()), float(c[a2:b2, hx0:hx1].mean()))
    return fills, hole, levels


def _run_from(mask: np.ndarray) -> int:
    """Length of the run of True at the start of ``mask`` (allowing a 1-px start gap)."""
    n = 0
    start = 1 if (len(mask) > 1 and not mask[0] and mask[1]) else 0
    for v in mask[start:]:
        if not v:
            break
        n += 1
    return n + start if n else 0


def segment_probabilities(fills: np.ndarray) -> np.ndarray:
    """``(7,)`` zone fills -> ``(7,)`` probabilities that each segment is lit."""
    return 1.0 / (1.0 + np.exp(-FILL_SLOPE * (np.asarray(fills, dtype=np.float64) - FILL_CENTRE)))


def decode_fills(fills: np.ndarray, hole: float = 0.0) -> GlyphDecode:
    """Decode zone fills against :data:`SEGMENT_TABLE`.

    Args:
        fills: ``(7,)`` fills for a..g in ``[0, 1]``.
        hole: ink fraction inside the counters, ``[0, 1]``; glyphs with ink there
            (curves, diagonals of printed letters, blobs) are penalised.

    Returns:
        :class:`GlyphDecode`; ``confidence`` = P(pattern) under independent segment
        probabilities, times a counter-ink penalty.
    """
    p = np.clip(segment_probabilities(fills), 1e-6, 1 - 1e-6)
    loglik = _CODE_BITS @ np.log(p) + (1 - _CODE_BITS) @ np.log(1 - p)
    k = int(np.argmax(loglik))
    conf = float(np.exp(loglik[k]))
    hole_pen = float(np.clip(1.0 - (hole - 0.12) / 0.25, 0.0, 1.0))
    return GlyphDecode(_CHARS[k], conf * hole_pen, np.asarray(fills, dtype=np.float64), hole)


def decode_narrow(cell: np.ndarray) -> GlyphDecode:
    """Decode a narrow full-height glyph (a ``1`` drawn with segments b and c).

    Args:
        cell: ``(h, w)`` binary cell spanning the full line height; ``w`` small.

    Returns:
        :class:`GlyphDecode` with ``char == "1"`` when both the upper and the lower
        halves hold a vertical stroke, else an empty char with low confidence.
    """
    c = cell.astype(np.float32)
    h = c.shape[0]
    rows = c.max(axis=1) if c.shape[1] else np.zeros(h, np.float32)
    up = float(rows[int(0.08 * h): max(int(0.08 * h) + 1, int(0.42 * h))].mean())
    lo = float(rows[int(0.58 * h): max(int(0.58 * h) + 1, int(0.92 * h))].mean())
    fills = np.array([0.0, up, lo, 0.0, 0.0, 0.0, 0.0])
    p = segment_probabilities(np.array([up, lo]))
    conf = float(np.prod(p))
    # a "1" is one straight bar: ink that reaches well beyond the stroke's width (a
    # stub of a split middle bar, a diagonal, the half of a 14-segment H/M/N) means the
    # cell is part of another glyph
    widths = c.sum(axis=1)
    sw = float(np.median(widths[widths > 0])) if (widths > 0).any() else 0.0
    if sw > 0 and c.shape[1] > 1.8 * sw + 2:
        wide = float(np.mean(widths > 1.8 * sw + 1))
        if wide > 0.04:
            conf *= float(np.clip(1.0 - (wide - 0.04) / 0.08, 0.05, 1.0))
    if up < 0.45 or lo < 0.45:
        return GlyphDecode("", conf * 0.2, fills, 0.0)
    return GlyphDecode("1", conf, fills, 0.0)
