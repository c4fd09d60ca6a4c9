"""Seven-segment display reader (LCD / LED / VFD), our own, no model weights.

Input is a roughly rectified display crop.  The reader:

1. converts to a luminance image and brings it to a working size (long digits are
   downscaled for speed, tiny crops upscaled so strokes survive morphology);
2. for each polarity (dark segments on a light LCD, light segments on a dark LED/VFD
   panel) removes the background with a morphological top-hat (kills gradients,
   glare blobs and large dark/bright areas such as buttons and bezels) and binarises
   with Otsu;
3. estimates rotation (horizontal-projection sharpness) and italic slant
   (vertical-projection sharpness over a shear search) and warps the strength image
   upright;
4. builds character columns from connected components (segments are separate blobs:
   blobs that overlap in x and nearly touch in y form one glyph), groups columns into
   display lines by height/position, separates decimal points and colons, splits
   touching digits, and splits lines into fields at wide gaps;
5. samples the seven segment zones of each glyph cell and decodes them
   (:mod:`diagnostics.vision.segments_decode`); ghost LCD segments are removed by
   clustering segment intensities;
6. keeps the polarity/threshold hypothesis with the best confident reading: each
   polarity is binarised at several levels (Otsu, Otsu above it to separate lit from
   ghost segments, a lower level for faint segments), and the whole crop competes with
   the display windows found inside it (:func:`_inner_windows`: an LCD glass inside a
   black bezel, a dark LED panel inside a white front), so a dominant frame no longer
   decides the threshold;
7. lowers the confidence of lines that look like no seven-segment display (ink in the
   glyph counters, strokes with stubs or diagonals: 14-segment displays, print), of lone
   strokes at the crop edge (bezel edges) and of faint all-8 fields (ghosts of a blank
   display); junk glyphs cost score, so clean readings win.

Public API: :func:`read_seven_segment` and :class:`SegmentReading`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from ..errors import DiagnosticsError
from .segments_decode import GlyphDecode, decode_fills, decode_narrow, sample_segments

LIGHT_ON_DARK = "light_on_dark"
DARK_ON_LIGHT = "dark_on_light"

WORK_MAX_HEIGHT = 240  # px: crops taller than this are downscaled first (speed)
WORK_MAX_WIDTH = 1000  # px
WORK_MIN_HEIGHT = 72  # px: smaller crops are upscaled (strokes must survive morphology)
MIN_CONTRAST = 30.0  # grey levels (0..255) a segment must stand out from its background (ghost segments of a blank VFD/LCD stand out ~10-20)
MIN_GLYPH_HEIGHT = 10  # px in working pixels
MAX_COMPONENTS = 600


class SevenSegmentInputError(DiagnosticsError):
    """The image given to the seven-segment reader is not a ``(H, W, 3) uint8`` array."""

    default_message = "The display crop could not be read as an image."


@dataclass
class SegmentReading:
    """One field read from a seven-segment display.

    Attributes:
        text: characters as displayed (``"E21"``, ``"F.28"``, ``"12:45"``).
        confidence: product of per-glyph decode probabilities and layout checks, ``[0, 1]``.
        bbox: ``(x, y, w, h)`` in pixels of the input crop.
        polarity: ``"light_on_dark"`` or ``"dark_on_light"``.
        glyph_confidences: per-character confidences (dots/colons excluded).
        digit_height: glyph height in input-crop pixels.
    """

    text: str
    confidence: float
    bbox: tuple[int, int, int, int]
    polarity: str
    glyph_confidences: list[float] = field(default_factory=list)
    digit_height: float = 0.0


@dataclass
class _Col:
    x0: int
    y0: int
    x1: int  # exclusive
    y1: int  # exclusive
    comps: list[int]

    @property
    def w(self) -> int:
        return self.x1 - self.x0

    @property
    def h(self) -> int:
        return self.y1 - self.y0


@dataclass
class _Glyph:
    x0: int
    x1: int
    char: str
    conf: float
    narrow: bool
    fills: np.ndarray | None = None
    hole: float = 0.0
    levels: np.ndarray | None = None
    suffix: str = ""  # "." or ":" following this glyph


@dataclass
class _Line:
    y0: float
    y1: float
    cols: list[_Col] = field(default_factory=list)
    dots: list[_Col] = field(default_factory=list)
    dropped: list[_Col] = field(default_factory=list)  # partial columns skipped by the decoder

    @property
    def h(self) -> float:
        return self.y1 - self.y0


# ----------------------------------------------------------------------------- input


def _validate(rgb: np.ndarray) -> None:
    if not isinstance(rgb, np.ndarray):
        raise SevenSegmentInputError(detail=f"expected numpy array, got {type(rgb).__name__}")
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise SevenSegmentInputError(detail=f"expected (H, W, 3), got shape {rgb.shape}")
    if rgb.dtype != np.uint8:
        raise SevenSegmentInputError(detail=f"expected uint8, got {rgb.dtype}")


def _luminance(rgb: np.ndarray) -> np.ndarray:
    """Blend of Rec.601 luma and max channel: keeps red/green LEDs and blue-backlit
    white segments contrasted.  Returns ``(H, W) float32`` in 0..255."""
    f = rgb.astype(np.float32)
    luma = 0.299 * f[..., 0] + 0.587 * f[..., 1] + 0.114 * f[..., 2]
    mx = f.max(axis=2)
    return 0.6 * luma + 0.4 * mx


# ------------------------------------------------------------------ geometry search


def _projection_score(v: np.ndarray, n_bins: int) -> float:
    hist = np.bincount(np.clip(v, 0, n_bins - 1), minlength=n_bins).astype(np.float64)
    return float((hist * hist).sum())


def _dominant_angle(angles: np.ndarray, weights: np.ndarray, limit: float) -> float | None:
    """Peak of a weighted 1-degree angle histogram, refined by the mean within +-3 deg."""
    if angles.size < 20:
        return None
    bins = np.arange(-limit, limit + 1.001, 1.0)
    hist, _ = np.histogram(angles, bins=bins, weights=weights)
    hist = np.convolve(hist, [0.25, 0.5, 0.25], mode="same")
    peak = 0.5 * (bins[int(np.argmax(hist))] + bins[int(np.argmax(hist)) + 1])
    sel = np.abs(angles - peak) <= 3.0
    if not sel.any():
        return float(peak)
    return float(np.average(angles[sel], weights=weights[sel]))


def _estimate_rotation_slant(u8: np.ndarray) -> tuple[float, float]:
    """Rotation (degrees) and italic slant (shear ``tan``) of the strokes.

    Rotation comes from the direction of near-horizontal edges (segments a, g, d),
    slant from near-vertical edges (segments b, c, e, f) minus the rotation; each is
    the peak of a gradient-magnitude-weighted histogram.  Returns ``(angle, shear)``
    such that :func:`_warp_matrix` makes strokes upright.
    """
    g = cv2.GaussianBlur(u8, (0, 0), 1.0).astype(np.float32)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    mag = np.hypot(gx, gy)
    hi = float(np.percentile(mag, 99.5))
    if hi <= 0:
        return 0.0, 0.0
    m = mag > 0.3 * hi
    ax, ay = np.abs(gx), np.abs(gy)
    hm = m & (ay > 2.5 * ax)
    vm = m & (ax > 2.0 * ay)
    rot = _dominant_angle(np.degrees(np.arctan(gx[hm] / gy[hm])), mag[hm], 12.0)
    rot = 0.0 if rot is None else float(np.clip(rot, -8.0, 8.0))
    vert = _dominant_angle(np.degrees(np.arctan(gy[vm] / gx[vm])), mag[vm], 26.0)
    slant = 0.0 if vert is None else float(np.clip(vert + rot, -25.0, 25.0))
    return rot, float(np.tan(np.deg2rad(slant)))


def _warp_matrix(shape: tuple[int, int], angle: float, shear: float) -> tuple[np.ndarray, tuple[int, int]]:
    """3x3 matrix mapping input pixels to upright pixels, and the output size (w, h)."""
    h, w = shape
    t = np.deg2rad(angle)
    c, s = np.cos(t), np.sin(t)
    to_c = np.array([[1, 0, -w / 2], [0, 1, -h / 2], [0, 0, 1]], dtype=np.float64)
    rot = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]], dtype=np.float64)
    sh = np.array([[1, shear, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float64)
    m = sh @ rot @ to_c
    corners = np.array([[0, 0, 1], [w, 0, 1], [w, h, 1], [0, h, 1]], dtype=np.float64).T
    pc = m @ corners
    x0, y0 = pc[0].min(), pc[1].min()
    out_w, out_h = int(np.ceil(pc[0].max() - x0)) + 1, int(np.ceil(pc[1].max() - y0)) + 1
    m = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], dtype=np.float64) @ m
    return m, (out_w, out_h)


# ---------------------------------------------------------------------- components


def _components(binary: np.ndarray) -> np.ndarray:
    """Connected components as ``(n, 5) int`` rows ``x, y, w, h, area``, noise,
    frames and long rules removed."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    st = stats[1:]
    st = st[st[:, 4] >= 3]
    if len(st) == 0:
        return st
    H, W = binary.shape
    keep = np.ones(len(st), bool)
    x, y, w, h = st[:, 0], st[:, 1], st[:, 2], st[:, 3]
    # long horizontal / vertical rules (bezel edges, underlines)
    keep &= ~((w > 0.5 * W) & (w > 8 * h))
    keep &= ~((h > 0.6 * H) & (h > 12 * w) & ((x < 0.08 * W) | (x + w > 0.92 * W)))
    # frames: a big component whose box holds several other components
    big = np.nonzero((w > 0.45 * W) & (h > 0.3 * H))[0]
    for i in big:
        inside = ((x > x[i]) & (y > y[i]) & (x + w < x[i] + w[i]) & (y + h < y[i] + h[i]))
        inside[i] = False
        if inside.sum() >= 2 and st[inside, 4].sum() > 0.05 * st[i, 4]:
            keep[i] = False
    st = st[keep]
    if len(st) > MAX_COMPONENTS:
        st = st[np.argsort(-st[:, 4])[:MAX_COMPONENTS]]
    return st


