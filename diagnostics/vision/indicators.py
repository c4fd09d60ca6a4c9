"""Lit indicators in a still photo: car tell-tales on a dark instrument cluster and
status LEDs on routers, modems and boilers.

A lit indicator is a compact blob that is brighter than what surrounds it and either
clearly coloured or so bright that the camera clips it (a white core with a coloured
halo).  :func:`find_lit_indicators` finds them at any size in an ``(H, W, 3) uint8`` RGB
photo, merges a lamp's glow and a symbol's separate strokes into one detection, and names
each one's colour from its measured hue with the rules of :mod:`diagnostics.vision.blink`
(:func:`~diagnostics.vision.blink.colour_name`, :func:`~diagnostics.vision.blink.light_colour`),
so a light gets the same colour name in a photo and in a video.

Method (on a copy whose long side is at most :data:`WORK_SIDE` px):

1. brightness ``V = max(R, G, B)``, saturation ``(max - min) / max``, and the local
   background level (a box mean over about a twelfth of the picture);
2. hysteresis: *strong* pixels (bright, well above the background, coloured or clipped)
   seed blobs; *weak* pixels (somewhat above the background: glow, anti-aliased edges)
   join them when connected, so a lamp and its halo are one blob;
3. parts of one symbol (the two brackets and the circle of the brake symbol, the drop of
   the oil can) are joined when they have the same colour and the gap between them is
   small against their size (:data:`JOIN_GAP`);
4. each blob is kept when it is compact (not a streak, an edge or a gauge's arc: see
   :data:`MIN_FILL`), not too large (:data:`MAX_SIDE_FRACTION`), not cut by the photo's
   edge (it could not be named), and clearly brighter than a ring around it (a lamp emits;
   a red car body or a blue screen does not stand out from its own surroundings);
5. its colour, mean hue / saturation / value, contrast against the ring, how dark the
   surroundings are, and a crop (with margin) for a symbol classifier, cut from the full
   resolution photo.

Whether the scene is an instrument cluster or a device panel at all is decided by the
caller (:mod:`diagnostics.telltales`), which also drops blobs that lie on a display
the photo stages read (LED digits are lit blobs too).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from ..schema import BBox
from .blink import colour_name, hue_saturation, light_colour

WORK_SIDE = 960
"""Long side, pixels, of the copy the detector works on (the crops come from full size)."""
MIN_VALUE = 130.0
"""A strong (seed) pixel has brightness ``max(R, G, B)`` at least this (0-255)."""
MIN_RISE = 45.0
"""... and is at least this much brighter than the local background level."""
MIN_SATURATION = 0.35
"""... and is coloured at least this much, or clipped (:data:`CLIPPED`)."""
CLIPPED = 240.0
"""Brightness at which a pixel counts as clipped by the camera (a white-hot lamp core)."""
PALE_RISE = 100.0
"""... or is pale (a white lamp, a washed-out colour) but this much above the background
and at least :data:`PALE_VALUE` bright."""
PALE_VALUE = 170.0
COLOURED_VALUE = 190.0
"""... or is a saturated lamp on a pale panel (a red LED on white plastic is hardly brighter
than the plastic): at least this bright, :data:`COLOURED_SATURATION` saturated and
:data:`SATURATION_GAIN` more saturated than its surroundings."""
COLOURED_SATURATION = 0.45
SATURATION_GAIN = 0.25
WEAK_RISE = 22.0
"""A weak (glow) pixel is at least this much brighter than the background."""
JOIN_GAP = 0.35
"""Two same-coloured blobs join when the gap between their boxes is at most this
fraction of the larger one's size (parts of one symbol)."""
MAX_SIDE_FRACTION = 0.3
"""A blob longer than this fraction of the picture's long side is a lamp, screen or
window, not an indicator."""
MIN_SIDE_PX = 5
"""A blob shorter than this on the working copy is noise or a specular dot."""
MIN_CONTRAST = 35.0
"""A lit blob's mean brightness exceeds the ring around it by at least this (0-255)."""
MAX_ASPECT = 3.0
"""A blob longer than this many times its width is a streak, an edge or a tick mark."""
MIN_FILL = 0.18
"""Lit pixels (glow included) cover at least this fraction of a blob's box; thin arcs and
rings of gauges cover less."""
CROP_MARGIN = 0.25
"""Crop margin on each side, as a fraction of the blob's longer side."""


