"""Blinking indicator lights (LED blink codes) in a video.

Boilers without a display, routers and many appliances signal faults with a light that
is steady, blinks slowly or quickly, or flashes a number of times, pauses and repeats.
This module finds such lights in low-resolution frames (every frame counts for timing),
measures their colour and on/off timeline and decodes the pattern into a **blink
notation** code that the knowledge base maps (``diagnostics/knowledge/seed/blink_codes.yaml``):

================================  ===========================================================
``BLINK:<COLOUR>:STEADY``         lit for the whole clip
``BLINK:<COLOUR>:SLOW``           regular on/off, period >= :data:`FAST_PERIOD_S` (0.7 s)
``BLINK:<COLOUR>:FAST``           regular on/off, period < 0.7 s (more than ~1.4 flashes/s)
``BLINK:<COLOUR>:<N>``            N flashes, a pause, repeating (``BLINK:RED:3``)
``BLINK:<COLOUR>:<N>+<M>``        groups of N and M flashes alternating, N <= M (``BLINK:AMBER:2+3``)
================================  ===========================================================

``<COLOUR>`` is one of ``RED``, ``AMBER`` (orange and yellow), ``GREEN``, ``BLUE``,
``WHITE``.  A pause is an off time at least :data:`PAUSE_RATIO` (2x) the off time between
flashes and at least :data:`MIN_PAUSE_S`.  A single flash between equal pauses is a
regular blink (``SLOW``/``FAST``), not ``1``.  The notation is ours; the key of
``BLINK:RED:3`` under :func:`diagnostics.knowledge.keys.match_key` is ``BLINKRED3``,
distinct from ``BLINKREDSTEADY`` and the others.

Method (per clip):

1. frames (``(h, w, 3) uint8`` RGB, about 128-160 px long side) are aligned to the first
   one by phase correlation (hand shake);
2. candidate lights: compact blobs whose brightness (HSV value, max of R, G, B) swings
   strongly over time (blinking), or that are near-saturated, brighter than their
   surroundings and coloured for the whole clip (steady);
3. per blob, a brightness series; on/off by a threshold halfway between the dark and
   bright levels (10th / 90th percentiles), one-frame glitches removed;
4. colour from the light the LED adds (mean of on frames minus off frames around the
   blob; for steady lights, the blob minus its surroundings), hue -> name;
5. runs -> flashes, gaps, pauses, groups; edge runs cut by the clip start/end are not
   counted as complete.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import cv2
import numpy as np

FAST_PERIOD_S = 0.7
"""A regular blink with a period shorter than this is FAST, else SLOW."""
PAUSE_RATIO = 2.0
"""An off time this many times the typical between-flash off time is a pause."""
MIN_PAUSE_S = 0.8
"""A pause between flash groups lasts at least this long (seconds)."""
MIN_SWING = 45.0
"""A blinking light's bright and dark levels differ by at least this (0-255)."""
MAX_BLOB_FRACTION = 0.03
"""Blobs larger than this fraction of the picture are screens or lamps, not indicators."""
COLOURS = ("RED", "AMBER", "GREEN", "BLUE", "WHITE")
IRREGULARITY = 0.3
"""A regular blink's periods vary by less than this fraction (standard deviation / median)."""
PERCENTILE_FRAMES = 240
"""Frames used for the per-pixel brightness percentiles that find candidate lights."""
MAX_COUNT = 15
"""Flash counts above this are not a blink code (a fast blink counted)."""


@dataclass
class BlinkResult:
    """One indicator light and what it did.

    Attributes:
        code: blink notation (``"BLINK:RED:3"``), see module doc.
        colour: one of :data:`COLOURS`.
        pattern: ``"steady"``, ``"slow"``, ``"fast"`` or ``"groups"``.
        count: flashes per group (``"groups"``), else 0; ``counts`` the group counts seen.
        period_s: median on+off period (regular blinks), seconds; ``on_s`` / ``off_s``
            median on / between-flash off times, ``pause_s`` median pause (groups).
        groups_seen: complete groups (or full periods) observed.
        confidence: ``[0, 1]``.
        bbox: ``(x, y, w, h)`` of the light in the analysed thumbnails' pixels (see
            ``frame_size``); scale it to other frame sizes.
        frame_size: ``(width, height)`` of those thumbnails.
        t_start, t_end: seconds covered.
        timeline: ``(t_start, t_end, "on"|"off")`` runs, seconds.
        description: plain-language sentence (``"red light: 3 flashes, pause, repeating
            (seen 3 times)"``).
    """

    code: str
    colour: str
    pattern: str
    count: int = 0
    counts: list[int] = field(default_factory=list)
    period_s: float = 0.0
    on_s: float = 0.0
    off_s: float = 0.0
    pause_s: float = 0.0
    groups_seen: int = 0
    confidence: float = 0.0
    bbox: tuple[int, int, int, int] = (0, 0, 0, 0)
    frame_size: tuple[int, int] = (0, 0)
    t_start: float = 0.0
    t_end: float = 0.0
    timeline: list[tuple[float, float, str]] = field(default_factory=list)
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["timeline"] = [list(x) for x in self.timeline]
        return d