def _columns(st: np.ndarray) -> list[_Col]:
    """Union components that overlap in x and nearly touch in y into glyph columns."""
    n = len(st)
    if n == 0:
        return []
    x0, y0 = st[:, 0].astype(np.float64), st[:, 1].astype(np.float64)
    w, h = st[:, 2].astype(np.float64), st[:, 3].astype(np.float64)
    x1, y1 = x0 + w, y0 + h
    mx = np.maximum(w, h)
    aspect = mx / np.maximum(1.0, np.minimum(w, h))
    xov = np.minimum(x1[:, None], x1[None, :]) - np.maximum(x0[:, None], x0[None, :])
    ygap = np.maximum(y0[:, None], y0[None, :]) - np.minimum(y1[:, None], y1[None, :])
    minw = np.minimum(w[:, None], w[None, :])
    maxh = np.maximum(h[:, None], h[None, :])
    dotlike_ij = (aspect[:, None] < 2.2) & (mx[:, None] < 0.5 * mx[None, :])
    link = (xov >= 0.25 * minw) & (ygap <= 0.4 * maxh + 1) & ~dotlike_ij & ~dotlike_ij.T
    # stacked horizontal bars of one digit (displays whose a/g/d bars sit between the
    # vertical segments and overlap none of them in x)
    bar = w > 1.2 * h
    simw = np.minimum(w[:, None], w[None, :]) >= 0.7 * np.maximum(w[:, None], w[None, :])
    # corner adjacency: a bar whose end nearly touches the end of a vertical segment
    # (bevelled segments whose x-ranges do not overlap)
    isbar, isvert = w > 1.5 * h, h > 1.5 * w
    near_x = (-xov <= 0.4 * np.minimum(w[:, None], w[None, :]) + 1) & (xov < 0.25 * minw)
    bh = h[:, None]  # bar i, vertical j
    near_top = (y1[:, None] >= y0[None, :] - bh) & (y0[:, None] <= y0[None, :] + bh)
    near_bot = (y1[:, None] >= y1[None, :] - bh) & (y0[:, None] <= y1[None, :] + bh)
    corner = isbar[:, None] & isvert[None, :] & near_x & (near_top | near_bot)
    link |= corner | corner.T
    barpair = bar[:, None] & bar[None, :] & simw & (xov >= 0.6 * minw)
    link |= barpair & (ygap <= 1.1 * minw)
    vert = np.nonzero(h > 1.2 * w)[0]
    for i, j in zip(*np.nonzero(np.triu(barpair & (ygap > 1.1 * minw) & (ygap <= 2.2 * minw), 1))):
        # a wider gap between bars is bridged when a vertical segment stands beside it
        ga, gb = min(y1[i], y1[j]), max(y0[i], y0[j])
        bx0, bx1 = max(x0[i], x0[j]), min(x1[i], x1[j])
        bw = bx1 - bx0
        for k in vert:
            yo = min(y1[k], gb) - max(y0[k], ga)
            near = (bx0 - 0.5 * bw <= x1[k] <= bx0 + 0.2 * bw) or (bx1 - 0.2 * bw <= x0[k] <= bx1 + 0.5 * bw)
            if near and yo >= 0.5 * (gb - ga):
                link[i, j] = link[j, i] = True
                break
    parent = list(range(n))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    ii, jj = np.nonzero(np.triu(link, 1))
    for i, j in zip(ii.tolist(), jj.tolist()):
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[ri] = rj
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    cols = []
    for idx in groups.values():
        cols.append(_Col(int(x0[idx].min()), int(y0[idx].min()), int(x1[idx].max()), int(y1[idx].max()), idx))
    # second pass: a column lying mostly inside a taller column's x-range and touching
    # or overlapping it vertically belongs to it (e.g. a g segment that overlaps no
    # vertical segment in x, as in DSEG7 Modern)
    changed = True
    while changed and len(cols) > 1:
        changed = False
        cols.sort(key=lambda c: -c.h)
        for bi, b in enumerate(cols):
            for ai in range(len(cols) - 1, bi, -1):
                a = cols[ai]
                xov = min(a.x1, b.x1) - max(a.x0, b.x0)
                if xov < 0.6 * a.w:
                    continue
                if max(a.w, a.h) < 0.3 * b.h and max(a.w, a.h) < 2.2 * max(1, min(a.w, a.h)):
                    continue  # dot-like
                gap = max(a.y0, b.y0) - min(a.y1, b.y1)
                if gap > 0.12 * b.h:
                    continue
                cols[bi] = b = _Col(min(a.x0, b.x0), min(a.y0, b.y0), max(a.x1, b.x1), max(a.y1, b.y1), b.comps + a.comps)
                del cols[ai]
                changed = True
            if changed:
                break
    return cols


