"""Draw the evidence (where each display reading, code candidate and lit indicator was
found) on a photo.

Pure functions on numpy arrays, no Streamlit: the panel calls :func:`draw_evidence`
and shows the result with ``st.image``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ..schema import BBox, CodeCandidate, DisplayReading

READING_COLOUR = (30, 136, 229)
"""RGB outline of display readings (blue): everything the readers saw, codes or not."""

CODE_COLOUR = (255, 111, 0)
"""RGB outline of code candidates (orange): the codes presented as findings."""

LIGHT_COLOURS = {"RED": (229, 57, 53), "AMBER": (255, 179, 0), "GREEN": (67, 160, 71), "BLUE": (30, 136, 229),
                 "WHITE": (236, 239, 241), "": (158, 158, 158)}
"""RGB outline of a lit indicator by its measured colour (grey: a status light that is off)."""

DISPLAY_MAX_SIDE = 1400
"""Long side, pixels, to which the annotated image is reduced before drawing (the panel
never shows it larger, and smaller images travel faster to the browser)."""

_FONT_FILES = ("DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    for name in _FONT_FILES:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default()


def _scaled(bbox: BBox, scale: float) -> tuple[int, int, int, int]:
    x, y, w, h = (float(v) for v in bbox)
    return (round(x * scale), round(y * scale), round((x + w) * scale), round((y + h) * scale))


def code_label(candidate: CodeCandidate) -> str:
    """Label drawn next to a code box, e.g. ``"E21 0.94"`` (code, confidence to 2 decimals)."""
    return f"{candidate.code} {candidate.confidence:.2f}"


def light_label(light: dict) -> str:
    """Label drawn next to a light's box: its name (``"oil pressure (red)"``, ``"Internet
    light: red, steady"``), from a ``{"kind": "light"}`` evidence item."""
    return str(light.get("name") or light.get("code") or "light")


