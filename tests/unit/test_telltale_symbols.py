"""The tell-tale renderer: every class draws, styles vary, scenes carry ground truth."""

from __future__ import annotations

import numpy as np
import pytest

from diagnostics.errors import ValidationError
from synth.telltales import mdi
from synth.telltales.scene import ISO_COLOURS, render_crop, render_dashboard
from synth.telltales.symbols import (
    CLASSES, ISO_2575, TELLTALE_CLASSES, UNKNOWN, DrawStyle, draw_symbol, draw_unknown, n_variants, sample_style,
)


def test_class_list_covers_the_issue_and_iso_table():
    assert len(TELLTALE_CLASSES) == 23 and CLASSES[-1] == UNKNOWN
    assert set(ISO_2575) == set(TELLTALE_CLASSES)
    assert {v["colour"] for v in ISO_2575.values()} <= set(ISO_COLOURS)
    assert ISO_2575["high_beam"]["colour"] == "blue" and ISO_2575["oil_pressure"]["colour"] == "red"


@pytest.mark.parametrize("name", TELLTALE_CLASSES)
def test_every_class_draws_every_variant(name):
    rng = np.random.default_rng(1)
    for v in range(n_variants(name)):
        for solid in (False, True):
            m = draw_symbol(name, rng, 48, DrawStyle(stroke=0.08, solid=solid, variant=v))
            assert m.shape == (48, 48) and m.dtype == np.float32
            assert 0.0 <= m.min() and m.max() <= 1.0
            ink = float((m > 0.5).mean())
            assert 0.04 < ink < 0.85, (name, v, solid, ink)
            # centred and filling the square up to the margin on its longer side
            ys, xs = np.nonzero(m > 0.05)
            assert max(ys.max() - ys.min(), xs.max() - xs.min()) >= 40


def test_drawings_vary_and_are_deterministic():
    a = draw_symbol("abs", np.random.default_rng(7), 64)
    b = draw_symbol("abs", np.random.default_rng(7), 64)
    c = draw_symbol("abs", np.random.default_rng(8), 64)
    assert np.array_equal(a, b)
    assert np.abs(a - c).mean() > 0.02


def test_heldout_styles_use_other_strokes_and_fonts():
    rng = np.random.default_rng(0)
    tr = [sample_style(rng, "train") for _ in range(200)]
    ho = [sample_style(rng, "heldout") for _ in range(200)]
    bands = ((0.04, 0.062), (0.072, 0.098), (0.108, 0.13))
    assert all(any(lo <= s.stroke <= hi for lo, hi in bands) for s in tr)
    assert not any(any(lo < s.stroke < hi for lo, hi in bands) for s in ho)
    assert not {s.font for s in tr} & {s.font for s in ho}


def test_unknown_symbols_and_bad_input():
    rng = np.random.default_rng(3)
    for split in ("train", "heldout"):
        m = draw_unknown(rng, 40, split=split)
        assert m.shape == (40, 40) and m.max() > 0.5
    with pytest.raises(ValidationError):
        draw_symbol("check_engine_light", rng)
    with pytest.raises(ValidationError):
        draw_symbol("abs", rng, size=4)
    with pytest.raises(ValidationError):
        render_crop("abs", rng, split="test")


def test_crop_is_a_lit_symbol_in_its_colour():
    rng = np.random.default_rng(5)
    crop = render_crop("high_beam", rng, size=48, colour="blue", neighbours=False)
    assert crop.dtype == np.uint8 and crop.ndim == 3 and crop.shape[2] == 3
    assert 48 <= min(crop.shape[:2]) <= 48 / 0.45 * 1.25
    bright = crop.reshape(-1, 3)[crop.reshape(-1, 3).max(1) > 120].astype(float)
    assert len(bright) > 30
    assert bright[:, 2].mean() > bright[:, 0].mean() + 20  # blue light, not red


def test_dashboard_ground_truth_boxes_hold_the_lights():
    rng = np.random.default_rng(11)
    img, truth = render_dashboard(rng, labels=["oil_pressure", "abs", UNKNOWN], ghosts=1, width=640, height=360)
    assert img.shape == (360, 640, 3)
    lit = [t for t in truth if t.lit]
    assert sorted(t.label for t in lit) == sorted(["oil_pressure", "abs", UNKNOWN])
    assert sum(not t.lit for t in truth) == 1
    for t in truth:
        x, y, w, h = t.box
        assert 0 <= x and 0 <= y and x + w <= 640 and y + h <= 360
        patch = img[y:y + h, x:x + w].max(2)
        if t.lit:
            assert patch.max() > 150, t
    bg = np.median(img.max(2))
    assert bg < 100


@pytest.mark.skipif(not mdi.available(), reason="@mdi/svg icons not fetched (scripts/fetch_mdi_icons.sh)")
def test_mdi_icons_rasterise_for_mapped_classes():
    rng = np.random.default_rng(0)
    for name in ("engine_mil", "abs", "esp_off", "power_steering"):
        m = mdi.draw_mdi(name, rng, 48)
        assert m is not None and m.shape == (48, 48) and (m > 0.5).mean() > 0.05
    assert mdi.draw_mdi("glow_plug", rng, 48) is None  # no icon in the set: ours only
