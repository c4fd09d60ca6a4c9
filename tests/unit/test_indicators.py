"""Lit-indicator detector (diagnostics.vision.indicators) on scenes drawn here: boxes,
colours, counts, halos, symbols in parts, any size, and no detections on bright photos,
displays, gauges or reflections."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from diagnostics.vision.indicators import LitIndicator, find_lit_indicators, square_crop
from diagnostics.vision.regions import box_overlap

RED, AMBER, GREEN, BLUE = (255, 40, 30), (255, 170, 20), (50, 230, 90), (40, 110, 255)


def panel(w: int = 1280, h: int = 720, level: int = 18, seed: int = 0) -> np.ndarray:
    """A dark instrument panel: a gradient, some grain."""
    rng = np.random.default_rng(seed)
    img = np.full((h, w, 3), level, np.float32)
    img *= np.linspace(0.8, 1.2, w, dtype=np.float32)[None, :, None]
    img += rng.normal(0, 2.0, img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8)


def lamp(img: np.ndarray, mask: np.ndarray, x: int, y: int, rgb, *, glow: float = 0.6, core: float = 0.5) -> tuple:
    """Light ``mask`` (float 0-1) at (x, y) in colour ``rgb``: a backlit symbol with a
    clipped, whitish core and a glow around it.  Returns its box ``(x, y, w, h)``."""
    h, w = mask.shape
    f = img.astype(np.float32)
    s = max(2.0, 0.08 * max(h, w))
    m = np.zeros(img.shape[:2], np.float32)
    m[y:y + h, x:x + w] = mask
    halo = cv2.GaussianBlur(m, (0, 0), s) * glow
    col = np.float32(rgb)
    lit = col + (255 - col) * core  # the camera clips the centre towards white
    f = f * (1 - m[..., None]) + lit * m[..., None]
    f += halo[..., None] * col
    img[:] = np.clip(f, 0, 255).astype(np.uint8)
    ys, xs = np.nonzero(mask > 0.5 * mask.max())
    return (x + int(xs.min()), y + int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1))


def ring(size: int, thick: float = 0.14) -> np.ndarray:
    m = np.zeros((size, size), np.float32)
    cv2.circle(m, (size // 2, size // 2), int(size * 0.4), 1.0, max(1, int(size * thick)), cv2.LINE_AA)
    return m


def blob(size: int) -> np.ndarray:
    m = np.zeros((size, size), np.float32)
    pts = (np.array([[0.1, 0.55], [0.3, 0.25], [0.75, 0.25], [0.9, 0.5], [0.75, 0.8], [0.25, 0.8]]) * size).astype(np.int32)
    cv2.fillPoly(m, [pts], 1.0, cv2.LINE_AA)
    return m


def bracket_symbol(size: int) -> np.ndarray:
    """``( ! )``: three separate parts, like the brake-system tell-tale."""
    m = np.zeros((size, size), np.float32)
    t = max(2, size // 10)
    c = size // 2
    cv2.ellipse(m, (c, c), (int(size * 0.45), int(size * 0.42)), 0, 120, 240, 1.0, t, cv2.LINE_AA)
    cv2.ellipse(m, (c, c), (int(size * 0.45), int(size * 0.42)), 0, -60, 60, 1.0, t, cv2.LINE_AA)
    cv2.line(m, (c, int(size * 0.2)), (c, int(size * 0.6)), 1.0, t, cv2.LINE_AA)
    cv2.circle(m, (c, int(size * 0.75)), t // 2 + 1, 1.0, -1, cv2.LINE_AA)
    return m


def _match(inds: list[LitIndicator], box) -> LitIndicator | None:
    best = max(inds, key=lambda i: box_overlap(i.bbox, box)[0], default=None)
    return best if best is not None and box_overlap(best.bbox, box)[0] >= 0.5 else None


def test_three_lights_found_with_boxes_and_colours():
    img = panel()
    truth = [(lamp(img, ring(90), 300, 500, RED), "RED"), (lamp(img, blob(90), 560, 500, AMBER), "AMBER"),
             (lamp(img, ring(70), 820, 510, GREEN), "GREEN")]
    inds = find_lit_indicators(img)
    assert len(inds) == 3, [i.to_dict() for i in inds]
    for box, colour in truth:
        got = _match(inds, box)
        assert got is not None, (box, [i.bbox for i in inds])
        assert got.colour == colour and got.lit
        assert got.contrast > 100 and got.surround < 60
    assert all(i.crop is not None and i.crop.dtype == np.uint8 and i.crop.shape[2] == 3 for i in inds)


@pytest.mark.parametrize("size,photo", [(14, (640, 480)), (40, (1280, 720)), (120, (1600, 1200)), (300, (2400, 1600)),
                                        (24, (4000, 3000))])
def test_any_size(size, photo):
    w, h = photo
    img = panel(w, h)
    box = lamp(img, blob(size), w // 2, h // 2, BLUE)
    inds = find_lit_indicators(img)
    assert len(inds) == 1, [i.to_dict() for i in inds]
    assert inds[0].colour == "BLUE" and box_overlap(inds[0].bbox, box)[0] >= 0.5, (inds[0].bbox, box)


def test_glow_and_clipped_core_give_one_light_of_the_halo_colour():
    img = panel()
    # a lamp the camera clips to white at the centre: its colour is only in the glow
    box = lamp(img, blob(80), 600, 300, RED, glow=1.2, core=0.95)
    inds = find_lit_indicators(img)
    assert len(inds) == 1 and inds[0].colour == "RED", [i.to_dict() for i in inds]
    x, y, w, h = inds[0].bbox
    assert x <= box[0] and y <= box[1] and x + w >= box[0] + box[2] and y + h >= box[1] + box[3]  # halo merged in


def test_symbol_in_separate_parts_is_one_detection():
    img = panel()
    box = lamp(img, bracket_symbol(100), 500, 400, RED, glow=0.3)
    inds = find_lit_indicators(img)
    assert len(inds) == 1, [i.to_dict() for i in inds]
    assert box_overlap(inds[0].bbox, box)[0] >= 0.6


def test_row_of_lamps_stays_separate():
    img = panel()
    boxes = [lamp(img, ring(60), 400 + k * 90, 500, c) for k, c in enumerate((RED, AMBER, AMBER, GREEN))]
    inds = find_lit_indicators(img)
    assert len(inds) == 4
    assert all(_match(inds, b) is not None for b in boxes)


def test_weak_reflection_of_a_light_is_not_a_light():
    img = panel()
    lamp(img, blob(80), 600, 200, AMBER)
    # its reflection on the cover glass: dim and blurred
    refl = cv2.GaussianBlur(cv2.flip(blob(80), 0), (0, 0), 3)
    lamp(img, refl * 0.3, 600, 330, AMBER, glow=0.2, core=0.0)
    inds = find_lit_indicators(img)
    assert len(inds) == 1 and inds[0].bbox[1] < 300


def test_red_lamp_on_white_plastic_is_found():
    img = np.full((600, 800, 3), 236, np.uint8)
    cv2.circle(img, (400, 300), 14, (40, 40, 44), -1, cv2.LINE_AA)
    cv2.circle(img, (400, 300), 12, RED, -1, cv2.LINE_AA)
    inds = find_lit_indicators(img)
    assert len(inds) == 1 and inds[0].colour == "RED"


@pytest.mark.parametrize("kind", ["white", "gradient", "red_surface", "gauge_at_edge", "thin_ring"])
def test_nothing_lit(kind):
    if kind == "white":
        img = np.full((720, 1280, 3), 230, np.uint8)
    elif kind == "gradient":
        img = np.clip(np.linspace(0, 255, 1280)[None, :, None] * np.ones((720, 1, 3)), 0, 255).astype(np.uint8)
    elif kind == "red_surface":  # a red object as bright as its surroundings: it does not emit
        img = np.full((720, 1280, 3), 150, np.uint8)
        img[200:500, 300:900] = (200, 60, 50)
    elif kind == "gauge_at_edge":  # a lit gauge ring cut by the photo's edge
        img = panel()
        cv2.ellipse(img, (0, 360), (300, 300), 0, -80, 80, GREEN, 4, cv2.LINE_AA)
    else:  # a large thin lit ring (a gauge) in the middle
        img = panel()
        cv2.circle(img, (640, 360), 200, AMBER, 3, cv2.LINE_AA)
    assert find_lit_indicators(img) == []


def test_lcd_display_on_a_washer_gives_no_light():
    img = np.full((900, 1200, 3), (225, 226, 228), np.uint8)
    cv2.rectangle(img, (400, 350), (800, 550), (150, 165, 140), -1)  # reflective LCD, dark digits
    cv2.putText(img, "E21", (440, 520), cv2.FONT_HERSHEY_SIMPLEX, 5, (40, 45, 40), 18, cv2.LINE_AA)
    assert find_lit_indicators(img) == []


def test_square_crop_with_margin_and_inside_the_photo():
    img = panel(400, 300)
    crop = square_crop(img, (10, 20, 40, 30), margin=0.25)
    assert crop.shape == (60, 60, 3)
    edge = square_crop(img, (380, 280, 20, 20), margin=0.5)
    assert edge.shape == (40, 40, 3)  # shifted inside, still square
    with pytest.raises(ValueError):
        square_crop(img, (500, 500, 10, 10))


@pytest.mark.parametrize("bad", [np.zeros((10, 10), np.uint8), np.zeros((10, 10, 3), np.float32),
                                 np.zeros((4, 4, 3), np.uint8), np.zeros((10, 10, 4), np.uint8)])
def test_bad_input_is_a_value_error(bad):
    with pytest.raises(ValueError):
        find_lit_indicators(bad)