# ------------------------------------------------------------------------ colour
def hue_saturation(rgb: np.ndarray | tuple[float, float, float]) -> tuple[float, float]:
    """Hue (degrees, ``[0, 360)``) and saturation (``(max - min) / max``, ``[0, 1]``) of one
    colour given as R, G, B (any scale, non-negative); ``(0.0, 0.0)`` for black."""
    r, g, b = (float(x) for x in np.asarray(rgb, np.float64).reshape(3))
    mx, mn = max(r, g, b), min(r, g, b)
    if mx <= 1e-6 or mx - mn <= 1e-9:
        return 0.0, 0.0
    d = mx - mn
    if mx == r:
        h = (60 * ((g - b) / d)) % 360
    elif mx == g:
        h = 60 * ((b - r) / d) + 120
    else:
        h = 60 * ((r - g) / d) + 240
    return float(h), float(d / mx)


HUE_BORDERS = {("RED", "AMBER"): 18.0, ("AMBER", "GREEN"): 68.0, ("GREEN", "BLUE"): 175.0}
"""Hue (degrees) where :func:`colour_name` passes from one colour to the next (blue turns
back to red at 300)."""


def colour_name(rgb: np.ndarray | tuple[float, float, float]) -> str:
    """Name the colour of a light from the RGB it adds (any scale, non-negative).

    Hue bands (degrees): red < 18 or >= 300; amber 18-68 (orange, yellow); green 68-175;
    blue 175-300; white when saturation (max-min)/max < 0.28.  Phone cameras render red
    LEDs towards orange/pink and green LEDs towards cyan; the bands allow for that.
    """
    h, s = hue_saturation(rgb)
    if s < 0.28:
        return "WHITE"
    if h < HUE_BORDERS["RED", "AMBER"] or h >= 300:
        return "RED"
    if h < HUE_BORDERS["AMBER", "GREEN"]:
        return "AMBER"
    if h < HUE_BORDERS["GREEN", "BLUE"]:
        return "GREEN"
    return "BLUE"


# ------------------------------------------------------------------------ pattern
def runs(on: np.ndarray, times: np.ndarray) -> list[tuple[float, float, bool]]:
    """``(t_start, t_end, is_on)`` runs of a boolean series sampled at ``times`` (seconds);
    a run ends when the next one starts (the last one at the last sample + one frame)."""
    out: list[tuple[float, float, bool]] = []
    if len(on) == 0:
        return out
    dt = float(np.median(np.diff(times))) if len(times) > 1 else 0.0
    start = 0
    for i in range(1, len(on) + 1):
        if i == len(on) or on[i] != on[start]:
            end_t = float(times[i]) if i < len(on) else float(times[-1]) + dt
            out.append((float(times[start]), end_t, bool(on[start])))
            start = i
    return out


def _debounce(on: np.ndarray, fps: float) -> np.ndarray:
    """Remove single-frame flips between longer runs (compression or exposure glitches)
    when there are enough frames per second for a real flash to span several."""
    if fps < 14 or len(on) < 5:
        return on
    on = on.copy()
    for i in range(1, len(on) - 1):
        if on[i] != on[i - 1] and on[i - 1] == on[i + 1]:
            left = right = 0
            j = i - 1
            while j >= 0 and on[j] == on[i - 1] and left < 3:
                left += 1
                j -= 1
            j = i + 1
            while j < len(on) and on[j] == on[i + 1] and right < 3:
                right += 1
                j += 1
            if left >= 2 and right >= 2:
                on[i] = on[i - 1]
    return on