def _lines(cols: list[_Col], st: np.ndarray) -> list[_Line]:
    """Group columns into display lines (tallest first set the band)."""
    lines: list[_Line] = []
    for c in sorted(cols, key=lambda c: -c.h):
        best, best_ov = None, 0.0
        for ln in lines:
            ov = min(c.y1, ln.y1) - max(c.y0, ln.y0)
            if ov >= 0.5 * c.h and c.h <= 1.3 * ln.h and ov > best_ov:
                best, best_ov = ln, ov
        if best is None:
            if c.h >= MIN_GLYPH_HEIGHT and c.w >= 2:
                lines.append(_Line(float(c.y0), float(c.y1), [c]))
            continue
        ln = best
        aspect = max(c.w, c.h) / max(1, min(c.w, c.h))
        if max(c.w, c.h) < 0.3 * ln.h and aspect < 1.8:
            ln.dots.append(c)
        else:
            ln.cols.append(c)
            if c.h >= 0.8 * ln.h:
                tall = [k for k in ln.cols if k.h >= 0.8 * ln.h]
                # the full-height glyphs set the band: a U or 4 (no segment a) or
                # 7 (no d) is shorter and must not pull the band off the others' a/d
                full = max(k.h for k in tall)
                tall = [k for k in tall if k.h >= 0.93 * full]
                ln.y0 = float(np.median([k.y0 for k in tall]))
                ln.y1 = float(np.median([k.y1 for k in tall]))
    for ln in lines:
        keep = []
        for d in ln.dots:
            host = None
            for c in ln.cols:
                xov = min(c.x1, d.x1) - max(c.x0, d.x0)
                gap = max(c.y0, d.y0) - min(c.y1, d.y1)
                if xov >= 0.6 * d.w and gap <= 0.12 * ln.h and c.w >= 0.3 * ln.h:
                    cx, cy = (d.x0 + d.x1) / 2, (d.y0 + d.y1) / 2 - ln.y0
                    corner = cx < c.x0 + 0.2 * c.w or cx > c.x1 - 0.2 * c.w
                    if cy > 0.8 * ln.h and corner and d.h < 0.2 * ln.h:
                        continue  # a decimal point tucked under an italic/tight glyph
                    host = c
                    break
            if host is None:
                keep.append(d)
            else:  # a short segment inside a glyph's width, not a decimal point
                host.x0, host.y0 = min(host.x0, d.x0), min(host.y0, d.y0)
                host.x1, host.y1 = max(host.x1, d.x1), max(host.y1, d.y1)
                host.comps = host.comps + d.comps
        ln.dots = keep
        ln.cols.sort(key=lambda c: c.x0)
    return lines