def draw_evidence(
    image: np.ndarray,
    readings: Sequence[DisplayReading] = (),
    candidates: Sequence[CodeCandidate] = (),
    *,
    lights: Sequence[dict] = (),
    max_side: int = DISPLAY_MAX_SIDE,
) -> np.ndarray:
    """Return a copy of ``image`` with boxes for readings (blue), code candidates
    (orange, labelled ``"E21 0.94"``) and lit indicators (outlined in their own colour and
    labelled with their name; lights shown as evidence only get a thin box).

    Args:
        image: ``(H, W, 3) uint8`` RGB, upright (``MediaResult.image``).  ``(H, W)`` grey
            and ``(H, W, 4)`` RGBA are accepted and converted.
        readings: display readings; ``bbox`` in pixels of ``image``.
        candidates: code candidates; those with ``bbox is None`` (typed text) are skipped.
        lights: ``{"kind": "light"}`` evidence items (:mod:`diagnostics.telltales`) with
            ``bbox``, ``colour``, ``name`` and ``reported``.
        max_side: the output is downscaled so its long side is at most this many pixels.

    Returns:
        ``(h, w, 3) uint8`` RGB, ``h, w`` = the input size times ``min(1, max_side / max(H, W))``.

    Raises:
        ValueError: ``image`` is not a 2-D or 3-D uint8-convertible array with 1, 3 or 4 channels.
    """
    arr = np.asarray(image)
    if arr.ndim == 2:
        arr = np.stack([arr] * 3, axis=-1)
    if arr.ndim != 3 or arr.shape[2] not in (1, 3, 4) or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"expected an (H, W, 3) image, got shape {arr.shape}")
    if arr.shape[2] == 1:
        arr = np.repeat(arr, 3, axis=2)
    if arr.shape[2] == 4:
        arr = arr[:, :, :3]
    if arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)

    h, w = arr.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    pil = Image.fromarray(np.ascontiguousarray(arr), "RGB")
    if scale < 1.0:
        pil = pil.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.LANCZOS)
    draw = ImageDraw.Draw(pil)
    side = max(pil.size)
    line = max(2, side // 250)
    font = _font(max(14, side // 28))

    for r in readings:
        if r.bbox is None:
            continue
        draw.rectangle(_scaled(r.bbox, scale), outline=READING_COLOUR, width=line)

    for c in candidates:
        if c.bbox is None:
            continue
        x0, y0, x1, y1 = _scaled(c.bbox, scale)
        draw.rectangle((x0, y0, x1, y1), outline=CODE_COLOUR, width=line + 1)
        _tag(draw, pil.size, (x0, y0, x1, y1), code_label(c), font, line, CODE_COLOUR)

    # lights: findings first so their names get the best places; tags never overlap
    light_font, small = _font(max(13, side // 55)), _font(max(11, side // 75))
    taken: list[tuple[int, int, int, int]] = []
    shown = sorted(lights, key=lambda e: not e.get("reported"))
    boxes = []
    for lt in shown:
        bbox = lt.get("bbox")
        if not bbox or len(bbox) != 4:
            boxes.append(None)
            continue
        x0, y0, x1, y1 = _scaled(bbox, scale)
        pad_px = max(3, line)
        boxes.append((x0 - pad_px, y0 - pad_px, x1 + pad_px, y1 + pad_px))
    taken += [b for b in boxes if b is not None]  # a name never hides another light
    for lt, box in zip(shown, boxes):
        if box is None:
            continue
        colour = LIGHT_COLOURS.get(str(lt.get("colour") or ""), LIGHT_COLOURS[""])
        if lt.get("reported"):
            draw.rectangle(box, outline=(0, 0, 0), width=line + 3)
            draw.rectangle(box, outline=colour, width=line + 1)
            _tag(draw, pil.size, box, light_label(lt), light_font, line, colour, taken)
        else:
            draw.rectangle(box, outline=colour, width=max(1, line // 2))
            _tag(draw, pil.size, box, light_label(lt), small, max(1, line // 2), colour, taken)

    return np.asarray(pil, dtype=np.uint8)


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _tag(draw: ImageDraw.ImageDraw, size: tuple[int, int], box: tuple[int, int, int, int], label: str, font,
         line: int, fill: tuple[int, int, int], taken: list | None = None) -> None:
    """A filled label for ``box`` (x0, y0, x1, y1): above it when there is room, else inside its
    top edge (the code labels' rule).  With ``taken`` (rectangles already used), the first of
    above, below, above-stacked places that overlaps none of them is used, and the label's
    rectangle is added.  Text black or white, whichever reads better on ``fill``."""
    x0, y0, x1, y1 = box
    tx0, ty0, tx1, ty1 = draw.textbbox((0, 0), label, font=font)
    tw, th = tx1 - tx0, ty1 - ty0
    pad = max(2, line)
    h = th + 2 * pad
    lx = min(max(0, x0), max(0, size[0] - tw - 2 * pad))
    ly = y0 - h if y0 - h >= 0 else y0
    if taken is not None:
        tries = [y0 - h, y1] + [y0 - h * k for k in range(2, 6)] + [y1 + h * k for k in range(1, 4)]
        for cand in tries:
            if cand < 0 or cand + h > size[1]:
                continue
            rect = (lx, cand, lx + tw + 2 * pad, cand + h)
            if not any(_overlaps(rect, t) for t in taken):
                ly = cand
                break
        taken.append((lx, ly, lx + tw + 2 * pad, ly + h))
    draw.rectangle((lx, ly, lx + tw + 2 * pad, ly + h), fill=fill)
    ink = (0, 0, 0) if 0.299 * fill[0] + 0.587 * fill[1] + 0.114 * fill[2] > 140 else (255, 255, 255)
    draw.text((lx + pad - tx0, ly + pad - ty0), label, fill=ink, font=font)


def crop_around(image: np.ndarray, bbox: BBox, *, margin: float = 0.5, max_side: int = 600) -> np.ndarray:
    """Close-up of one region: ``bbox`` grown by ``margin`` times its size on every side,
    clipped to the image, resized so the long side is ``max_side`` pixels (up or down).

    Args:
        image: ``(H, W, 3) uint8`` RGB.
        bbox: ``(x, y, w, h)`` pixels of ``image``.

    Returns:
        ``(h, w, 3) uint8`` RGB crop.

    Raises:
        ValueError: the box does not overlap the image or ``image`` is not ``(H, W, 3)``.
    """
    arr = np.asarray(image)
    if arr.ndim != 3 or arr.shape[2] != 3:
        raise ValueError(f"expected an (H, W, 3) image, got shape {arr.shape}")
    H, W = arr.shape[:2]
    x, y, w, h = (int(v) for v in bbox)
    mx, my = int(w * margin), int(h * margin)
    x0, y0 = max(0, x - mx), max(0, y - my)
    x1, y1 = min(W, x + w + mx), min(H, y + h + my)
    if x1 <= x0 or y1 <= y0:
        raise ValueError(f"box {bbox} is outside the {W}x{H} image")
    pil = Image.fromarray(np.ascontiguousarray(arr[y0:y1, x0:x1]).astype(np.uint8), "RGB")
    scale = max_side / max(pil.size)
    pil = pil.resize((max(1, round(pil.size[0] * scale)), max(1, round(pil.size[1] * scale))), Image.Resampling.LANCZOS)
    return np.asarray(pil, dtype=np.uint8)