def decode_pattern(times: np.ndarray, on: np.ndarray, colour: str) -> BlinkResult | None:
    """Decode an on/off series into a :class:`BlinkResult` (bbox left empty).

    Args:
        times: ``(N,) float`` seconds, increasing.
        on: ``(N,) bool`` light on per sample.
        colour: colour name.

    Returns:
        The result, or ``None`` when the light is off throughout or the series is too short.
    """
    times = np.asarray(times, np.float64)
    on = np.asarray(on, bool)
    if len(on) < 3:
        return None
    rs = runs(on, times)
    t0, t1 = float(times[0]), rs[-1][1] if rs else float(times[-1])
    timeline = [(round(a, 3), round(b, 3), "on" if v else "off") for a, b, v in rs]
    name = colour.lower()
    base = dict(colour=colour, t_start=round(t0, 3), t_end=round(t1, 3), timeline=timeline)
    if on.all():
        dur = t1 - t0
        return BlinkResult(code=f"BLINK:{colour}:STEADY", pattern="steady", confidence=0.8 if dur >= 2 else 0.55,
                           description=f"{name} light: steady (lit for the whole {dur:.1f} s)", **base)
    if not on.any():
        return None
    inner = rs[1:-1]  # complete runs (the first and last may be cut by the clip)
    dt = float(np.median(np.diff(times)))
    if len(inner) >= 6 and sum(1 for a, b, _ in inner if b - a <= 1.5 * dt) > 0.3 * len(inner):
        return None  # mostly one-frame runs: flicker, not a lamp switching
    ons = [b - a for a, b, v in inner if v]
    offs = [(i, b - a) for i, (a, b, v) in enumerate(inner) if not v]
    lead, trail = rs[0], rs[-1]
    if not ons:
        # a single flash or a single dark spell: too little to call a pattern
        return BlinkResult(code=f"BLINK:{colour}:SLOW", pattern="slow", confidence=0.3,
                           description=f"{name} light: changed only once in the clip", **base)
    off_d = np.array([d for _, d in offs]) if offs else np.array([])
    pause_thr = None
    if len(off_d) >= 1:
        srt = np.sort(off_d)
        short = srt[0]
        # a gap is a pause when it is much longer than the shortest between-flash gap
        long_gaps = srt[(srt >= PAUSE_RATIO * short) & (srt >= MIN_PAUSE_S)]
        if len(long_gaps):
            pause_thr = max(MIN_PAUSE_S, float(np.sqrt(short * long_gaps.min())))
    # leading/trailing off runs long enough to be pauses also delimit groups
    if pause_thr is None and len(off_d):
        edge = [d for (a, b, v) in (lead, trail) if not v for d in [b - a]]
        short = float(off_d.min())
        if any(d >= PAUSE_RATIO * short and d >= MIN_PAUSE_S for d in edge) and len(ons) >= 2:
            pause_thr = max(MIN_PAUSE_S, PAUSE_RATIO * short)
    if pause_thr is not None:
        # split the runs into groups of flashes at pauses; a group is complete when a
        # pause was seen before and after it and none of its flashes is cut by the clip
        groups: list[tuple[int, bool]] = []
        n_cur, start_ok, cut = 0, (not lead[2]) and (lead[1] - lead[0]) >= pause_thr, False
        for i, (a, b, v) in enumerate(rs):
            if v:
                n_cur += 1
                cut = cut or i == 0 or i == len(rs) - 1
            elif (b - a) >= pause_thr:
                if n_cur:
                    groups.append((n_cur, start_ok and not cut))
                n_cur, start_ok, cut = 0, True, False
        if n_cur:
            groups.append((n_cur, False))
        complete = [g[0] for g in groups if g[1]]
        if complete and max(complete) <= MAX_COUNT:
            counts = complete
            values, freq = np.unique(counts, return_counts=True)
            if len(values) == 1:
                n = int(values[0])
                code_pat, pattern_txt = str(n), f"{n} flash{'es' if n > 1 else ''}, pause, repeating"
                conf = 0.9 if len(counts) >= 2 else 0.6
                if len(counts) == 1 and any(g[0] == n for g in groups if not g[1]):
                    conf = 0.7  # one whole group, and a group cut by the clip's edge agrees
            elif len(values) == 2 and len(counts) >= 4 and all(counts[i] != counts[i + 1] for i in range(len(counts) - 1)):
                a_, b_ = sorted(values.tolist())  # where the cycle starts cannot be seen
                code_pat, pattern_txt = f"{a_}+{b_}", f"{a_} flashes, pause, {b_} flashes, pause, repeating"
                conf = 0.75
                n = 0
            else:
                n = int(values[np.argmax(freq)])
                code_pat, pattern_txt = str(n), f"mostly {n} flashes between pauses (counts {counts})"
                conf = 0.5
            pauses = [b - a for a, b, v in inner if not v and (b - a) >= pause_thr]
            gaps = [d for d in off_d if d < pause_thr]
            seen = len(counts)
            return BlinkResult(
                code=f"BLINK:{colour}:{code_pat}", pattern="groups", count=n, counts=[int(c) for c in counts],
                on_s=round(float(np.median(ons)), 3), off_s=round(float(np.median(gaps)), 3) if gaps else 0.0,
                pause_s=round(float(np.median(pauses)), 3) if pauses else 0.0, groups_seen=seen,
                confidence=conf,
                description=f"{name} light: {pattern_txt} (seen {seen} time{'s' if seen > 1 else ''})", **base)
        if groups and not complete:
            n = max(g[0] for g in groups)
            return BlinkResult(code=f"BLINK:{colour}:{n}", pattern="groups", count=n, counts=[],
                               groups_seen=0, confidence=0.35,
                               description=f"{name} light: {n} flashes seen, but no whole group between two pauses",
                               **base)
    # regular blink
    periods = []
    for i in range(len(rs) - 2):
        a, b, v = rs[i]
        if v and i > 0:
            periods.append(rs[i + 2][0] - a)
    period = float(np.median(periods)) if periods else float(np.median(ons) + (np.median(off_d) if len(off_d) else 0))
    if len(periods) >= 3 and float(np.std(periods)) > IRREGULARITY * period:
        return None  # flicker (noise, compression, a reflection), not a blink code
    fast = period < FAST_PERIOD_S
    n_flash = sum(1 for _, _, v in rs if v)
    conf = 0.85 if n_flash >= 4 else 0.6 if n_flash == 3 else 0.45 if n_flash == 2 else 0.3
    longest_off = max((d for d in off_d), default=0.0)
    if any(not v and (b - a) > 1.5 * longest_off for a, b, v in (lead, trail)) and len(off_d):
        conf *= 0.5  # a longer dark spell at the clip's edge: perhaps a group and a pause
    rate = 1.0 / period if period > 0 else 0.0
    return BlinkResult(
        code=f"BLINK:{colour}:{'FAST' if fast else 'SLOW'}", pattern="fast" if fast else "slow",
        period_s=round(period, 3), on_s=round(float(np.median(ons)), 3),
        off_s=round(float(np.median(off_d)), 3) if len(off_d) else 0.0, groups_seen=max(0, len(periods)),
        confidence=conf,
        description=f"{name} light: {'fast' if fast else 'slow'} regular blink, about {rate:.1f} flashes per second", **base)