def _merge_split_columns(ln: _Line, st: np.ndarray) -> None:
    """Merge a bars-only column (a/g/d) with the narrow vertical-only columns right
    next to it (displays whose horizontal segments sit between the vertical ones)."""
    if len(ln.cols) < 2 or not ln.cols[0].comps:
        return
    H = ln.h

    def bars_only(c: _Col) -> bool:
        return bool(c.comps) and all(st[i, 2] > 1.2 * st[i, 3] for i in c.comps)

    def verticals_only(c: _Col) -> bool:
        return bool(c.comps) and all(st[i, 3] > 1.2 * st[i, 2] for i in c.comps) and c.w < 0.3 * H

    cols = list(ln.cols)
    out: list[_Col] = []
    taken: set[int] = set()
    for bi, b in enumerate(cols):
        if not bars_only(b):
            continue
        group = [bi]
        for vi, v in enumerate(cols):
            if vi == bi or vi in taken or not verticals_only(v):
                continue
            gap_l = b.x0 - v.x1
            gap_r = v.x0 - b.x1
            if (-0.05 * H <= gap_l <= 0.12 * H) or (-0.05 * H <= gap_r <= 0.12 * H):
                group.append(vi)
        if len(group) == 1:
            continue
        x0 = min(cols[i].x0 for i in group)
        x1 = max(cols[i].x1 for i in group)
        if x1 - x0 > 0.85 * H:
            continue
        taken.update(group)
        out.append(_Col(x0, min(cols[i].y0 for i in group), x1, max(cols[i].y1 for i in group),
                        [k for i in group for k in cols[i].comps]))
    if out:
        ln.cols = sorted(out + [c for i, c in enumerate(cols) if i not in taken], key=lambda c: c.x0)
    # a narrow vertical stroke that (almost) touches a wider glyph is that glyph's
    # f/e or b/c side (hexagonal segments whose tips do not overlap in x); a real "1"
    # stands an inter-digit space away
    changed = True
    while changed:
        changed = False
        cs = ln.cols
        for k in range(len(cs) - 1):
            a, b = cs[k], cs[k + 1]
            if b.x0 - a.x1 > 0.05 * H + 1:
                continue
            na, nb = verticals_only(a), verticals_only(b)
            if na == nb or max(a.x1, b.x1) - min(a.x0, b.x0) > 0.8 * H:
                continue
            wide = b if na else a
            if wide.w < 0.3 * H:
                continue
            ln.cols[k:k + 2] = [_Col(min(a.x0, b.x0), min(a.y0, b.y0), max(a.x1, b.x1), max(a.y1, b.y1), a.comps + b.comps)]
            changed = True
            break


def _split_wide(ln: _Line, binary: np.ndarray) -> None:
    """Split columns that hold several touching digits at projection minima."""
    h = ln.h
    widths = [c.w for c in ln.cols if 0.3 * h <= c.w <= 0.85 * h and c.h >= 0.8 * h]
    typ = float(np.median(widths)) if widths else 0.58 * h
    out: list[_Col] = []
    for c in ln.cols:
        if c.w <= max(1.3 * typ, 0.85 * h) or c.h < 0.6 * h:
            out.append(c)
            continue
        pitch = typ + 0.15 * h
        n = max(2, int(round((c.w + 0.15 * h) / pitch)))
        proj = binary[int(ln.y0):int(ln.y1), c.x0:c.x1].sum(axis=0).astype(np.float64)
        cuts = [0]
        for k in range(1, n):
            centre = k * c.w / n
            lo, hi = int(max(cuts[-1] + 2, centre - 0.3 * typ)), int(min(c.w - 2, centre + 0.3 * typ))
            if hi <= lo:
                continue
            cuts.append(lo + int(np.argmin(proj[lo:hi])))
        cuts.append(c.w)
        for a, b in zip(cuts[:-1], cuts[1:]):
            seg = proj[a:b]
            nz = np.nonzero(seg > 0)[0]
            if nz.size == 0:
                continue
            out.append(_Col(c.x0 + a + int(nz[0]), c.y0, c.x0 + a + int(nz[-1]) + 1, c.y1, []))
    ln.cols = sorted(out, key=lambda c: c.x0)


# ------------------------------------------------------------------------- decoding


def _straightness(cell: np.ndarray) -> float:
    """1 for a straight vertical stroke, lower for wiggly/curved ink (rows' x-centres)."""
    rows = np.nonzero(cell.any(axis=1))[0]
    if rows.size < 4:
        return 0.0
    xs = np.arange(cell.shape[1], dtype=np.float64)
    cw = cell[rows].astype(np.float64)
    centres = (cw * xs).sum(axis=1) / np.maximum(1e-6, cw.sum(axis=1))
    spread = float(np.std(centres))
    return float(np.clip(1.0 - (spread - 0.12 * cell.shape[0] * 0.15) / (0.06 * cell.shape[0]), 0.0, 1.0))