@dataclass
class LitIndicator:
    """One lit indicator found in a photo.

    Attributes:
        bbox: ``(x, y, w, h)`` in pixels of the photo given to :func:`find_lit_indicators`.
        colour: ``"RED"``, ``"AMBER"``, ``"GREEN"``, ``"BLUE"`` or ``"WHITE"``
            (:data:`diagnostics.vision.blink.COLOURS`), from the measured hue.
        hue: hue of the light's colour, degrees ``[0, 360)``: the mean of its coloured
            pixels (a clipped white core left out), or, for a pale lamp, of the light its
            glow adds to the surroundings (the rule of
            :func:`~diagnostics.vision.blink.light_colour`).
        saturation: saturation of that colour, ``[0, 1]``.
        value: mean brightness ``max(R, G, B)`` of the lit pixels, 0-255.
        contrast: mean brightness of the blob minus that of a ring around it, 0-255.
        surround: mean brightness of that ring, 0-255 (a dark cluster: below about 80).
        fill: lit pixels / box area of the blob, ``[0, 1]``.
        lit: True when the blob is lit (bright and clearly above its surroundings).
        score: prominence (contrast x square root of the lit area), for ordering.
        crop: ``(h, w, 3) uint8`` RGB crop around the blob with a margin of
            :data:`CROP_MARGIN` on each side, square where the photo allows, from the
            full-resolution photo (for a symbol classifier); not exported.
    """

    bbox: BBox
    colour: str
    hue: float
    saturation: float
    value: float
    contrast: float
    surround: float
    fill: float
    lit: bool = True
    score: float = 0.0
    crop: np.ndarray | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        """JSON-safe fields (the crop is left out)."""
        return {"bbox": [int(v) for v in self.bbox], "colour": self.colour, "hue": round(self.hue, 1),
                "saturation": round(self.saturation, 3), "value": round(self.value, 1),
                "contrast": round(self.contrast, 1), "surround": round(self.surround, 1),
                "fill": round(self.fill, 3), "lit": bool(self.lit), "score": round(self.score, 1)}


def square_crop(rgb: np.ndarray, bbox: BBox, margin: float = CROP_MARGIN) -> np.ndarray:
    """Cut a square around ``bbox`` (side = longer box side x (1 + 2 x ``margin``)),
    shifted to stay inside the photo where it can.

    Args:
        rgb: ``(H, W, 3) uint8`` RGB.
        bbox: ``(x, y, w, h)`` pixels.
        margin: fraction of the longer side added on each side.

    Returns:
        ``(h, w, 3) uint8`` crop (square unless the photo is smaller than the square).

    Raises:
        ValueError: the box lies outside the photo.
    """
    H, W = rgb.shape[:2]
    x, y, w, h = (float(v) for v in bbox)
    if w <= 0 or h <= 0 or x >= W or y >= H or x + w <= 0 or y + h <= 0:
        raise ValueError(f"box {bbox} is outside the {W}x{H} photo")
    side = max(w, h) * (1 + 2 * margin)
    side = min(side, max(W, H))
    cx, cy = x + w / 2, y + h / 2
    x0 = int(round(min(max(0.0, cx - side / 2), max(0.0, W - side))))
    y0 = int(round(min(max(0.0, cy - side / 2), max(0.0, H - side))))
    x1, y1 = min(W, x0 + int(round(side))), min(H, y0 + int(round(side)))
    if x1 <= x0 or y1 <= y0:
        raise ValueError(f"box {bbox} is outside the {W}x{H} photo")
    return np.ascontiguousarray(rgb[y0:y1, x0:x1])


def _boxes_close(a: tuple[int, int, int, int], b: tuple[int, int, int, int], gap_frac: float) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    gx = max(0, max(ax, bx) - min(ax + aw, bx + bw))
    gy = max(0, max(ay, by) - min(ay + ah, by + bh))
    size = max(aw, ah, bw, bh)
    return max(gx, gy) <= gap_frac * size


def _union(a, b):
    x0, y0 = min(a[0], b[0]), min(a[1], b[1])
    x1, y1 = max(a[0] + a[2], b[0] + b[2]), max(a[1] + a[3], b[1] + b[3])
    return (x0, y0, x1 - x0, y1 - y0)


def _join_parts(blobs: list[dict], gap_frac: float, max_side: float) -> list[dict]:
    """Join blobs of one colour whose boxes are close against their size (one symbol's
    strokes), repeatedly until nothing changes; a join that would make a box longer than
    ``max_side`` or more than 3:1 elongated from two compact parts is refused."""
    changed = True
    while changed:
        changed = False
        for i in range(len(blobs)):
            if blobs[i] is None:
                continue
            for j in range(i + 1, len(blobs)):
                b, a = blobs[j], blobs[i]
                if b is None or a["colour"] != b["colour"] or not _boxes_close(a["box"], b["box"], gap_frac):
                    continue
                u = _union(a["box"], b["box"])
                if max(u[2], u[3]) > max_side:
                    continue
                # two similar parts side by side make one symbol; a row of lamps does not:
                # refuse joins that create a long strip out of parts of similar size
                if max(u[2], u[3]) > 2.6 * min(u[2], u[3]) and \
                        min(a["box"][2] * a["box"][3], b["box"][2] * b["box"][3]) > 0.35 * max(a["box"][2] * a["box"][3], b["box"][2] * b["box"][3]):
                    continue
                a["box"] = u
                a["labels"] = a["labels"] + b["labels"]
                blobs[j] = None
                changed = True
    return [b for b in blobs if b is not None]