# ------------------------------------------------------------------------ tracking
class BlinkTracker:
    """Collects small frames of a clip and finds blinking or steady indicator lights.

    Args:
        max_side: long side of the frames kept, pixels (frames are downscaled to it).
        max_frames: frames kept at most (60 s at 30 fps); later frames are ignored.

    Memory: ``max_frames`` x the thumbnail (128 x 72 x 3 bytes = 27 KB): 50 MB at most.
    """

    def __init__(self, *, max_side: int = 128, max_frames: int = 1800):
        self.max_side = max_side
        self.max_frames = max_frames
        self.times: list[float] = []
        self.frames: list[np.ndarray] = []

    def add(self, t: float, rgb: np.ndarray) -> None:
        """Add one ``(h, w, 3) uint8`` RGB frame taken at ``t`` seconds."""
        if len(self.frames) >= self.max_frames:
            return
        h, w = rgb.shape[:2]
        if max(h, w) > self.max_side:
            s = self.max_side / max(h, w)
            rgb = cv2.resize(rgb, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA)
        if self.frames and rgb.shape != self.frames[0].shape:
            return
        self.times.append(float(t))
        self.frames.append(np.ascontiguousarray(rgb))

    def finish(self, *, limit: int = 3) -> list[BlinkResult]:
        """Analyse the collected frames; results for at most ``limit`` lights, most
        prominent first (blinking lights before steady ones)."""
        times, frames = np.array(self.times), self.frames
        self.times, self.frames = [], []  # free the thumbnails as soon as they are stacked
        return find_blinks(times, frames, limit=limit)