def _decode_line(ln: _Line, binary: np.ndarray, strength: np.ndarray) -> list[_Glyph]:
    y0, y1 = int(round(ln.y0)), int(round(ln.y1))
    H = y1 - y0
    if H < MIN_GLYPH_HEIGHT:
        return []
    widths = [c.w for c in ln.cols if c.w >= 0.3 * H and c.h >= 0.75 * H]
    typ = float(np.median(widths)) if widths else 0.55 * H
    glyphs: list[_Glyph] = []
    for c in ln.cols:
        cell = binary[y0:y1, c.x0:c.x1]
        inten = strength[y0:y1, c.x0:c.x1]
        rel_h = c.h / H
        if c.w < 0.5 * typ and c.w < 0.34 * H:
            if rel_h < 0.75:
                if rel_h >= 0.3:
                    ln.dropped.append(c)
                continue  # lone segment that is not the line's height: not a "1"
            d = decode_narrow(cell)
            if d.char:
                d.confidence *= 0.5 + 0.5 * _straightness(cell)
            glyphs.append(_Glyph(c.x0, c.x1, d.char, d.confidence, True, d.fills, 0.0, None))
            continue
        if rel_h < 0.75 and c.w > 1.5 * c.h and c.h < 0.3 * H:
            # a bar: minus sign when it sits mid-height
            cy = (c.y0 + c.y1) / 2 - y0
            if 0.3 * H < cy < 0.7 * H:
                glyphs.append(_Glyph(c.x0, c.x1, "-", 0.9, False, None))
            continue
        if c.w < 3:
            continue
        fills, hole, levels = sample_segments(cell, inten)
        d: GlyphDecode = decode_fills(fills, hole)
        asp = c.w / H
        if asp > 1.0:
            d.confidence *= float(np.clip(1.0 - (asp - 1.0) / 0.4, 0.0, 1.0))
        glyphs.append(_Glyph(c.x0, c.x1, d.char, d.confidence, False, fills, hole, levels))
    return glyphs


def _remove_ghosts(all_glyphs: list[_Glyph]) -> None:
    """Cluster lit-zone intensities of all glyphs; a clearly dimmer cluster is ghost
    (unlit) LCD segments: switch those off and decode again."""
    vals = []
    for g in all_glyphs:
        if g.fills is None or g.levels is None:
            continue
        for i in range(7):
            if g.fills[i] >= 0.45 and np.isfinite(g.levels[i]):
                vals.append(g.levels[i])
    if len(vals) < 4:
        return
    v = np.sort(np.asarray(vals))
    best_t, best_b = None, -1.0
    for k in range(1, len(v)):
        a, b = v[:k], v[k:]
        bv = len(a) * len(b) * (a.mean() - b.mean()) ** 2
        if bv > best_b:
            best_b, best_t = bv, k
    lo, hi = v[:best_t], v[best_t:]
    sd = np.sqrt((lo.var() * len(lo) + hi.var() * len(hi)) / len(v)) + 1e-6
    if not (lo.mean() < 0.6 * hi.mean() and hi.mean() - lo.mean() > 3.0 * sd):
        return
    thr = (lo.max() + hi.min()) / 2
    for g in all_glyphs:
        if g.fills is None or g.levels is None:
            continue
        f = g.fills.copy()
        ghost = np.isfinite(g.levels) & (g.levels < thr)
        if not ghost.any():
            continue
        f[ghost] = 0.0
        if f.max() < 0.45:
            g.char, g.conf = "", 0.0
            continue
        d = decode_fills(f, g.hole * 0.0)
        g.char, g.conf, g.fills = d.char, d.confidence, f


def _attach_dots(ln: _Line, glyphs: list[_Glyph]) -> None:
    """Decimal points (near the baseline) and colons (two dots stacked) go after the
    glyph on their left."""
    if not glyphs or not ln.dots:
        return
    H = ln.h
    used = set()
    dots = sorted(ln.dots, key=lambda d: d.x0)
    for i, d in enumerate(dots):
        if i in used:
            continue
        cx, cy = (d.x0 + d.x1) / 2, (d.y0 + d.y1) / 2 - ln.y0
        left = [g for g in glyphs if (g.x0 + g.x1) / 2 < cx and g.char]
        if not left:
            continue
        g = max(left, key=lambda g: g.x1)
        if cx - g.x1 > 0.6 * H:
            continue
        right = [k for k in glyphs if (k.x0 + k.x1) / 2 > cx]
        partner = None
        for j in range(i + 1, len(dots)):
            e = dots[j]
            if j not in used and min(d.x1, e.x1) - max(d.x0, e.x0) > -0.05 * H:
                partner = j
                break
        if partner is not None:
            e = dots[partner]
            cy2 = (e.y0 + e.y1) / 2 - ln.y0
            top, bot = min(cy, cy2), max(cy, cy2)
            if top < 0.5 * H < bot and bot - top > 0.2 * H and right:
                g.suffix = ":"
                used.update({i, partner})
                continue
        if cy > 0.72 * H and cx < g.x1 + 0.45 * H:
            g.suffix = "."
            used.add(i)


def _fields(ln: _Line, glyphs: list[_Glyph]) -> list[list[_Glyph]]:
    glyphs = [g for g in glyphs if g.char]
    if not glyphs:
        return []
    H = ln.h
    widths = [g.x1 - g.x0 for g in glyphs if not g.narrow]
    typ = float(np.median(widths)) if widths else 0.55 * H
    fields = [[glyphs[0]]]
    for prev, g in zip(glyphs[:-1], glyphs[1:]):
        gx0 = g.x1 - typ if g.narrow else g.x0
        gx0 = max(gx0, prev.x1)
        gap = gx0 - prev.x1
        limit = max(0.8 * typ, 0.55 * H) + (0.35 * H if prev.suffix == ":" else 0.0)
        if gap > limit:
            fields.append([g])
        else:
            fields[-1].append(g)
    return fields