def find_lit_indicators(rgb: np.ndarray, *, limit: int = 24) -> list[LitIndicator]:
    """Find lit indicators (tell-tales, status LEDs) in a photo.

    Args:
        rgb: ``(H, W, 3) uint8`` RGB, upright.
        limit: most indicators returned (most prominent first).

    Returns:
        :class:`LitIndicator` list, most prominent first, boxes in pixels of ``rgb``;
        empty when nothing lit stands out.

    Raises:
        ValueError: ``rgb`` is not an ``(H, W, 3)`` uint8 array of at least 8 x 8 pixels.
    """
    arr = np.asarray(rgb)
    if arr.ndim != 3 or arr.shape[2] != 3 or arr.dtype != np.uint8 or min(arr.shape[:2]) < 8:
        raise ValueError(f"expected an (H, W, 3) uint8 RGB image of at least 8 x 8 pixels, got {arr.shape} {arr.dtype}")
    H, W = arr.shape[:2]
    scale = max(1.0, max(H, W) / WORK_SIDE)
    work = arr if scale == 1.0 else cv2.resize(arr, (round(W / scale), round(H / scale)), interpolation=cv2.INTER_AREA)
    h, w = work.shape[:2]
    f = work.astype(np.float32)
    r, g, b = cv2.split(work)
    val = cv2.max(cv2.max(r, g), b).astype(np.float32)  # channel max/min by OpenCV: ~10x numpy's reduce
    mn = cv2.min(cv2.min(r, g), b).astype(np.float32)
    sat = (val - mn) / np.maximum(val, 1.0)
    k = max(15, (max(h, w) // 12) | 1)
    # background: box mean of a copy where bright pixels are capped, so a lamp does not
    # raise its own background much
    capped = np.minimum(val, cv2.blur(val, (k, k)) + 40.0)
    local = cv2.blur(capped, (k, k))
    rise = val - local
    local_sat = cv2.blur(sat, (k, k))
    strong = (val >= MIN_VALUE) & (rise >= MIN_RISE) & ((sat >= MIN_SATURATION) | (val >= CLIPPED)
                                                        | ((rise >= PALE_RISE) & (val >= PALE_VALUE)))
    strong |= (val >= COLOURED_VALUE) & (sat >= COLOURED_SATURATION) & (sat - local_sat >= SATURATION_GAIN)
    if not strong.any():
        return []
    weak = (rise >= WEAK_RISE) & (val >= 0.6 * MIN_VALUE)
    weak = cv2.morphologyEx(weak.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8)).astype(bool) | strong
    n, labels, stats, _ = cv2.connectedComponentsWithStats(weak.astype(np.uint8), connectivity=8)
    has_strong = np.zeros(n, bool)
    has_strong[np.unique(labels[strong])] = True
    max_side = MAX_SIDE_FRACTION * max(h, w)
    blobs: list[dict] = []
    for lab in range(1, n):
        x, y, bw, bh, area = (int(v) for v in stats[lab])
        if not has_strong[lab] or max(bw, bh) > max_side or area < 6:
            continue
        core = (labels[y:y + bh, x:x + bw] == lab) & strong[y:y + bh, x:x + bw]
        if core.sum() < 3:
            continue
        pix = f[y:y + bh, x:x + bw][core]
        blobs.append({"box": (x, y, bw, bh), "labels": [lab], "colour": _blob_colour(pix, sat[y:y + bh, x:x + bw][core])})
    blobs = _join_parts(blobs, JOIN_GAP, max_side)
    out: list[LitIndicator] = []
    for b in blobs:
        ind = _measure(b, labels, strong, f, val, sat, scale, arr, (h, w))
        if ind is not None:
            out.append(ind)
    out.sort(key=lambda i: -i.score)
    return out[:limit]


def _blob_colour(pix: np.ndarray, s: np.ndarray) -> str:
    """Colour of a blob's strong pixels ``(N, 3) float`` with saturations ``s`` ``(N,)``: its
    coloured pixels decide when there are enough of them (a clipped core is left out), else
    all of them."""
    coloured = pix[s >= MIN_SATURATION]
    use = coloured if len(coloured) >= max(3, 0.15 * len(pix)) else pix
    return colour_name(use.mean(axis=0))


def _measure(b: dict, labels, strong, f, val, sat, scale, full, work_hw) -> LitIndicator | None:
    """Measure one joined blob on the working copy; ``None`` when it is not a lamp."""
    h, w = work_hw
    x, y, bw, bh = b["box"]
    if max(bw, bh) < MIN_SIDE_PX:
        return None
    sub = labels[y:y + bh, x:x + bw]
    member = np.isin(sub, b["labels"])
    core = member & strong[y:y + bh, x:x + bw]
    n_core = int(core.sum())
    if n_core < 4:
        return None
    # a streak, an edge or a gauge's tick mark, not a lamp: tell-tale symbols and status
    # lights are compact (the widest, ABS between brackets, about 1.5:1)
    if max(bw, bh) > MAX_ASPECT * max(1, min(bw, bh)):
        return None
    edge = max(2, int(0.004 * max(h, w)))
    if x <= edge or y <= edge or x + bw >= w - edge or y + bh >= h - edge:
        return None  # cut by the photo's edge
    if float(member.sum()) < MIN_FILL * bw * bh:
        return None  # a thin arc or ring (gauge), not a lamp
    pad = max(2, int(round(0.5 * max(bw, bh))))
    x0, y0, x1, y1 = max(0, x - pad), max(0, y - pad), min(w, x + bw + pad), min(h, y + bh + pad)
    ring = np.ones((y1 - y0, x1 - x0), bool)
    ring[y - y0:y - y0 + bh, x - x0:x - x0 + bw] = False
    if ring.sum() < 4:
        return None
    # (per-pixel brightness and saturation come from the maps computed once per photo)
    ring_rgb = f[y0:y1, x0:x1][ring]
    ring_val = float(np.median(val[y0:y1, x0:x1][ring]))
    pix = f[y:y + bh, x:x + bw][core]
    core_val = float(val[y:y + bh, x:x + bw][core].mean())
    contrast = core_val - ring_val
    mean_rgb = pix.mean(axis=0)
    coloured = pix[sat[y:y + bh, x:x + bw][core] >= MIN_SATURATION]
    # the light's own colour: its coloured pixels when there are enough (a clipped white
    # core is left out), else all of it
    hue_src = coloured.mean(axis=0) if len(coloured) >= max(3, 0.15 * n_core) else mean_rgb
    _, sat_own = hue_saturation(hue_src)
    ring_sat = float(np.median(sat[y0:y1, x0:x1][ring]))
    # lit: clearly brighter than the ring around it, or (a lamp on pale plastic) bright and
    # much more coloured than it
    if contrast < MIN_CONTRAST and not (core_val >= COLOURED_VALUE and sat_own - ring_sat >= 0.3):
        return None
    # the light a lamp adds around itself: a band just outside its lit core (its glow) against
    # the background further out (a clipped white core keeps its colour only in the glow)
    win_core = np.zeros((y1 - y0, x1 - x0), np.uint8)
    win_core[y - y0:y - y0 + bh, x - x0:x - x0 + bw] = core
    r = max(1, int(round(0.12 * max(bw, bh))))
    band = cv2.dilate(win_core, np.ones((2 * r + 1, 2 * r + 1), np.uint8)).astype(bool) & ~win_core.astype(bool)
    glow_rgb = f[y0:y1, x0:x1][band] if band.any() else pix
    added = glow_rgb.mean(axis=0) - np.median(ring_rgb, axis=0)
    colour = light_colour(hue_src, added)
    # hue and saturation of the colour that named it (light_colour's rule): the light's own
    # when it is clearly coloured, else the light its glow adds to the surroundings
    hue, sat_light = hue_saturation(hue_src if sat_own >= 0.35 else np.clip(added, 0, None))
    X, Y = int(round(x * scale)), int(round(y * scale))
    box = (X, Y, max(1, int(round(bw * scale))), max(1, int(round(bh * scale))))
    box = (X, Y, min(box[2], full.shape[1] - X), min(box[3], full.shape[0] - Y))
    try:
        crop = square_crop(full, box)
    except ValueError:
        return None
    return LitIndicator(
        bbox=box, colour=colour, hue=float(hue), saturation=float(sat_light), value=core_val, contrast=contrast,
        surround=ring_val, fill=float(member.sum()) / float(bw * bh), lit=True,
        score=float(contrast * np.sqrt(n_core * scale * scale)), crop=crop,
    )