def _align(frames: list[np.ndarray]) -> np.ndarray:
    """Stack frames as ``(N, h, w, 3) uint8`` shifted onto the first one (hand shake,
    by phase correlation of the grey frames)."""
    h, w = frames[0].shape[:2]
    win = cv2.createHanningWindow((w, h), cv2.CV_32F)
    out = np.empty((len(frames), h, w, 3), np.uint8)
    ref = cv2.cvtColor(frames[0], cv2.COLOR_RGB2GRAY).astype(np.float32)
    for i, f in enumerate(frames):
        out[i] = f
        if i == 0:
            continue
        g = cv2.cvtColor(f, cv2.COLOR_RGB2GRAY).astype(np.float32)
        # OpenCV 5 windows its inputs in place: pass a copy of the reference (g is not reused)
        (dx, dy), resp = cv2.phaseCorrelate(ref.copy(), g, win)
        if resp > 0.3 and (abs(dx) > 0.3 or abs(dy) > 0.3) and abs(dx) < w / 4 and abs(dy) < h / 4:
            m = np.float32([[1, 0, -dx], [0, 1, -dy]])
            out[i] = cv2.warpAffine(f, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return out


def _sat(rgb: np.ndarray) -> float:
    mx = float(np.max(rgb))
    return 0.0 if mx <= 1e-6 else (mx - float(np.min(rgb))) / mx


def light_colour(on_core: np.ndarray, added: np.ndarray) -> str:
    """Colour of a lit lamp: its own colour when clearly coloured (a lamp on a white
    panel), else the colour of the light it adds to its surroundings (a lamp whose
    centre the camera clips to white, with a coloured halo).

    Args:
        on_core: mean R, G, B of the lamp (0-255).
        added: mean R, G, B the lamp adds to its surroundings (lit minus unlit, or lamp
            and halo minus the background around them); negative parts are ignored.

    Returns:
        One of :data:`COLOURS`.
    """
    if _sat(on_core) >= 0.35:
        return colour_name(on_core)
    return colour_name(np.clip(added, 0, None))


def find_blinks(times: np.ndarray, frames: list[np.ndarray], *, limit: int = 3) -> list[BlinkResult]:
    """Find indicator lights and decode their patterns.

    Args:
        times: ``(N,)`` seconds.
        frames: N ``(h, w, 3) uint8`` RGB frames of one size (about 128 px long side).
        limit: most lights returned.

    Returns:
        :class:`BlinkResult` list, blinking lights first, then steady ones; empty when
        no light was found or fewer than 5 frames were given.
    """
    n = len(frames)
    if n < 5:
        return []
    times = np.asarray(times, np.float64)
    stack = _align(frames)
    h, w = stack.shape[1:3]
    sub = stack[:: max(1, n // PERCENTILE_FRAMES)]  # percentiles over <= ~240 frames: fast enough
    hi = np.percentile(sub, 95, axis=0)  # (h, w, 3)
    lo = np.percentile(sub, 5, axis=0)
    swing = (hi - lo).max(axis=2)  # a red lamp on white plastic swings most in G and B
    blink_mask = (hi.max(axis=2) >= 110) & (swing >= MIN_SWING)
    mean_img = stack.mean(axis=0, dtype=np.float32)
    mval = mean_img.max(axis=2)
    mmin = mean_img.min(axis=2)
    sat = (mval - mmin) / np.maximum(mval, 1)
    local = cv2.GaussianBlur(mval, (0, 0), max(2.0, max(h, w) / 40))
    local_sat = cv2.GaussianBlur(sat, (0, 0), max(2.0, max(h, w) / 40))
    # steady lamp: bright all the time and either clearly brighter than its surroundings
    # (a lamp on a dark panel) or brightly coloured on a pale one (a lamp on white plastic)
    brighter = (mval - local >= 40) & ((sat >= 0.35) | (mval >= 245))
    coloured = (mval >= 215) & (sat >= 0.45) & (sat - local_sat >= 0.25)
    steady_mask = (lo.max(axis=2) >= 170) & (brighter | coloured)
    fps = (n - 1) / max(1e-6, times[-1] - times[0])
    results: list[tuple[float, BlinkResult]] = []
    max_area = MAX_BLOB_FRACTION * h * w
    kernel3 = np.ones((3, 3), np.uint8)
    for mask, kind in ((blink_mask, "blink"), (steady_mask, "steady")):
        m = cv2.dilate(mask.astype(np.uint8), kernel3)
        k, labels, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
        for lab in range(1, k):
            x, y, bw, bh, area = (int(v) for v in stats[lab])
            core = (labels == lab) & mask
            if core.sum() < 2 or area > max_area or max(bw, bh) > 0.25 * max(h, w):
                continue
            if max(bw, bh) > 4 * max(1, min(bw, bh)) and max(bw, bh) > 6:
                continue  # a streak or an edge, not a lamp
            near = cv2.dilate(core.astype(np.uint8), kernel3).astype(bool)
            around = cv2.dilate(core.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool) & ~near
            core_rgb = stack[:, core].mean(axis=1, dtype=np.float32)  # (N, 3)
            ring_rgb = stack[:, around].mean(axis=1, dtype=np.float32) if around.any() else np.zeros_like(core_rgb)
            if kind == "blink":
                # the spot's colour against its surroundings, per frame, projected on its
                # main direction of change: global exposure changes cancel out
                d = core_rgb - ring_rgb
                dc = d - d.mean(axis=0)
                axis = np.linalg.svd(dc, full_matrices=False)[2][0]
                proj = dc @ axis
                p10, p90 = np.percentile(proj, 10), np.percentile(proj, 90)
                if p90 - p10 < MIN_SWING:
                    continue
                on = proj > (p10 + p90) / 2
                if on.any() and (~on).any() and \
                        core_rgb[on].max(axis=1).mean() < core_rgb[~on].max(axis=1).mean():
                    on = ~on  # the brighter state is "on"
                if not on.any() or on.all():
                    continue
                on_core, off_core = core_rgb[on].mean(axis=0), core_rgb[~on].mean(axis=0)
                on_ring = ring_rgb[on].mean(axis=0)
                # lit: brighter than its surroundings, or clearly more coloured; or (a pale
                # lamp on white plastic, its core washed out at thumbnail size) somewhat more
                # coloured while what it adds when on is coloured light (a moving edge or
                # shadow changes brightness, not colour)
                change = on_core - off_core
                tinted = float(change.max()) >= 30 and float(change.max() - change.min()) >= 30
                sat_gain = _sat(on_core) - _sat(on_ring)
                lit = on_core.max() >= 150 and (on_core.max() - on_ring.max() >= 20 or sat_gain >= 0.3
                                                or (sat_gain >= 0.15 and tinted))
                if not lit:
                    continue
                on = _debounce(on, fps)
                halo = cv2.dilate(core.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
                added = stack[on][:, halo].mean(axis=(0, 1), dtype=np.float32) \
                    - stack[~on][:, halo].mean(axis=(0, 1), dtype=np.float32) \
                    if on.any() and (~on).any() else on_core - off_core
                colour = light_colour(on_core, added)
                score = float(p90 - p10) * np.sqrt(core.sum())
            else:
                on = np.ones(n, bool)
                c_in = mean_img[core].mean(axis=0)
                c_out = mean_img[around].mean(axis=0) if around.any() else np.zeros(3)
                colour = light_colour(c_in, c_in - c_out)
                score = float((mval[core] - local[core]).mean()) * np.sqrt(core.sum()) * 0.5
            res = decode_pattern(times, on, colour)
            if res is None:
                continue
            res.bbox = (x, y, bw, bh)
            res.frame_size = (w, h)
            results.append((score + (1e6 if kind == "blink" else 0.0), res))
    results.sort(key=lambda r: -r[0])
    return _dedupe([r for _, r in results])[:limit]


def _dedupe(results: list[BlinkResult]) -> list[BlinkResult]:
    """Drop lights that overlap a more prominent one (a halo split into two blobs)."""
    kept: list[BlinkResult] = []
    for r in results:
        x, y, w, h = r.bbox
        if any(x < k.bbox[0] + k.bbox[2] + 2 and k.bbox[0] < x + w + 2 and y < k.bbox[1] + k.bbox[3] + 2
               and k.bbox[1] < y + h + 2 for k in kept):
            continue
        kept.append(r)
    return kept
