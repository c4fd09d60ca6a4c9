"""Our own procedural drawings of car tell-tale symbols (ISO 2575 meanings), as alpha masks.

Every class has several drawing variants, and every drawing is parameterised by a
:class:`DrawStyle` (stroke width, solid fill vs outline, aspect, shear, a smooth
"hand-drawn" warp, per-feature proportion jitter, lettering font), so that a classifier
trained on them learns the symbol, not one icon set. Drawings are made of OpenCV/PIL
primitives (polylines, arcs, ellipses, polygons, text) in a normalised frame
``x, y in [-1, 1]`` (x right, y down), on a 256-px working canvas, then warped, cropped to
the ink and resized.

Public entry points:
    :data:`TELLTALE_CLASSES`, :data:`UNKNOWN`, :data:`CLASSES`, :data:`ISO_2575`,
    :func:`sample_style`, :func:`draw_symbol`, :func:`draw_unknown`.

Everything is deterministic for a given ``numpy.random.Generator`` state.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from diagnostics.engines.telltale_classifier import CLASSES, TELLTALE_CLASSES, UNKNOWN  # noqa: F401  (labels live with the engine)
from diagnostics.errors import ValidationError

#: Meaning and usual colour of each tell-tale. Meanings and colour conventions follow
#: ISO 2575 (road vehicles - symbols for controls, indicators and tell-tales) and UN R121
#: (red = danger/stop, amber = warning/service soon, green = function on, blue = main beam).
#: ``iso_ref`` is meant for the ISO 7000 graphical-symbol registration number that the ISO
#: 2575 entry reuses; it is ``None`` throughout because the numbers we found in secondary
#: sources disagree with each other and we could not check them against the standard.
ISO_2575: dict[str, dict] = {
    "engine_mil": {"meaning": "Engine malfunction / emission fault (malfunction indicator lamp, 'check engine')", "colour": "amber", "iso_ref": None},
    "oil_pressure": {"meaning": "Engine oil pressure low", "colour": "red", "iso_ref": None},
    "battery_charge": {"meaning": "Battery charging condition (alternator not charging)", "colour": "red", "iso_ref": None},
    "brake_system": {"meaning": "Brake system failure (low brake fluid, EBD fault)", "colour": "red", "iso_ref": None},
    "abs": {"meaning": "Anti-lock braking system (ABS) failure", "colour": "amber", "iso_ref": None},
    "tyre_pressure": {"meaning": "Tyre pressure low / tyre pressure monitoring system (TPMS)", "colour": "amber", "iso_ref": None},
    "coolant_temperature": {"meaning": "Engine coolant temperature high", "colour": "red", "iso_ref": None},
    "airbag": {"meaning": "Airbag / supplemental restraint system fault", "colour": "red", "iso_ref": None},
    "seat_belt": {"meaning": "Seat belt not fastened", "colour": "red", "iso_ref": None},
    "esp_traction": {"meaning": "Electronic stability / traction control active (flashing) or fault (steady)", "colour": "amber", "iso_ref": None},
    "esp_off": {"meaning": "Electronic stability / traction control switched off", "colour": "amber", "iso_ref": None},
    "parking_brake": {"meaning": "Parking brake applied", "colour": "red", "iso_ref": None},
    "low_fuel": {"meaning": "Fuel level low (reserve)", "colour": "amber", "iso_ref": None},
    "glow_plug": {"meaning": "Diesel pre-heat (glow plugs) active or fault", "colour": "amber", "iso_ref": None},
    "power_steering": {"meaning": "Power steering fault", "colour": "red", "iso_ref": None},
    "brake_pad_wear": {"meaning": "Brake lining (pad) wear", "colour": "amber", "iso_ref": None},
    "door_open": {"meaning": "Door open (door ajar)", "colour": "red", "iso_ref": None},
    "high_beam": {"meaning": "Main (high) beam on", "colour": "blue", "iso_ref": None},
    "low_beam": {"meaning": "Dipped (low) beam on", "colour": "green", "iso_ref": None},
    "front_fog": {"meaning": "Front fog lamps on", "colour": "green", "iso_ref": None},
    "rear_fog": {"meaning": "Rear fog lamp on", "colour": "amber", "iso_ref": None},
    "washer_fluid": {"meaning": "Windscreen washer fluid low", "colour": "amber", "iso_ref": None},
    "service": {"meaning": "Service due (maintenance reminder)", "colour": "amber", "iso_ref": None},
}

WORK = 256  # working canvas side, px
_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation", "/usr/share/fonts/truetype/noto")
#: Fonts for lettering inside symbols (ABS, P, OFF) in training; held-out renders use others.
TRAIN_FONTS = ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "DejaVuSansCondensed-Bold.ttf", "LiberationSansNarrow-Bold.ttf", "DejaVuSans.ttf")
HELDOUT_FONTS = ("NotoSansMono-Bold.ttf", "LiberationMono-Bold.ttf", "LiberationSerif-Bold.ttf")


@lru_cache(maxsize=64)
def _font(file: str, px: int) -> ImageFont.FreeTypeFont:
    for d in _FONT_DIRS:
        p = os.path.join(d, file)
        if os.path.exists(p):
            return ImageFont.truetype(p, max(4, px))
    raise ValidationError(f"Font {file!r} is not installed.", hint="Run scripts/setup.sh (fonts-dejavu-core, fonts-liberation).")


@dataclass(frozen=True)
class DrawStyle:
    """How one symbol is drawn.

    Attributes:
        stroke: stroke width as a fraction of the symbol's side (0.03-0.14).
        solid: closed shapes are filled (features cut out) instead of outlined.
        aspect: horizontal / vertical stretch ratio of the whole drawing.
        shear: horizontal shear (x += shear * y).
        wobble: amplitude of a smooth warp, fraction of the side ("hand-drawn" look).
        jitter: standard deviation of per-feature proportion changes (normalised units).
        variant: drawing variant index (``None``: chosen at random).
        font: lettering font file name (see :data:`TRAIN_FONTS`).
        mirror: mirror the drawing left-right where the class allows it (engine, pump).
    """

    stroke: float = 0.075
    solid: bool = False
    aspect: float = 1.0
    shear: float = 0.0
    wobble: float = 0.0
    jitter: float = 0.02
    variant: int | None = None
    font: str = "DejaVuSans-Bold.ttf"
    mirror: bool = False


def sample_style(rng: np.random.Generator, split: str = "train") -> DrawStyle:
    """Draw a random :class:`DrawStyle`.

    ``split="train"`` uses stroke widths in the bands ``[0.04, 0.062] U [0.072, 0.098] U
    [0.108, 0.13]``; ``split="heldout"`` uses the gaps between and around them
    (``[0.033, 0.04]``, ``[0.062, 0.072]``, ``[0.098, 0.108]``, ``[0.13, 0.14]``), a
    stronger warp and lettering fonts (:data:`HELDOUT_FONTS`) the training never sees.

    Raises:
        ValidationError: unknown split.
    """
    if split == "train":
        bands = ((0.04, 0.062), (0.072, 0.098), (0.108, 0.13))
        fonts = TRAIN_FONTS
        wob = rng.uniform(0.0, 0.018)
        asp = float(np.exp(rng.uniform(-0.16, 0.16)))
    elif split == "heldout":
        bands = ((0.033, 0.04), (0.062, 0.072), (0.098, 0.108), (0.13, 0.14))
        fonts = HELDOUT_FONTS
        wob = rng.uniform(0.012, 0.024)
        asp = float(np.exp(rng.choice([-1, 1]) * rng.uniform(0.08, 0.19)))
    else:
        raise ValidationError(f"Unknown split {split!r}.", detail="train, heldout")
    lo, hi = bands[int(rng.integers(len(bands)))]
    return DrawStyle(
        stroke=float(rng.uniform(lo, hi)), solid=bool(rng.random() < 0.5), aspect=asp,
        shear=float(rng.uniform(-0.12, 0.12)), wobble=float(wob), jitter=float(rng.uniform(0.0, 0.04)),
        variant=None, font=str(fonts[int(rng.integers(len(fonts)))]), mirror=bool(rng.random() < 0.5),
    )


# --------------------------------------------------------------------------- drawing kit

def arc(cx: float, cy: float, rx: float, ry: float, a0: float, a1: float, n: int = 48) -> np.ndarray:
    """Points on an elliptical arc, angles in degrees (0 = +x, 90 = down). ``(n, 2) float32``."""
    t = np.deg2rad(np.linspace(a0, a1, n))
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], 1).astype(np.float32)


class Pen:
    """Draws on a ``(WORK, WORK) float32`` canvas in normalised coordinates.

    ``ink`` is what :meth:`shape` fills or outlines; :meth:`cut` removes ink in solid
    mode and draws it in outline mode (e.g. the "!" inside a filled shape).
    """

    def __init__(self, style: DrawStyle, rng: np.random.Generator):
        self.style = style
        self.rng = rng
        self.canvas = np.zeros((WORK, WORK), np.float32)
        self.scale = WORK * 0.36  # normalised 1.0 -> px (leaves room for strokes and the warp)
        self.w = style.stroke * 2.0  # stroke, normalised units (side = 2)

    def j(self, v: float, k: float = 1.0) -> float:
        """``v`` plus proportion jitter."""
        return float(v + self.rng.normal(0, self.style.jitter * k))

    def _px(self, pts) -> np.ndarray:
        p = np.asarray(pts, np.float32).reshape(-1, 2)
        return np.round((p * self.scale + WORK / 2) * 16).astype(np.int32)

    def _t(self, w: float | None) -> int:
        return max(1, int(round((self.w if w is None else w) * self.scale)))

    def line(self, pts, w: float | None = None, value: float = 1.0, closed: bool = False) -> None:
        """Stroke a polyline (width ``w`` normalised; default the style's stroke)."""
        cv2.polylines(self.canvas, [self._px(pts)], closed, value, self._t(w), cv2.LINE_AA, 4)

    def fill(self, pts, value: float = 1.0) -> None:
        """Fill a polygon."""
        cv2.fillPoly(self.canvas, [self._px(pts)], value, cv2.LINE_AA, 4)

    def shape(self, pts, w: float | None = None) -> None:
        """A closed shape: filled when the style is solid, outlined otherwise."""
        if self.style.solid:
            self.fill(pts)
            self.line(pts, w, closed=True)  # keeps corners as round as the outline's
        else:
            self.line(pts, w, closed=True)

    def cut_line(self, pts, w: float | None = None) -> None:
        """A feature line inside a shape: erased from a solid shape, drawn on an outline."""
        self.line(pts, w, value=0.0 if self.style.solid else 1.0)

    def cut_fill(self, pts) -> None:
        """A feature area inside a shape: erased when solid, outlined otherwise."""
        if self.style.solid:
            self.fill(pts, 0.0)
        else:
            self.line(pts, closed=True)

    def dot(self, x: float, y: float, r: float, value: float = 1.0) -> None:
        """A filled disc of radius ``r`` (normalised)."""
        self.fill(arc(x, y, r, r, 0, 360, 24), value)

    def text(self, s: str, cx: float, cy: float, h: float, value: float = 1.0, font: str | None = None, stretch: float = 1.0) -> None:
        """Letters centred at ``(cx, cy)``, cap height about ``h`` (normalised)."""
        px = max(6, int(h * self.scale * 1.38))
        f = _font(font or self.style.font, px)
        l, t, r, b = f.getbbox(s)
        im = Image.new("L", (r - l + 8, b - t + 8), 0)
        ImageDraw.Draw(im).text((4 - l, 4 - t), s, font=f, fill=255)
        a = np.asarray(im, np.float32) / 255.0
        ch = h * self.scale
        sc = ch / max(1, (b - t))
        a = cv2.resize(a, (max(1, int(a.shape[1] * sc * stretch)), max(1, int(a.shape[0] * sc))), interpolation=cv2.INTER_AREA)
        x0 = int(round(cx * self.scale + WORK / 2 - a.shape[1] / 2))
        y0 = int(round(cy * self.scale + WORK / 2 - a.shape[0] / 2))
        ys, xs = slice(max(0, y0), min(WORK, y0 + a.shape[0])), slice(max(0, x0), min(WORK, x0 + a.shape[1]))
        sub = a[ys.start - y0: ys.stop - y0, xs.start - x0: xs.stop - x0]
        if value > 0:
            self.canvas[ys, xs] = np.maximum(self.canvas[ys, xs], sub)
        else:
            self.canvas[ys, xs] = np.minimum(self.canvas[ys, xs], 1.0 - sub)

    def cut_text(self, s: str, cx: float, cy: float, h: float, stretch: float = 1.0) -> None:
        """Letters erased from a solid shape, drawn otherwise."""
        self.text(s, cx, cy, h, 0.0 if self.style.solid else 1.0, stretch=stretch)


def exclamation(p: Pen, cx: float, cy: float, h: float, value: float = 1.0, w: float | None = None) -> None:
    """An exclamation mark of height ``h`` centred at ``(cx, cy)``."""
    w = w or max(p.w * 1.1, h * 0.16)
    top, bar_end = cy - h / 2 + w / 2, cy + h / 2 - 0.33 * h
    p.line([(cx, top), (cx, bar_end)], w=w, value=value)
    p.dot(cx, cy + h / 2 - w * 0.55, w * 0.62, value=value)


def _dashed(p: Pen, pts: np.ndarray, n: int, duty: float = 0.6, w: float | None = None) -> None:
    m = len(pts)
    for i in range(n):
        a = int(m * i / n)
        b = int(m * (i + duty) / n)
        if b > a:
            p.line(pts[a:b + 1], w=w)


def _side_arcs(p: Pen, r: float, span: float, dashed: int = 0, gap: float | None = None) -> None:
    """The "( )" brackets either side of a brake-type symbol at radius ``r``."""
    for c in (180.0, 0.0):
        pts = arc(0, 0, r, r * p.j(1.0, 0.5), c - span, c + span)
        if dashed:
            _dashed(p, pts, dashed)
        else:
            p.line(pts)


def _car_rear(p: Pen, cx: float, cy: float, s: float) -> None:
    """A car seen from the back (roof, body, wheels), centred at ``(cx, cy)``, width ``2 s``."""
    rw, bw = s * p.j(0.62), s
    roof_t, belt, bottom = cy - 0.55 * s, cy - 0.12 * s, cy + 0.35 * s
    body = [(-rw, roof_t), (rw, roof_t), (rw * 1.15, belt), (bw, belt + 0.08 * s), (bw, bottom), (-bw, bottom), (-bw, belt + 0.08 * s), (-rw * 1.15, belt)]
    body = [(cx + x, y) for x, y in body]
    p.shape(body)
    p.cut_line([(cx - rw * 0.85, belt - 0.02 * s), (cx + rw * 0.85, belt - 0.02 * s)], w=p.w * 0.8)
    for sx in (-1, 1):
        p.fill([(cx + sx * bw * 0.92, bottom), (cx + sx * bw * 0.55, bottom), (cx + sx * bw * 0.55, bottom + 0.22 * s), (cx + sx * bw * 0.92, bottom + 0.22 * s)])


def _lamp(p: Pen, flat_x: float, facing: int, h: float, bulge: float) -> None:
    """Headlamp "D": flat side at ``flat_x``; ``facing=-1`` means light goes left."""
    pts = arc(flat_x, 0.0, bulge, h, -90, 90, 40)
    pts[:, 0] = flat_x - facing * (pts[:, 0] - flat_x)
    p.shape(np.vstack([pts, [(flat_x, h)]]))


def _beams(p: Pen, x0: float, facing: int, n: int, h: float, length: float, slope: float) -> list[tuple[float, float, float]]:
    """``n`` beam lines starting at ``x0`` going ``facing`` (-1 left), slope in y per x."""
    ys = np.linspace(-h * 0.8, h * 0.8, n)
    out = []
    for y in ys:
        y = p.j(float(y), 0.3)
        x1 = x0 + facing * length
        p.line([(x0, y), (x1, y + slope * length)])
        out.append((x0, x1, y))
    return out


# --------------------------------------------------------------------------- classes

def _engine(p: Pen, r: np.random.Generator, v: int) -> None:
    L, R, T, B = p.j(-0.55), p.j(0.42), p.j(-0.18), p.j(0.5)
    cap_l, cap_r, cap_t = p.j(-0.42), p.j(0.22), p.j(-0.52)
    st_l, st_r = p.j(-0.2), p.j(0.02)
    pts = [(L, T), (st_l, T), (st_l, cap_t + 0.12), (cap_l, cap_t + 0.12), (cap_l, cap_t), (cap_r, cap_t), (cap_r, cap_t + 0.12), (st_r, cap_t + 0.12), (st_r, T), (R, T)]
    if v == 0:  # exhaust step and a box on the right
        pts += [(R + 0.12, T + 0.15), (0.68, T + 0.15), (0.68, -0.05), (0.82, -0.05), (0.82, 0.4), (0.68, 0.4), (0.68, 0.22), (R + 0.12, 0.22), (R, B), (L + 0.12, B), (L, B - 0.15)]
    elif v == 1:  # plain block with a round right side
        pts += [(R + 0.2, T + 0.05)] + [tuple(q) for q in arc(R + 0.2, (T + B) / 2, 0.2, (B - T) / 2 - 0.05, -80, 80, 10)] + [(R + 0.2, B), (L, B)]
    else:  # tapered sump, fins
        pts += [(0.78, T), (0.78, 0.28), (R, 0.28), (R - 0.12, B), (L + 0.18, B), (L, 0.3)]
    p.shape(pts)
    mid = (T + B) / 2
    p.line([(L, mid), (L - 0.2, mid)])
    p.line([(L - 0.22, mid - 0.22), (L - 0.22, mid + 0.22)])
    if v == 2:
        for x in np.linspace(L + 0.2, R - 0.1, 3):
            p.cut_line([(x, T + 0.15), (x, B - 0.15)], w=p.w * 0.7)


def _oil(p: Pen, r: np.random.Generator, v: int) -> None:
    top, bot = p.j(-0.12), p.j(0.32)
    tip = (p.j(0.82), p.j(-0.34))
    body = [(-0.55, top), (-0.05, top), (tip[0], tip[1]), (tip[0] + 0.02, tip[1] + 0.09), (0.25, bot), (-0.55, bot)]
    if v == 1:
        body = [(-0.55, top + 0.05), (-0.45, top), (-0.05, top), tip, (tip[0] + 0.02, tip[1] + 0.09), (0.3, bot - 0.05), (0.2, bot), (-0.5, bot), (-0.55, bot - 0.05)]
    p.shape(body)
    p.fill([(-0.38, top - 0.14), (-0.18, top - 0.14), (-0.18, top), (-0.38, top)])
    p.line([(-0.47, top - 0.16), (-0.09, top - 0.16)])
    if v == 2:  # triangular handle
        p.line([(-0.55, top + 0.06), (-0.85, top - 0.12), (-0.8, bot - 0.1), (-0.55, bot - 0.05)], closed=False)
    else:
        p.line(arc(-0.6, (top + bot) / 2, 0.24, (bot - top) / 2 * 0.8, 100, 260, 20))
    if r.random() < 0.8:  # drop
        dx, dy = tip[0] + 0.03, tip[1] + 0.42
        drop = np.vstack([[(dx, dy - 0.18)], arc(dx, dy, 0.075, 0.075, -20, 200, 16)])
        p.fill(drop)


def _battery(p: Pen, r: np.random.Generator, v: int) -> None:
    L, R, T, B = p.j(-0.82), p.j(0.82), p.j(-0.4), p.j(0.55)
    if v == 1:
        k = 0.12
        body = [(L + k, T), (R - k, T), (R, T + k), (R, B - k), (R - k, B), (L + k, B), (L, B - k), (L, T + k)]
    else:
        body = [(L, T), (R, T), (R, B), (L, B)]
    p.shape(body)
    tw = p.j(0.22)
    for cx in (L + 0.35, R - 0.35):
        if v == 2:
            p.line([(cx - tw / 2, T - 0.12), (cx + tw / 2, T - 0.12)], w=p.w * 1.3)
        else:
            p.fill([(cx - tw / 2, T - 0.16), (cx + tw / 2, T - 0.16), (cx + tw / 2, T), (cx - tw / 2, T)])
    cy, s = (T + B) / 2 + 0.03, p.j(0.17)
    p.cut_line([(L + 0.35 - s, cy), (L + 0.35 + s, cy)])
    p.cut_line([(R - 0.35 - s, cy), (R - 0.35 + s, cy)])
    p.cut_line([(R - 0.35, cy - s), (R - 0.35, cy + s)])


def _brake_like(p: Pen, r: np.random.Generator, inner: str, v: int) -> None:
    rc = p.j(0.5)
    ra = rc + p.j(0.26) + p.w * 0.5
    if inner == "abs" and v == 1:  # no circle: (ABS)
        p.text("ABS", 0, 0, p.j(0.42), stretch=p.j(1.0, 2))
        _side_arcs(p, p.j(0.72), p.j(45, 200))
        return
    p.line(arc(0, 0, rc, rc * p.j(1.0, 0.5), 0, 360, 64), closed=True)
    if inner == "!":
        exclamation(p, 0, 0, rc * p.j(1.25))
        _side_arcs(p, ra, p.j(48, 200))
    elif inner == "abs":
        p.text("ABS", 0, 0, rc * p.j(0.62, 0.5), stretch=p.j(0.9, 2))
        _side_arcs(p, ra, p.j(48, 200))
    elif inner == "P":
        if v == 1:
            x0, hgt = -0.16, rc * 1.15
            p.line([(x0, hgt / 2), (x0, -hgt / 2), (x0 + 0.12, -hgt / 2)] + [tuple(q) for q in arc(x0 + 0.12, -hgt / 4, hgt * 0.25, hgt / 4, -90, 90, 16)] + [(x0, 0)])
        else:
            p.text("P", 0, 0, rc * p.j(1.1, 0.5))
        _side_arcs(p, ra, p.j(48, 200))
    elif inner == "pads":
        if v == 1:
            _side_arcs(p, rc + p.w * 1.8, p.j(38, 150))
        _side_arcs(p, ra + (p.w * 1.2 if v == 1 else 0), p.j(50, 150), dashed=int(r.integers(3, 5)))


def _tyre(p: Pen, r: np.random.Generator, v: int) -> None:
    """Tyre cross-section open at the top, tread at the bottom, "!" inside."""
    rx, ry, cy = p.j(0.72), p.j(0.62), p.j(-0.05)
    if v == 0:
        pts = arc(0, cy, rx, ry, -25, 205, 60)
        outer = np.vstack([[pts[0] + (-0.12, -0.12)], pts, [pts[-1] + (0.12, -0.12)]])
    else:
        outer = np.vstack([[(rx * 0.7, cy - ry * 0.8), (rx, cy - 0.1)], arc(0, cy - 0.1, rx, ry * 0.95, 0, 180, 40), [(-rx, cy - 0.1), (-rx * 0.7, cy - ry * 0.8)]])
    p.line(outer)
    n = max(3, min(int(r.integers(4, 7)), int(0.9 / (2.2 * p.w))))
    yb = cy + (ry if v == 0 else ry * 0.95 - 0.1)
    for a in np.linspace(120, 60, n):
        c, s = math.cos(math.radians(a)), math.sin(math.radians(a))
        x, y = c * rx, cy + s * (yb - cy)
        p.line([(x, y), (x + c * 0.12, y + 0.17)], w=p.w * 0.9)
    exclamation(p, 0, cy, ry * p.j(1.0))


def _coolant(p: Pen, r: np.random.Generator, v: int) -> None:
    x = p.j(0.0)
    top, by, br = p.j(-0.78), p.j(0.32), p.j(0.17)
    p.line([(x, top), (x, by - br * 0.5)], w=p.w * 1.15)
    p.dot(x, by, br)
    side = 1 if v != 1 else -1
    for y in np.linspace(top + 0.12, by - 0.35, int(r.integers(2, 4))):
        p.line([(x + side * 0.12, y), (x + side * 0.38, y)], w=p.w * 0.85)
    n_w = 2 if r.random() < 0.7 else 1
    for k in range(n_w):
        y0 = by + 0.16 + k * 0.2 if v != 2 else by + 0.05 + k * 0.2
        amp, per = p.j(0.06, 0.3), p.j(0.32, 0.5)
        for xs in ((-0.85, x - br - 0.08), (x + br + 0.08, 0.85)) if k == 0 and v != 2 else ((-0.85, 0.85),):
            t = np.linspace(xs[0], xs[1], 30)
            p.line(np.stack([t, y0 + 0.12 + amp * np.sin(t / per * 2 * np.pi)], 1))


def _person_side(p: Pen, hx: float, hy: float, s: float) -> tuple[float, float]:
    """Seated person seen from the side facing right; returns the shoulder point."""
    p.dot(hx, hy, 0.15 * s)
    sh = (hx - 0.03 * s, hy + 0.28 * s)
    hip = (hx - 0.1 * s, hy + 0.95 * s)
    knee = (hip[0] + 0.55 * s, hip[1])
    foot = (knee[0] + 0.05 * s, knee[1] + 0.5 * s)
    p.line([sh, hip, knee, foot], w=p.w * 1.6)
    p.line([sh, (sh[0] + 0.18 * s, sh[1] + 0.32 * s), (sh[0] + 0.45 * s, sh[1] + 0.3 * s)], w=p.w * 1.1)
    return sh


def _airbag(p: Pen, r: np.random.Generator, v: int) -> None:
    s = p.j(1.0, 0.5)
    _person_side(p, -0.42, -0.62, s)
    if v == 1:  # seat
        p.line([(-0.78, -0.75), (-0.75, 0.5), (-0.15, 0.55)], w=p.w * 0.9)
    cr = p.j(0.34)
    c = (p.j(0.42), p.j(-0.35))
    if p.style.solid:
        p.dot(c[0], c[1], cr)
    else:
        p.line(arc(c[0], c[1], cr, cr, 0, 360, 48), closed=True)


def _seat_belt(p: Pen, r: np.random.Generator, v: int) -> None:
    if v == 1:  # side view with belt diagonal
        sh = _person_side(p, -0.2, -0.62, 1.0)
        p.line([(-0.55, -0.8), (-0.55, 0.45), (0.25, 0.5)], w=p.w * 0.9)
        p.line([(sh[0] - 0.1, sh[1] - 0.05), (sh[0] + 0.3, sh[1] + 0.7)], w=p.w * 1.3)
        return
    p.dot(0, p.j(-0.65), p.j(0.17))
    sw, hw = p.j(0.42), p.j(0.3)
    body = [(-sw, -0.36), (sw, -0.36), (hw, 0.32), (-hw, 0.32)]
    p.shape(body)
    p.line([(-sw, -0.32), (-sw - 0.12, 0.3)], w=p.w * 1.2)
    p.line([(sw, -0.32), (sw + 0.12, 0.3)], w=p.w * 1.2)
    p.line([(-hw, 0.32), (-hw - 0.08, 0.75)], w=p.w * 1.3)
    p.line([(hw, 0.32), (hw + 0.08, 0.75)], w=p.w * 1.3)
    belt = [(-sw * 0.7, -0.38), (hw * 0.9, 0.28)]
    if p.style.solid:
        p.line(belt, w=p.w * 1.3, value=0.0)
        p.line([(-sw * 0.7 - 0.1, -0.45), (-sw * 0.7 + 0.05, -0.32)], w=p.w)
    else:
        p.line(belt)
    if v == 2:
        p.line([(-0.7, -0.55), (-0.7, 0.85), (0.7, 0.85), (0.7, -0.55)], w=p.w * 0.8)


def _skids(p: Pen, y0: float, y1: float, xs=(-0.32, 0.32)) -> None:
    for x in xs:
        t = np.linspace(0, 1, 30)
        amp = p.j(0.12, 0.5)
        pts = np.stack([x + amp * np.sin(t * 2 * np.pi) - 0.1 * t, y0 + (y1 - y0) * t], 1)
        p.line(pts)


def _esp(p: Pen, r: np.random.Generator, v: int) -> None:
    _car_rear(p, 0, p.j(-0.3), p.j(0.62))
    _skids(p, 0.22, p.j(0.88), (-0.35, 0.35) if v == 0 else (-0.45, 0.1))
    if v == 2:
        p.text("!", 0.62, 0.55, 0.4)


def _esp_off(p: Pen, r: np.random.Generator, v: int) -> None:
    _car_rear(p, 0, -0.52, p.j(0.55))
    if v == 1:
        _skids(p, -0.05, 0.5, (-0.5, -0.12))
        p.text("OFF", 0.42, 0.72, p.j(0.32), stretch=p.j(1.0, 2))
    else:
        _skids(p, -0.05, 0.32, (-0.32, 0.32))
        p.text("OFF", 0, 0.7, p.j(0.36), stretch=p.j(1.0, 2))


def _fuel(p: Pen, r: np.random.Generator, v: int) -> None:
    L, R, T, B = p.j(-0.5), p.j(0.18), p.j(-0.75), p.j(0.65)
    p.shape([(L, T), (R, T), (R, B), (L, B)])
    p.line([(L - 0.1, B + 0.05), (R + 0.1, B + 0.05)], w=p.w * 1.2)
    p.cut_fill([(L + 0.12, T + 0.14), (R - 0.12, T + 0.14), (R - 0.12, T + 0.5), (L + 0.12, T + 0.5)])
    hx = p.j(0.5)
    hose = [(R, T + 0.45), (R + 0.16, T + 0.45), (R + 0.16, 0.3)] + [tuple(q) for q in arc((R + 0.16 + hx) / 2, 0.3, (hx - R - 0.16) / 2, 0.14, 180, 0, 12)[::-1][::-1]] + [(hx, -0.35), (hx - 0.15, T + 0.25)]
    if v == 1:
        hose = [(R, T + 0.35), (hx, T + 0.55), (hx, 0.35), (hx - 0.1, 0.45)]
    p.line(hose, w=p.w * 0.9)
    if v == 2:  # filler-side arrow
        p.fill([(0.72, -0.7), (0.92, -0.58), (0.72, -0.46)])


def _glow(p: Pen, r: np.random.Generator, v: int) -> None:
    n = int(r.integers(3, 5))
    rr = p.j(0.28)
    adv = 1.5 / (n * 2 * np.pi)
    t = np.linspace(0, n * 2 * np.pi, 40 * n)
    x = -0.75 + adv * t - rr * 0.55 * np.sin(t)
    y = p.j(0.05) - rr * (1 - np.cos(t))
    pts = np.stack([x, y + rr], 1)
    p.line(pts)
    a, b = pts[0], pts[-1]
    if v == 0:
        p.line([a, (a[0] - 0.1, a[1]), (a[0] - 0.1, a[1] - 0.45)])
        p.line([b, (b[0] + 0.1, b[1]), (b[0] + 0.1, b[1] - 0.45)])
    else:
        p.line([a, (a[0] - 0.2, a[1])])
        p.line([b, (b[0] + 0.2, b[1])])
        if v == 2:
            p.line([(-0.95, a[1] + 0.25), (0.95, a[1] + 0.25)], w=p.w * 0.8)


def _steering(p: Pen, r: np.random.Generator, v: int) -> None:
    cx = -0.18 if v == 0 else 0.0
    rw = p.j(0.58) if v == 0 else p.j(0.75)
    p.line(arc(cx, 0, rw, rw, 0, 360, 64), closed=True, w=p.w * 1.1)
    if v == 0:
        hub = p.j(0.16)
        p.dot(cx, 0.05, hub)
        p.line([(cx - rw, -0.05), (cx + rw, -0.05)])
        p.line([(cx, 0.05), (cx, rw)])
        exclamation(p, 0.72, 0, 0.8)
    else:
        exclamation(p, 0, 0.02, rw * 1.0)
        if v == 2:
            p.line([(-rw, 0.0), (-rw * 0.45, 0.0)])
            p.line([(rw * 0.45, 0.0), (rw, 0.0)])


def _door(p: Pen, r: np.random.Generator, v: int) -> None:
    w2, h2 = p.j(0.34), p.j(0.78)
    k = 0.16
    body = [(-w2 + k, -h2), (w2 - k, -h2), (w2, -h2 + k), (w2, h2 - k), (w2 - k, h2), (-w2 + k, h2), (-w2, h2 - k), (-w2, -h2 + k)]
    p.shape(body)
    p.cut_line([(-w2 + 0.1, -h2 + 0.45), (w2 - 0.1, -h2 + 0.45)])
    p.cut_line([(-w2 + 0.1, h2 - 0.3), (w2 - 0.1, h2 - 0.3)])
    doors = [(-1, -0.2), (1, -0.2), (-1, 0.25), (1, 0.25)]
    pick = [d for d in doors if r.random() < 0.5] or [doors[int(r.integers(4))]]
    if v == 1:
        pick = doors[:2]
    for sx, y in pick:
        ang = math.radians(p.j(50, 300))
        L = 0.42
        p.line([(sx * w2, y), (sx * (w2 + L * math.sin(ang)), y + L * math.cos(ang))], w=p.w * 1.2)


def _lamp_class(p: Pen, r: np.random.Generator, name: str, v: int) -> None:
    h, bulge = p.j(0.5), p.j(0.55)
    n = int(r.integers(3, 6))
    n = max(3, min(n, int(1.6 * h / (2.4 * p.w)) + 1))  # keep gaps between beam lines
    gap = 0.08 + p.w
    if name == "rear_fog":
        flat = p.j(-0.25)
        _lamp(p, flat, +1, h, bulge)
        for y in np.linspace(-h * 0.8, h * 0.8, n):
            p.line([(flat + gap, float(y)), (flat + gap + 0.7, float(y))])
        t = np.linspace(-h * 1.05, h * 1.05, 30)
        p.line(np.stack([flat + gap + 0.35 + 0.08 * np.sin(t / 0.3 * np.pi), t], 1), w=p.w * 0.9)
        return
    flat = p.j(0.12)
    _lamp(p, flat, -1, h, bulge)
    slope = 0.0 if name == "high_beam" else p.j(0.42, 2)
    length = p.j(0.72)
    if name == "high_beam" and v == 1:
        n = 4
    _beams(p, flat - gap, -1, n, h, length, slope)
    if name == "front_fog":
        t = np.linspace(-h * 1.05, h * 1.05 + slope * length * 0.5, 30)
        p.line(np.stack([flat - gap - length * 0.5 + 0.08 * np.sin(t / 0.3 * np.pi), t], 1), w=p.w * 0.9)


def _washer(p: Pen, r: np.random.Generator, v: int) -> None:
    top = arc(0, p.j(0.15), 0.85, p.j(0.8), 200, 340, 40)
    bl, br = (p.j(-0.68), p.j(0.55)), (p.j(0.68), p.j(0.55))
    screen = np.vstack([top, [br], arc(0, 0.55 + 0.45, 0.7, 0.45, -80, -100, 10) if v == 1 else [(0.0, 0.5)], [bl]])
    p.line(screen, closed=True)
    base = (0.0, 0.5)
    p.line([(-0.08, 0.62), (0.08, 0.62)], w=p.w * 1.2)
    for sx in (-1, 1):
        pts = [(base[0] + sx * 0.55 * t, 0.5 - 1.1 * t + 0.9 * t * t) for t in np.linspace(0.06, 0.95, 8)]
        if v == 2:
            p.line(pts, w=p.w * 0.8)
        else:
            for x, y in pts[1:]:
                p.dot(x, y, p.w * 0.6)


def _service(p: Pen, r: np.random.Generator, v: int) -> None:
    ang = math.radians(p.j(-45, 200))
    d = np.array([math.cos(ang), math.sin(ang)])
    n = np.array([-d[1], d[0]])
    head = 0.55 * d
    tail = -0.65 * d
    p.line([tuple(tail), tuple(head - 0.1 * d)], w=p.w * 1.9)
    hr = p.j(0.3)
    if v == 1:  # ring spanner end
        p.line(arc(head[0], head[1], hr * 0.8, hr * 0.8, 0, 360, 40), closed=True, w=p.w * 1.4)
        p.dot(tail[0], tail[1], p.w * 1.2)
    else:  # open jaw
        a0 = math.degrees(ang)
        jaw = arc(head[0], head[1], hr, hr, a0 + 40, a0 + 320, 36)
        p.fill(np.vstack([jaw, [tuple(head + 0.12 * d)]]))
        p.fill(np.array([tuple(head + 0.12 * d), tuple(head + hr * 1.3 * d + 0.13 * n), tuple(head + hr * 1.3 * d - 0.13 * n)]), 0.0)
        p.dot(head[0] + 0.05 * d[0], head[1] + 0.05 * d[1], 0.1, 0.0)
    if v == 2:
        p.line(arc(0, 0, 0.92, 0.92, 0, 360, 64), closed=True, w=p.w * 0.8)


_DRAWERS: dict[str, tuple[int, Callable[[Pen, np.random.Generator, int], None]]] = {
    "engine_mil": (3, _engine),
    "oil_pressure": (3, _oil),
    "battery_charge": (3, _battery),
    "brake_system": (2, lambda p, r, v: _brake_like(p, r, "!", v)),
    "abs": (2, lambda p, r, v: _brake_like(p, r, "abs", v)),
    "tyre_pressure": (2, _tyre),
    "coolant_temperature": (3, _coolant),
    "airbag": (2, _airbag),
    "seat_belt": (3, _seat_belt),
    "esp_traction": (3, _esp),
    "esp_off": (2, _esp_off),
    "parking_brake": (2, lambda p, r, v: _brake_like(p, r, "P", v)),
    "low_fuel": (3, _fuel),
    "glow_plug": (3, _glow),
    "power_steering": (3, _steering),
    "brake_pad_wear": (2, lambda p, r, v: _brake_like(p, r, "pads", v)),
    "door_open": (2, _door),
    "high_beam": (2, lambda p, r, v: _lamp_class(p, r, "high_beam", v)),
    "low_beam": (2, lambda p, r, v: _lamp_class(p, r, "low_beam", v)),
    "front_fog": (1, lambda p, r, v: _lamp_class(p, r, "front_fog", v)),
    "rear_fog": (1, lambda p, r, v: _lamp_class(p, r, "rear_fog", v)),
    "washer_fluid": (3, _washer),
    "service": (3, _service),
}
#: Classes whose meaning does not change when drawn mirrored (the others have a direction).
MIRRORABLE = frozenset({"engine_mil", "oil_pressure", "low_fuel", "airbag", "seat_belt", "esp_traction", "door_open", "service", "tyre_pressure", "coolant_temperature", "washer_fluid", "battery_charge", "glow_plug"})


def n_variants(name: str) -> int:
    """How many drawing variants :func:`draw_symbol` has for class ``name``.

    Raises:
        ValidationError: ``name`` is not in :data:`TELLTALE_CLASSES`.
    """
    if name not in _DRAWERS:
        raise ValidationError(f"No drawing for tell-tale {name!r}.", detail=", ".join(TELLTALE_CLASSES))
    return _DRAWERS[name][0]


def _finish(p: Pen, size: int, mirror: bool) -> np.ndarray:
    """Warp (aspect, shear, wobble), mirror, crop to the ink and fit into ``(size, size)``."""
    st = p.style
    a = p.canvas
    c = WORK / 2
    sx, sy = math.sqrt(st.aspect), 1 / math.sqrt(st.aspect)
    # inverse map for remap: output (u, v) -> input (x, y); separable terms keep it cheap
    u = (np.arange(WORK, dtype=np.float32) - c)[None, :]
    v = (np.arange(WORK, dtype=np.float32) - c)[:, None]
    if st.wobble > 0:
        ph = p.rng.uniform(0, 2 * np.pi, 4)
        f = p.rng.uniform(1.0, 2.5, 2) * 2 * np.pi / WORK
        amp = np.float32(st.wobble * 2 * p.scale)
        u2 = u + amp * np.sin(v * f[0] + ph[0]).astype(np.float32) * np.cos(u * f[1] * 0.5 + ph[2]).astype(np.float32)
        v2 = v + amp * np.sin(u * f[1] + ph[1]).astype(np.float32) * np.cos(v * f[0] * 0.5 + ph[3]).astype(np.float32)
        u, v = u2, v2
    u, v = np.broadcast_to(u, (WORK, WORK)), np.broadcast_to(v, (WORK, WORK))
    x = (u - np.float32(st.shear) * v) / np.float32(sx) + np.float32(c)
    y = v / np.float32(sy) + np.float32(c)
    if mirror:
        x = np.float32(WORK - 1) - x
    a = cv2.remap(a, x.astype(np.float32), y.astype(np.float32), cv2.INTER_LINEAR, borderValue=0)
    return fit_mask(a, size)


def fit_mask(a: np.ndarray, size: int, margin: float = 0.04) -> np.ndarray:
    """Crop a float mask to its ink (values > 0.05), centre it in a square and resize.

    Args:
        a: ``(H, W) float32`` in ``[0, 1]``.
        size: output side, px.
        margin: empty border on each side, fraction of ``size``.

    Returns:
        ``(size, size) float32`` in ``[0, 1]`` (all zero if ``a`` has no ink).
    """
    ys, xs = np.nonzero(a > 0.05)
    if len(ys) == 0:
        return np.zeros((size, size), np.float32)
    a = a[ys.min(): ys.max() + 1, xs.min(): xs.max() + 1]
    h, w = a.shape
    side = max(h, w)
    sq = np.zeros((side, side), np.float32)
    sq[(side - h) // 2:(side - h) // 2 + h, (side - w) // 2:(side - w) // 2 + w] = a
    inner = max(1, int(round(size * (1 - 2 * margin))))
    sq = cv2.resize(sq, (inner, inner), interpolation=cv2.INTER_AREA)
    out = np.zeros((size, size), np.float32)
    o = (size - inner) // 2
    out[o:o + inner, o:o + inner] = sq
    return np.clip(out, 0, 1)


def draw_symbol(name: str, rng: np.random.Generator, size: int = 96, style: DrawStyle | None = None) -> np.ndarray:
    """Draw tell-tale ``name`` as an alpha mask.

    Args:
        name: one of :data:`TELLTALE_CLASSES`.
        rng: randomness (style when ``style`` is None, variant, proportions, warp).
        size: output side, px (16-512).
        style: how to draw it (``None``: :func:`sample_style` with ``split="train"``).

    Returns:
        ``(size, size) float32`` alpha in ``[0, 1]``, the symbol centred and filling the
        square up to a 4 % margin on its longer side.

    Raises:
        ValidationError: unknown class or size out of range.
    """
    if name not in _DRAWERS:
        raise ValidationError(f"No drawing for tell-tale {name!r}.", detail=", ".join(TELLTALE_CLASSES))
    if not 16 <= size <= 512:
        raise ValidationError("Symbol size must be 16-512 px.", detail=str(size))
    st = style or sample_style(rng)
    nv, fn = _DRAWERS[name]
    v = int(rng.integers(nv)) if st.variant is None else int(st.variant) % nv
    p = Pen(replace(st, variant=v), rng)
    fn(p, rng, v)
    return _finish(p, size, st.mirror and name in MIRRORABLE)


# --------------------------------------------------------------------------- unknown symbols

#: Families of "unknown" symbols (not one of the known tell-tales). Training uses
#: :data:`UNKNOWN_TRAIN_FAMILIES`; the held-out set adds families the training never sees.
UNKNOWN_TRAIN_FAMILIES = ("letters", "turn_arrow", "scribble", "blob", "bare_led", "snowflake", "key", "cruise", "partial")
UNKNOWN_HELDOUT_FAMILIES = ("letters", "scribble", "blob", "bare_led", "hazard", "bulb", "star", "words", "partial")
_LETTERS = "ABCDEFGHJKLMNRSTUVWXYZ0123456789?#%&@"  # no 'P' or '!' (parts of known tell-tales)
_WORDS = ("AUTO", "ECO", "4WD", "SPORT", "EV", "LIM", "HOLD", "A/C", "SET", "km/h")


def _unknown_family(p: Pen, r: np.random.Generator, fam: str) -> None:
    if fam == "letters":
        s = "".join(r.choice(list(_LETTERS), int(r.integers(1, 3))))
        p.text(s, 0, 0, p.j(1.0), stretch=p.j(1.0, 3))
        if r.random() < 0.4:
            p.line(arc(0, 0, 0.9, 0.9, 0, 360, 64), closed=True)
    elif fam == "words":
        p.text(str(r.choice(_WORDS)), 0, 0, p.j(0.6))
    elif fam == "turn_arrow":
        d = 1 if r.random() < 0.5 else -1
        pts = [(-0.7, -0.22), (0.1, -0.22), (0.1, -0.55), (0.8, 0.0), (0.1, 0.55), (0.1, 0.22), (-0.7, 0.22)]
        p.shape([(d * x, y) for x, y in pts])
    elif fam == "scribble":
        k = int(r.integers(2, 6))
        pts = r.uniform(-0.8, 0.8, (k * 6, 2))
        for i in range(k):
            p.line(pts[i * 6:(i + 1) * 6])
    elif fam == "blob":
        n = int(r.integers(5, 10))
        ang = np.sort(r.uniform(0, 2 * np.pi, n))
        rad = r.uniform(0.35, 0.9, n)
        p.shape(np.stack([rad * np.cos(ang), rad * np.sin(ang)], 1))
    elif fam == "bare_led":
        if r.random() < 0.5:
            p.dot(0, 0, p.j(0.6))
        else:
            w2, h2 = r.uniform(0.3, 0.9), r.uniform(0.2, 0.6)
            p.fill([(-w2, -h2), (w2, -h2), (w2, h2), (-w2, h2)])
    elif fam == "snowflake":
        for a in range(0, 180, 60):
            t = math.radians(a + p.j(0, 100))
            p.line([(-0.8 * math.cos(t), -0.8 * math.sin(t)), (0.8 * math.cos(t), 0.8 * math.sin(t))])
            for s in (-1, 1):
                bx, by = s * 0.5 * math.cos(t), s * 0.5 * math.sin(t)
                for da in (-0.6, 0.6):
                    p.line([(bx, by), (bx + s * 0.25 * math.cos(t + da), by + s * 0.25 * math.sin(t + da))])
    elif fam == "key":
        p.line(arc(-0.45, 0, 0.32, 0.32, 0, 360, 40), closed=True)
        p.line([(-0.13, 0), (0.8, 0)])
        p.line([(0.55, 0), (0.55, 0.25)])
        p.line([(0.75, 0), (0.75, 0.2)])
    elif fam == "cruise":
        p.line(arc(0, 0.1, 0.75, 0.75, 150, 390, 48))
        for a in (180, 225, 270, 315, 360):
            t = math.radians(a)
            p.line([(0.55 * math.cos(t), 0.1 + 0.55 * math.sin(t)), (0.72 * math.cos(t), 0.1 + 0.72 * math.sin(t))], w=p.w * 0.7)
        t = math.radians(p.j(-60, 400))
        p.line([(0, 0.1), (0.5 * math.cos(t), 0.1 + 0.5 * math.sin(t))])
    elif fam == "hazard":
        p.line([(0, -0.8), (0.85, 0.65), (-0.85, 0.65)], closed=True)
        p.line([(0, -0.3), (0.4, 0.4), (-0.4, 0.4)], closed=True)
    elif fam == "bulb":
        p.line(np.vstack([arc(0, -0.2, 0.5, 0.5, 135, 405, 40), [(0.2, 0.5), (-0.2, 0.5)]]), closed=True)
        for y in (0.62, 0.76):
            p.line([(-0.2, y), (0.2, y)])
    elif fam == "star":
        k = int(r.integers(5, 8))
        a = np.linspace(-np.pi / 2, 1.5 * np.pi, 2 * k, endpoint=False)
        rad = np.where(np.arange(2 * k) % 2 == 0, 0.9, 0.4)
        p.shape(np.stack([rad * np.cos(a), rad * np.sin(a)], 1))
    elif fam == "partial":  # a fragment of a known symbol (e.g. a crop cut through a neighbour)
        name = TELLTALE_CLASSES[int(r.integers(len(TELLTALE_CLASSES)))]
        sub = Pen(p.style, r)
        _DRAWERS[name][1](sub, r, int(r.integers(_DRAWERS[name][0])))
        m = sub.canvas
        cut = int(r.integers(WORK // 3, WORK // 2))
        side = int(r.integers(4))
        m = np.rot90(m, side).copy()
        m[:, cut:] = 0
        p.canvas = np.maximum(p.canvas, np.rot90(m, -side))
    else:
        raise ValidationError(f"Unknown symbol family {fam!r}.")


def draw_unknown(rng: np.random.Generator, size: int = 96, family: str | None = None, split: str = "train") -> np.ndarray:
    """Draw a symbol that is *not* one of the known tell-tales (letters, arrows, scribbles,
    blobs, bare LEDs, other icons, fragments of known symbols).

    Args:
        rng: randomness.
        size: output side, px (16-512).
        family: one of the split's families (``None``: random).
        split: ``"train"`` (:data:`UNKNOWN_TRAIN_FAMILIES`) or ``"heldout"``
            (:data:`UNKNOWN_HELDOUT_FAMILIES`, some never seen in training).

    Returns:
        ``(size, size) float32`` alpha in ``[0, 1]``.

    Raises:
        ValidationError: unknown family or split, or size out of range.
    """
    fams = UNKNOWN_TRAIN_FAMILIES if split == "train" else UNKNOWN_HELDOUT_FAMILIES
    if split not in ("train", "heldout"):
        raise ValidationError(f"Unknown split {split!r}.", detail="train, heldout")
    if not 16 <= size <= 512:
        raise ValidationError("Symbol size must be 16-512 px.", detail=str(size))
    fam = family or str(fams[int(rng.integers(len(fams)))])
    st = sample_style(rng, split)
    p = Pen(st, rng)
    _unknown_family(p, rng, fam)
    return _finish(p, size, False)