# ------------------------------------------------------------------------ hypotheses


def _foreground(work: np.ndarray, polarity: str, k: int) -> np.ndarray:
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    if polarity == LIGHT_ON_DARK:
        return cv2.morphologyEx(work, cv2.MORPH_TOPHAT, kernel)
    return cv2.morphologyEx(work, cv2.MORPH_BLACKHAT, kernel)


@dataclass
class _Hypothesis:
    score: float
    readings: list[tuple[str, float, tuple[float, float, float, float], list[float], float]]
    matrix: np.ndarray  # upright px <- work px (3x3)
    # boxes (x0, y0, x1, y1, upright px) of lines whose glyphs mostly have ink in their counters
    suspicious: list[tuple[float, float, float, float]] = field(default_factory=list)


def _non_seven_segment_penalty(ln: _Line, glyphs: list[_Glyph], binary: np.ndarray) -> float:
    """Confidence factor ``(0, 1]`` for a display line that shows signs of not being
    seven-segment: ink inside a glyph's counters (diagonals or centre strokes of a
    14/16-segment display, printed letters) or ink between two adjacent lone strokes
    (the diagonals of a 14-segment M or N).  Seven-segment glyphs leave both empty."""
    H = ln.h
    y0, y1 = int(round(ln.y0 + 0.15 * H)), int(round(ln.y1 - 0.15 * H))
    pen = 1.0
    holes = [g.hole for g in glyphs if g.fills is not None and not g.narrow]
    if holes and max(holes) > 0.2:
        pen *= 0.3
    if any(g.narrow and g.conf < 0.3 for g in glyphs):
        pen *= 0.5  # a full-height stroke with stubs/diagonals (see decode_narrow)
    for c in ln.dropped:
        # a partial glyph column (not the line's height) right next to a lone stroke:
        # one glyph split in two, e.g. a 14-segment 4 whose halves do not touch
        for g in glyphs:
            if g.narrow and g.char and (0 <= g.x0 - c.x1 < 0.2 * H or 0 <= c.x0 - g.x1 < 0.2 * H):
                pen *= 0.3
                break
    chars = [g for g in glyphs if g.char]
    for a, b in zip(chars[:-1], chars[1:]):
        if not (a.narrow and b.narrow) or b.x0 - a.x1 < 3 or b.x0 - a.x1 > 0.7 * H:
            continue
        between = binary[y0:y1, a.x1 + 1:b.x0 - 1]
        if between.size and float(between.mean()) > 0.05:
            pen *= 0.3
            break
    return pen


