"""Lit tell-tales on generated dashboard backgrounds, photographed by a phone.

:func:`render_crop` makes the crop a lit-indicator detector hands the symbol classifier
(one symbol, some dashboard around it, camera effects); :func:`render_dashboard` makes a
whole instrument-panel photo with several lights and their ground truth.

Two disjoint setting families (``split``):

* ``"train"``: backgrounds ``dark_gradient``, ``gauge``, ``plastic``, ``tft``; hue jitter
  within +-10 degrees of the ISO 2575 colour; symbol sizes 24-128 px; our drawings in the
  training stroke bands, plus @mdi/svg icons when installed.
* ``"heldout"``: backgrounds ``carbon``, ``daylight``, ``leather`` (never in training);
  hue offsets of 12-20 degrees; symbol sizes 18-24 px and 128-200 px; our drawings in
  the held-out stroke bands and fonts (:func:`synth.telltales.symbols.sample_style`);
  stronger JPEG; unknown symbols from families training never saw. Held-out renders use
  only our own drawings, so they are the same whether or not the icons are installed.

Colours per ISO 2575 / UN R121 convention (:data:`ISO_COLOURS`): red = danger, amber =
warning, green = function on, blue = main beam, white = information.

All arrays are RGB ``uint8`` (images) or ``float32`` (masks, 0-1). Deterministic for a
given ``numpy.random.Generator`` state.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from diagnostics.errors import ValidationError

from . import mdi
from .symbols import ISO_2575, TELLTALE_CLASSES, UNKNOWN, draw_symbol, draw_unknown, sample_style

#: Nominal lit colours (RGB) of tell-tales, by ISO 2575 colour name.
ISO_COLOURS: dict[str, tuple[int, int, int]] = {
    "red": (255, 38, 30), "amber": (255, 166, 18), "green": (48, 226, 92), "blue": (40, 112, 255), "white": (236, 242, 255),
}
TRAIN_BACKGROUNDS = ("dark_gradient", "gauge", "plastic", "tft")
HELDOUT_BACKGROUNDS = ("carbon", "daylight", "leather")
SPLITS = ("train", "heldout")


def _check_split(split: str) -> None:
    if split not in SPLITS:
        raise ValidationError(f"Unknown split {split!r}.", detail=", ".join(SPLITS))


def lit_colour(colour: str, rng: np.random.Generator, split: str = "train") -> np.ndarray:
    """The RGB of a lit symbol of ISO colour ``colour`` with hue/saturation/brightness jitter.

    Train: hue within +-10 degrees; held-out: 12-20 degrees away (either side).

    Returns:
        ``(3,) float32`` RGB, 0-255.

    Raises:
        ValidationError: unknown colour name or split.
    """
    _check_split(split)
    if colour not in ISO_COLOURS:
        raise ValidationError(f"Unknown tell-tale colour {colour!r}.", detail=", ".join(ISO_COLOURS))
    px = np.uint8([[ISO_COLOURS[colour]]])
    h, s, v = cv2.cvtColor(px, cv2.COLOR_RGB2HSV_FULL)[0, 0].astype(np.float32)
    dh = rng.uniform(-10, 10) if split == "train" else rng.choice([-1, 1]) * rng.uniform(12, 20)
    if colour == "white":
        s = rng.uniform(0, 50)
    else:
        s = np.clip(s * rng.uniform(0.75, 1.0), 0, 255)
    v = np.clip(v * rng.uniform(0.8, 1.0), 0, 255)
    h = (h + dh * 256 / 360) % 256
    out = cv2.cvtColor(np.uint8([[[h, s, v]]]), cv2.COLOR_HSV2RGB_FULL)[0, 0]
    return out.astype(np.float32)


def pick_colour(name: str, rng: np.random.Generator) -> str:
    """The ISO colour for a tell-tale (70 %) or another plausible one (30 %: makers differ)."""
    if name in ISO_2575 and rng.random() < 0.7:
        return ISO_2575[name]["colour"]
    return str(rng.choice(["red", "amber", "amber", "green", "blue", "white"]))


def _smooth(h: int, w: int, rng: np.random.Generator, cell: float) -> np.ndarray:
    sh, sw = max(2, int(h / cell)), max(2, int(w / cell))
    return cv2.resize(rng.standard_normal((sh, sw)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)


def dashboard_background(h: int, w: int, rng: np.random.Generator, kind: str | None = None, split: str = "train") -> np.ndarray:
    """A patch of instrument panel with no lit symbol.

    Args:
        h, w: pixels.
        kind: a background of the split (:data:`TRAIN_BACKGROUNDS` or
            :data:`HELDOUT_BACKGROUNDS`); ``None`` = random.

    Returns:
        ``(h, w, 3) float32`` RGB, 0-255.

    Raises:
        ValidationError: unknown kind/split.
    """
    _check_split(split)
    kinds = TRAIN_BACKGROUNDS if split == "train" else HELDOUT_BACKGROUNDS
    kind = kind or str(kinds[int(rng.integers(len(kinds)))])
    if kind not in TRAIN_BACKGROUNDS + HELDOUT_BACKGROUNDS:
        raise ValidationError(f"Unknown dashboard background {kind!r}.")
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = rng.uniform(4, 30) * rng.uniform(0.8, 1.2, 3).astype(np.float32)
    grad = 1 + 0.6 * ((xx / w - 0.5) * rng.uniform(-1, 1) + (yy / h - 0.5) * rng.uniform(-1, 1))
    img = base * grad[..., None] + 4 * _smooth(h, w, rng, max(4, w / 3))[..., None]
    if kind == "gauge":
        cx, cy = rng.uniform(-0.5, 1.5) * w, rng.uniform(-0.5, 1.5) * h
        R = rng.uniform(0.5, 1.5) * max(h, w)
        col = tuple(float(c) for c in rng.uniform(60, 200, 3))
        canvas = img.copy()
        for k in range(int(rng.integers(1, 3))):
            cv2.ellipse(canvas, (int(cx), int(cy)), (int(R * (1 - 0.12 * k)),) * 2, 0, 0, 360, col, max(1, int(R * 0.015)), cv2.LINE_AA)
        for a in np.linspace(0, 2 * np.pi, int(rng.integers(20, 60)), endpoint=False):
            r0, r1 = R * 0.86, R * 0.95
            cv2.line(canvas, (int(cx + r0 * math.cos(a)), int(cy + r0 * math.sin(a))), (int(cx + r1 * math.cos(a)), int(cy + r1 * math.sin(a))), col, max(1, int(R * 0.01)), cv2.LINE_AA)
        img = 0.5 * img + 0.5 * canvas * rng.uniform(0.4, 1.0)
    elif kind == "plastic":
        img = img + rng.uniform(2, 7) * rng.standard_normal((h, w, 1)).astype(np.float32)
        img = cv2.GaussianBlur(img, (0, 0), 0.7)
    elif kind == "tft":
        img[..., 2] += rng.uniform(5, 35)
        step = int(rng.integers(3, 6))
        img[::step] *= 0.85
        if rng.random() < 0.5:
            cv2.rectangle(img, (int(rng.uniform(0, w)), int(rng.uniform(0, h))), (int(rng.uniform(0, w)), int(rng.uniform(0, h))), tuple(float(c) for c in rng.uniform(20, 90, 3)), -1)
    elif kind == "carbon":
        s = max(3, int(rng.uniform(0.04, 0.1) * max(h, w)))
        chk = (((xx // s) + (yy // s)) % 2).astype(np.float32)
        weave = np.where(chk > 0, np.sin(xx / s * np.pi) ** 2, np.sin(yy / s * np.pi) ** 2)
        img = img + rng.uniform(8, 22) * weave[..., None]
    elif kind == "daylight":  # sunlight washing out the panel: bright, low contrast
        img = img + rng.uniform(50, 110) * np.clip(0.5 + 0.5 * _smooth(h, w, rng, max(4, w / 2)), 0, 1)[..., None]
    elif kind == "leather":
        n = _smooth(h, w, rng, 3) + 0.5 * _smooth(h, w, rng, 1.5)
        img = img + 6 * n[..., None] + rng.uniform(8, 25)
        if rng.random() < 0.6:  # stitching
            y = int(rng.uniform(0, h))
            for x in range(0, w, max(4, w // 12)):
                cv2.line(img, (x, y), (x + max(2, w // 25), y), (120, 110, 95), 1, cv2.LINE_AA)
    if rng.random() < 0.4:  # reflection band of the cover glass
        a = rng.uniform(0, np.pi)
        u = (xx - w / 2) * math.cos(a) + (yy - h / 2) * math.sin(a)
        img = img + rng.uniform(8, 40) * np.exp(-(u / (rng.uniform(0.05, 0.3) * max(h, w))) ** 2)[..., None]
    return np.clip(img, 0, 255).astype(np.float32)


def composite_lit(bg: np.ndarray, mask: np.ndarray, rgb: np.ndarray, rng: np.random.Generator, *, x: int, y: int, glow: float | None = None, brightness: float = 1.0) -> None:
    """Paint a lit symbol (backlit colour, over-exposed core, bloom) onto ``bg`` in place.

    Args:
        bg: ``(H, W, 3) float32`` RGB 0-255 (modified).
        mask: ``(s, s) float32`` alpha of the symbol.
        rgb: ``(3,) float32`` lit colour.
        x, y: top-left of the mask in ``bg`` (may be partly outside).
        glow: bloom radius as a fraction of ``s`` (``None``: random 0-0.12).
        brightness: 0-1 scale (below ~0.3 looks like an unlit, faintly visible symbol).
    """
    s = mask.shape[0]
    g = rng.uniform(0.0, 0.12) if glow is None else glow
    pad = int(s * 0.4) + 2
    m = np.pad(mask, pad)
    core = rng.uniform(0.0, 0.55) * brightness  # sensor saturates: centre drifts to white
    lit = rgb * (1 - core) + 255 * core
    layer = m[..., None] * lit * brightness
    if g > 0:
        bloom = cv2.GaussianBlur(m, (0, 0), max(0.5, g * s))
        layer = np.maximum(layer, bloom[..., None] * rgb * rng.uniform(0.3, 0.8) * brightness)
        layer = layer + cv2.GaussianBlur(m, (0, 0), max(1.0, 3 * g * s))[..., None] * rgb * 0.25 * brightness
    x0, y0 = x - pad, y - pad
    H, W = bg.shape[:2]
    ys, xs = slice(max(0, y0), min(H, y0 + m.shape[0])), slice(max(0, x0), min(W, x0 + m.shape[1]))
    if ys.start >= ys.stop or xs.start >= xs.stop:
        return
    sub = layer[ys.start - y0: ys.stop - y0, xs.start - x0: xs.stop - x0]
    a = np.clip(sub.max(2, keepdims=True) / 255.0, 0, 1)
    bg[ys, xs] = bg[ys, xs] * (1 - 0.85 * a) + sub  # light adds over the dark panel


def _symbol_mask(label: str, rng: np.random.Generator, px: int, split: str, use_mdi: float) -> np.ndarray:
    if label == UNKNOWN:
        if split == "train" and rng.random() < use_mdi:
            m = mdi.draw_mdi_unknown(rng, px, split)
            if m is not None:
                return m
        return draw_unknown(rng, px, split=split)
    if label not in TELLTALE_CLASSES:
        raise ValidationError(f"Unknown tell-tale class {label!r}.", detail=", ".join(TELLTALE_CLASSES + (UNKNOWN,)))
    if split == "train" and rng.random() < use_mdi:
        m = mdi.draw_mdi(label, rng, px)
        if m is not None:
            return m
    return draw_symbol(label, rng, px, sample_style(rng, split))


def camera_effects(img: np.ndarray, rng: np.random.Generator, split: str = "train", strength: float = 1.0, ref_px: int | None = None) -> np.ndarray:
    """Phone-camera look: defocus/motion blur, glare, sensor noise, exposure, JPEG.

    Args:
        img: ``(H, W, 3) float32`` or ``uint8`` RGB.
        strength: scales the blur and noise (0 = none).
        ref_px: length the blur is relative to (a symbol's side), px; ``None``: the
            image's shorter side. Blur sigma is at most 3 % of it.

    Returns:
        ``(H, W, 3) uint8`` RGB.
    """
    _check_split(split)
    x = img.astype(np.float32)
    H, W = x.shape[:2]
    side = ref_px or min(H, W)
    if rng.random() < 0.7:
        x = cv2.GaussianBlur(x, (0, 0), max(0.3, rng.uniform(0.2, 0.03 * side) * strength))
    if rng.random() < 0.2 * strength:
        n = int(rng.uniform(2, max(3, 0.08 * side)))
        k = np.zeros((n, n), np.float32)
        k[n // 2] = 1
        k = cv2.warpAffine(k, cv2.getRotationMatrix2D(((n - 1) / 2, (n - 1) / 2), rng.uniform(0, 180), 1), (n, n))
        x = cv2.filter2D(x, -1, k / max(1e-6, k.sum()))
    if rng.random() < 0.3:  # glare spot
        cx, cy = rng.uniform(0, W), rng.uniform(0, H)
        yy, xx = np.ogrid[0:H, 0:W]
        r = rng.uniform(0.1, 0.6) * min(H, W)
        x = x + rng.uniform(20, 140) * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (r * r))[..., None]
    x = x * rng.uniform(0.75, 1.25) * rng.uniform(0.9, 1.1, 3).astype(np.float32)
    x = x + rng.standard_normal(x.shape).astype(np.float32) * rng.uniform(0.5, 7) * strength
    out = np.clip(x, 0, 255).astype(np.uint8)
    q = int(rng.uniform(35, 95)) if split == "train" else int(rng.uniform(22, 40))
    buf = io.BytesIO()
    Image.fromarray(out).save(buf, format="JPEG", quality=q)
    return np.array(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


def _warp(img: np.ndarray, rng: np.random.Generator, rot: float, persp: float) -> np.ndarray:
    H, W = img.shape[:2]
    c = np.float32([[0, 0], [W, 0], [W, H], [0, H]])
    d = c + rng.uniform(-persp, persp, (4, 2)).astype(np.float32) * np.float32([W, H])
    M = cv2.getPerspectiveTransform(c, d)
    R = cv2.getRotationMatrix2D((W / 2, H / 2), rot, 1.0)
    M = np.vstack([R, [0, 0, 1]]) @ M
    return cv2.warpPerspective(img, M, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def symbol_size_px(rng: np.random.Generator, split: str = "train") -> int:
    """Symbol side in the photo, px: train 24-128 (log-uniform); held-out 18-24 or 128-200."""
    _check_split(split)
    if split == "train":
        return int(round(math.exp(rng.uniform(math.log(24), math.log(128)))))
    return int(rng.uniform(18, 24)) if rng.random() < 0.5 else int(rng.uniform(128, 200))


def render_crop(label: str, rng: np.random.Generator, *, split: str = "train", size: int | None = None, colour: str | None = None,
                use_mdi: float = 0.3, neighbours: bool | None = None) -> np.ndarray:
    """The crop around one lit tell-tale, as a lit-indicator detector would hand it over.

    Args:
        label: a class of :data:`synth.telltales.symbols.CLASSES` (``"unknown"``: some
            other symbol, see :func:`synth.telltales.symbols.draw_unknown`).
        rng: randomness.
        split: ``"train"`` or ``"heldout"`` settings (see module docstring).
        size: symbol side in px (``None``: :func:`symbol_size_px`).
        colour: ISO colour name (``None``: :func:`pick_colour`).
        use_mdi: probability of an @mdi/svg icon instead of our drawing (train only;
            ignored when the icons are not installed).
        neighbours: draw parts of neighbouring symbols at the crop edges (``None``: 40 %).

    Returns:
        ``(h, w, 3) uint8`` RGB; the symbol fills about 45-85 % of the crop's side,
        slightly off-centre.

    Raises:
        ValidationError: unknown label, colour or split.
    """
    _check_split(split)
    s = size or symbol_size_px(rng, split)
    fill = rng.uniform(0.45, 0.85)
    side = int(round(s / fill))
    ch, cw = side, int(round(side * rng.uniform(0.85, 1.2)))
    big = int(max(ch, cw) * 1.5)  # room for the warp
    bg = dashboard_background(big, big, rng, split=split)
    if neighbours if neighbours is not None else rng.random() < 0.4:
        for _ in range(int(rng.integers(1, 3))):
            lab = TELLTALE_CLASSES[int(rng.integers(len(TELLTALE_CLASSES)))]
            nm = draw_symbol(lab, rng, s, sample_style(rng, split))
            ang = rng.uniform(0, 2 * np.pi)
            d = s * rng.uniform(1.05, 1.4)
            nx, ny = big / 2 + d * math.cos(ang) - s / 2, big / 2 + d * math.sin(ang) - s / 2
            composite_lit(bg, nm, lit_colour(pick_colour(lab, rng), rng, split), rng, x=int(nx), y=int(ny), brightness=rng.uniform(0.15, 1.0))
    col = colour or pick_colour(label if label != UNKNOWN else "", rng)
    m = _symbol_mask(label, rng, s, split, use_mdi)
    ox, oy = rng.uniform(-0.08, 0.08, 2) * s
    composite_lit(bg, m, lit_colour(col, rng, split), rng, x=int(big / 2 - s / 2 + ox), y=int(big / 2 - s / 2 + oy))
    rot = rng.uniform(-12, 12) if split == "train" else rng.choice([-1, 1]) * rng.uniform(6, 16)
    bg = _warp(bg, rng, rot, 0.06)
    y0, x0 = (big - ch) // 2, (big - cw) // 2
    crop = bg[y0:y0 + ch, x0:x0 + cw]
    return camera_effects(crop, rng, split, strength=min(1.0, s / 64))


@dataclass(frozen=True)
class LightTruth:
    """Ground truth of one light on a rendered dashboard.

    Attributes:
        label: class name (``"unknown"`` for another symbol).
        box: ``(x, y, w, h)`` px in the returned image (axis-aligned hull after the warp).
        colour: ISO colour name (``red``, ``amber``, ``green``, ``blue``, ``white``).
        rgb: the lit colour used, ``(r, g, b)`` 0-255.
        lit: False for an unlit ("ghost") symbol that is faintly visible.
    """

    label: str
    box: tuple[int, int, int, int]
    colour: str
    rgb: tuple[int, int, int]
    lit: bool = True


def render_dashboard(rng: np.random.Generator, *, labels: list[str] | None = None, n_lights: int = 4, width: int = 960, height: int = 540,
                     split: str = "train", ghosts: int = 2, camera: bool = True, symbol_px: int | None = None) -> tuple[np.ndarray, list[LightTruth]]:
    """An instrument-panel photo with several tell-tales lit in a row (or two).

    Args:
        rng: randomness.
        labels: classes to light (``None``: ``n_lights`` random tell-tales).
        width, height: photo size, px.
        split: settings family (see module docstring).
        ghosts: number of unlit symbols drawn faintly between the lit ones.
        camera: apply rotation/perspective and camera effects.
        symbol_px: symbol side in px (``None``: 6-11 % of the photo height).

    Returns:
        ``(height, width, 3) uint8`` RGB and one :class:`LightTruth` per symbol drawn
        (lit and ghost), boxes in output pixels.

    Raises:
        ValidationError: unknown label/split, or the lights do not fit.
    """
    _check_split(split)
    if labels is None:
        labels = [TELLTALE_CLASSES[i] for i in rng.choice(len(TELLTALE_CLASSES), n_lights, replace=False)]
    s = symbol_px or int(height * rng.uniform(0.06, 0.11))
    n = len(labels) + ghosts
    gap = int(s * rng.uniform(0.5, 1.0))
    per_row = max(1, (width - 2 * gap) // (s + gap))
    if n > 2 * per_row:
        raise ValidationError("Too many lights for this panel size.", detail=f"{n} lights, {per_row} per row")
    bg = dashboard_background(height, width, rng, split=split)
    # gauges either side (rings and ticks) so the panel looks like a cluster
    for gx in (width * 0.22, width * 0.78):
        R = int(height * rng.uniform(0.3, 0.42))
        col = tuple(float(c) for c in rng.uniform(90, 220, 3))
        cv2.ellipse(bg, (int(gx), int(height * 0.45)), (R, R), 0, 135, 405, col, max(2, R // 40), cv2.LINE_AA)
        for a in np.linspace(135, 405, 11):
            t = math.radians(a)
            cv2.line(bg, (int(gx + 0.85 * R * math.cos(t)), int(height * 0.45 + 0.85 * R * math.sin(t))), (int(gx + R * math.cos(t)), int(height * 0.45 + R * math.sin(t))), col, max(1, R // 60), cv2.LINE_AA)
    slots = list(range(n))
    order = rng.permutation(n)
    rows = 1 if n <= per_row else 2
    truths: list[LightTruth] = []
    row_y = [int(height * 0.80 - s / 2)] if rows == 1 else [int(height * 0.70 - s / 2), int(height * 0.70 + s * 0.9)]
    cols_in_row = math.ceil(n / rows)
    x_start = (width - cols_in_row * s - (cols_in_row - 1) * gap) // 2
    for k in slots:
        r, c = divmod(k, cols_in_row)
        x, y = x_start + c * (s + gap), row_y[r]
        idx = int(order[k])
        if idx < len(labels):
            lab = labels[idx]
            cname = pick_colour(lab if lab != UNKNOWN else "", rng)
            rgb = lit_colour(cname, rng, split)
            m = _symbol_mask(lab, rng, s, split, 0.0)
            composite_lit(bg, m, rgb, rng, x=x, y=y)
            truths.append(LightTruth(lab, (x, y, s, s), cname, tuple(int(v) for v in rgb), True))
        else:
            lab = TELLTALE_CLASSES[int(rng.integers(len(TELLTALE_CLASSES)))]
            m = draw_symbol(lab, rng, s, sample_style(rng, split))
            rgb = np.float32([70, 70, 70])
            composite_lit(bg, m, rgb, rng, x=x, y=y, glow=0.0, brightness=0.25)
            truths.append(LightTruth(lab, (x, y, s, s), "grey", (18, 18, 18), False))
    if not camera:
        return np.clip(bg, 0, 255).astype(np.uint8), truths
    # mild perspective + rotation, boxes moved with it
    H, W = height, width
    c = np.float32([[0, 0], [W, 0], [W, H], [0, H]])
    d = c + rng.uniform(-0.04, 0.04, (4, 2)).astype(np.float32) * np.float32([W, H])
    M = np.vstack([cv2.getRotationMatrix2D((W / 2, H / 2), rng.uniform(-6, 6), 1.0), [0, 0, 1]]) @ cv2.getPerspectiveTransform(c, d)
    bg = cv2.warpPerspective(bg, M, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    moved = []
    for t in truths:
        x, y, w, h = t.box
        pts = cv2.perspectiveTransform(np.float32([[[x, y], [x + w, y], [x + w, y + h], [x, y + h]]]), M)[0]
        x0, y0 = np.floor(pts.min(0)).astype(int)
        x1, y1 = np.ceil(pts.max(0)).astype(int)
        moved.append(LightTruth(t.label, (int(x0), int(y0), int(x1 - x0), int(y1 - y0)), t.colour, t.rgb, t.lit))
    return camera_effects(bg, rng, split, strength=1.0, ref_px=s * 1.5), moved