def _thresholds(u8: np.ndarray) -> list[float]:
    """Candidate binarisation levels of a ``(H, W) uint8`` foreground-strength image:
    Otsu (at least 70), Otsu of the pixels above it (separates lit from ghost segments,
    or segments from a dominant bezel's faint remainder) and a lower level for faint
    segments next to a much stronger frame."""
    t, _ = cv2.threshold(u8, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    t = max(float(t), 70.0)
    out = [t]
    v = u8[u8 > t]
    if v.size > 60:
        t_hi, _ = cv2.threshold(v.reshape(1, -1), 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        if float(t_hi) > t + 15 and float(t_hi) < 235:
            out.append(float(t_hi))
    v = u8[(u8 > 25) & (u8 <= t)]
    if v.size > 60:
        t_lo, _ = cv2.threshold(v.reshape(1, -1), 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        if 40.0 <= float(t_lo) < t - 15:
            out.append(float(t_lo))
    return out


def _run_hypothesis(fg: np.ndarray) -> _Hypothesis | None:
    """Binarise a foreground-strength image at each of :func:`_thresholds` and decode;
    returns the best-scoring hypothesis (``None`` when the contrast is too low)."""
    hi = float(np.percentile(fg, 99.7))
    if hi < MIN_CONTRAST:
        return None
    u8 = np.clip(fg * (255.0 / hi), 0, 255).astype(np.uint8)
    angle, shear = _estimate_rotation_slant(u8)
    m, (ow, oh) = _warp_matrix(u8.shape, angle, shear)
    if abs(angle) > 1e-6 or abs(shear) > 1e-6:
        u8w = cv2.warpAffine(u8, m[:2], (ow, oh), flags=cv2.INTER_LINEAR, borderValue=0)
    else:
        u8w = u8
        m = np.eye(3)
    best: _Hypothesis | None = None
    suspicious: list[tuple[float, float, float, float]] = []
    for i, t in enumerate(_thresholds(u8)):
        hyp = _decode_binary(u8w, t, m, hi)
        if i == 0:
            # signs of a 14-segment display (or print) at the main threshold also
            # hold for the other binarisations, which may merely lose the diagonals
            suspicious = hyp.suspicious
        if best is None or hyp.score > best.score + 1e-9:
            best = hyp
    if best is not None and suspicious:
        out = []
        for r in best.readings:
            x0, y0, x1, y1 = r[2]
            hit = any(min(x1, b[2]) - max(x0, b[0]) > 0.3 * (x1 - x0) and min(y1, b[3]) - max(y0, b[1]) > 0.5 * (y1 - y0)
                      for b in suspicious)
            if hit:
                best.score -= r[1] * len(r[3]) * 0.9
            out.append((r[0], r[1] * 0.1, *r[2:]) if hit else r)
        best.readings = out
    return best


def _decode_binary(u8w: np.ndarray, t: float, m: np.ndarray, contrast: float) -> _Hypothesis:
    """Components, columns, lines, glyphs and fields of the upright strength image
    ``u8w`` binarised at ``t``; ``contrast`` is the foreground strength (grey levels)
    that ``u8w``'s 255 stands for."""
    binary = (u8w > t).astype(np.uint8)
    strength = u8w.astype(np.float32)
    st = _components(binary)
    cols = _columns(st)
    lines = _lines(cols, st)
    all_glyphs: list[tuple[_Line, list[_Glyph]]] = []
    for ln in lines:
        _merge_split_columns(ln, st)
        _split_wide(ln, binary)
        all_glyphs.append((ln, _decode_line(ln, binary, strength)))
    _remove_ghosts([g for _, gs in all_glyphs for g in gs])
    readings = []
    score = 0.0
    suspicious: list[tuple[float, float, float, float]] = []
    n_lines = len(lines)
    W = binary.shape[1]
    for ln, gs in all_glyphs:
        _attach_dots(ln, [g for g in gs if g.char])
        line_pen = _non_seven_segment_penalty(ln, gs, binary)
        wide = [g for g in gs if g.fills is not None and not g.narrow]
        filled = [g for g in wide if g.hole > 0.2]
        if filled and len(filled) >= 0.4 * len(wide):
            # most glyphs carry ink in their counters: not seven-segment
            suspicious.append((float(min(g.x0 for g in filled)), ln.y0, float(max(g.x1 for g in filled)), ln.y1))
        for fld in _fields(ln, gs):
            while fld and fld[-1].char == "-" and not fld[-1].suffix:
                fld = fld[:-1]  # a trailing bar is a label/glare remnant, not a minus sign
            if not fld or all(g.char == "-" for g in fld):
                continue
            text = "".join(g.char + g.suffix for g in fld)
            confs = [g.conf for g in fld]
            conf = float(np.prod(confs)) * line_pen
            if all(g.narrow for g in fld):
                conf *= 0.8
                if fld[0].x0 < 0.12 * W or fld[-1].x1 > 0.88 * W:
                    conf *= 0.25  # a lone stroke at the crop edge is usually a bezel edge
            if n_lines > 6:
                conf *= 6.0 / n_lines
            if contrast < 70 and all(g.char == "8" for g in fld):
                conf *= 0.2  # faint all-segments glyphs: ghosts of a blank display
            box = (float(fld[0].x0), ln.y0, float(fld[-1].x1), ln.y1)
            readings.append([text, conf, box, confs, ln.h, all(g.narrow for g in fld)])
    # a field of lone strokes much smaller than a confidently read field is a frame
    # corner or icon edge, not a row of "1"s
    main_h = max((r[4] for r in readings if r[1] >= 0.5 and not r[5]), default=0.0)
    for r in readings:
        if r[5] and r[4] < 0.6 * main_h:
            r[1] *= 0.1
    for r in readings:
        # junk (low-confidence glyphs) costs score, so a hypothesis that reads the
        # digits cleanly beats one that reads more ink badly
        n = len(r[3])
        score += r[1] * n if r[1] >= 0.3 else -0.1 * n
    return _Hypothesis(score, [tuple(r[:5]) for r in readings], m, suspicious)


def _inner_windows(gray: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Display windows inside a frame: large, roughly rectangular regions (brighter or
    darker than their surround) that do not touch the crop border, e.g. an LCD glass
    inside a black bezel or a dark LED panel inside a white device front.

    Args:
        gray: ``(H, W) float32`` luminance, 0..255.

    Returns:
        Up to 3 boxes ``(x0, y0, x1, y1)`` (exclusive ends) in ``gray`` pixels, inset by
        a pixel, smallest first; ``[]`` when the crop shows no framed window.
    """
    H, W = gray.shape
    s = min(1.0, 160.0 / max(H, W))
    g = cv2.resize(gray, (max(8, int(round(W * s))), max(8, int(round(H * s)))), interpolation=cv2.INTER_AREA) if s < 1 else gray
    g = cv2.GaussianBlur(g, (0, 0), 1.0)
    h, w = g.shape
    u8 = np.clip(g, 0, 255).astype(np.uint8)
    t0, _ = cv2.threshold(u8, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    thresholds = [t0]
    for sel in (u8 > t0, u8 <= t0):
        v = u8[sel]
        if v.size > 50 and int(v.max()) - int(v.min()) > 20:
            t1, _ = cv2.threshold(v.reshape(1, -1), 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
            thresholds.append(t1)
    boxes: list[tuple[float, tuple[int, int, int, int]]] = []
    for t in thresholds:
        for mask in ((u8 > t), (u8 <= t)):
            m = mask.astype(np.uint8)
            m = cv2.morphologyEx(m, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
            contours, _ = cv2.findContours(m, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
            for c in contours:
                x, y, cw, ch = cv2.boundingRect(c)
                touches = int(x <= 0) + int(y <= 0) + int(x + cw >= w) + int(y + ch >= h)
                if touches > 1:  # a window cut by the crop on one side is still a window
                    continue
                if cw < 0.3 * w or ch < 0.3 * h or cw * ch > 0.9 * w * h or cw < 12 or ch < 8:
                    continue
                if cv2.contourArea(c) < 0.75 * cw * ch:
                    continue
                # the surround (a ring just outside the box) must differ from the window
                inner = g[y + ch // 4:y + ch - ch // 4, x + cw // 4:x + cw - cw // 4]
                ring = np.concatenate([g[max(0, y - 3):y, x:x + cw].ravel(), g[y + ch:y + ch + 3, x:x + cw].ravel(),
                                       g[y:y + ch, max(0, x - 3):x].ravel(), g[y:y + ch, x + cw:x + cw + 3].ravel()])
                if ring.size == 0 or abs(float(np.median(ring)) - float(np.median(inner))) < 25:
                    continue
                ins = max(2, int(0.03 * min(cw, ch)))  # drop the frame's blurred inner edge
                bx0 = 0 if x <= 0 else x + ins
                by0 = 0 if y <= 0 else y + ins
                bx1 = w if x + cw >= w else x + cw - ins
                by1 = h if y + ch >= h else y + ch - ins
                box = (int(bx0 / s), int(by0 / s), min(W, int(bx1 / s)), min(H, int(by1 / s)))
                boxes.append((cw * ch, box))
    out: list[tuple[int, int, int, int]] = []
    for _, b in sorted(boxes, key=lambda t: t[0]):
        if all(_iou(b, o) < 0.9 for o in out):
            out.append(b)
        if len(out) == 3:
            break
    return out


def _iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    ua = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / max(1, ua)


def _read_gray(gray: np.ndarray) -> tuple[float, str, _Hypothesis, np.ndarray] | None:
    """Best hypothesis over both polarities for one ``(H, W) float32`` luminance crop:
    ``(score, polarity, hypothesis, to_work)`` where ``to_work`` maps crop pixels to
    working pixels (3x3); ``None`` when nothing stands out."""
    H, W = gray.shape
    s = min(1.0, WORK_MAX_HEIGHT / H, WORK_MAX_WIDTH / W)
    if H * s < WORK_MIN_HEIGHT:
        s = min(4.0, WORK_MIN_HEIGHT / H, 1600.0 / W) if W * WORK_MIN_HEIGHT / H <= 1600 else s
    s = max(s, 1e-3)
    if abs(s - 1.0) > 1e-3:
        interp = cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC
        work = cv2.resize(gray, (max(4, int(round(W * s))), max(4, int(round(H * s)))), interpolation=interp)
    else:
        work = gray
    sx, sy = work.shape[1] / W, work.shape[0] / H
    hw = work.shape[0]
    pad = max(4, int(0.08 * hw))
    work = cv2.copyMakeBorder(work, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    k = int(0.45 * hw) | 1
    k = max(9, min(k, 121))
    to_work = np.array([[sx, 0, pad], [0, sy, pad], [0, 0, 1]], dtype=np.float64)
    best: tuple[float, str, _Hypothesis, np.ndarray] | None = None
    for pol in (DARK_ON_LIGHT, LIGHT_ON_DARK):
        fg = _foreground(work, pol, k)
        hyp = _run_hypothesis(fg)
        if hyp is None:
            continue
        if best is None or hyp.score > best[0] + 1e-9:
            best = (hyp.score, pol, hyp, to_work)
    return best


def read_seven_segment(rgb: np.ndarray, min_confidence: float = 0.05) -> list[SegmentReading]:
    """Read the seven-segment fields in a display crop.

    Args:
        rgb: ``(H, W, 3) uint8`` RGB crop of a display region (roughly rectified; may
            include bezel, several fields or lines, either polarity, ghost segments,
            italic digits, rotation up to about 6 degrees).
        min_confidence: fields below this confidence (``[0, 1]``) are dropped.

    Returns:
        One :class:`SegmentReading` per field, top-to-bottom then left-to-right, boxes
        in input pixels; ``[]`` when no seven-segment characters are found or the crop
        is smaller than 8 px.

    Raises:
        SevenSegmentInputError: ``rgb`` is not a ``(H, W, 3) uint8`` array.
    """
    _validate(rgb)
    H, W = rgb.shape[:2]
    if H < 8 or W < 4:
        return []
    gray = _luminance(rgb)
    best = _read_gray(gray)
    best_off = (0, 0)
    for x0, y0, x1, y1 in _inner_windows(gray):
        if x1 - x0 < 8 or y1 - y0 < 8:
            continue
        cand = _read_gray(np.ascontiguousarray(gray[y0:y1, x0:x1]))
        if cand is not None and (best is None or cand[0] > best[0] + 1e-9):
            best, best_off = cand, (x0, y0)
    if best is None:
        return []
    _, pol, hyp, to_work = best
    shift = np.array([[1, 0, -best_off[0]], [0, 1, -best_off[1]], [0, 0, 1]], dtype=np.float64)
    inv = np.linalg.inv(hyp.matrix @ to_work @ shift)
    sy = to_work[1, 1]
    out: list[SegmentReading] = []
    for text, conf, (x0, y0, x1, y1), confs, lh in hyp.readings:
        if conf < min_confidence:
            continue
        pts = inv @ np.array([[x0, x1, x1, x0], [y0, y0, y1, y1], [1, 1, 1, 1]], dtype=np.float64)
        bx0, by0 = max(0, int(np.floor(pts[0].min()))), max(0, int(np.floor(pts[1].min())))
        bx1, by1 = min(W, int(np.ceil(pts[0].max()))), min(H, int(np.ceil(pts[1].max())))
        if bx1 <= bx0 or by1 <= by0:
            continue
        out.append(SegmentReading(text, float(np.clip(conf, 0, 1)), (bx0, by0, bx1 - bx0, by1 - by0), pol,
                                  [float(c) for c in confs], float(lh / sy)))
    out.sort(key=lambda r: (r.bbox[1] // max(1, int(r.digit_height * 0.5)), r.bbox[0]))
    return out
