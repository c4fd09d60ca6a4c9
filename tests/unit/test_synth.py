"""Tests of the synthetic media generators (synth/) and the committed sample_media/."""

from __future__ import annotations

import csv
import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

import pillow_heif

from diagnostics.errors import ValidationError
from synth import test_inputs as T
from synth.camera import CameraSettings, encode_jpeg, shoot, store_for_orientation
from synth.displays import dot_matrix_lcd, render_code_display, segment_masks
from synth.scenes import display_photo

pillow_heif.register_heif_opener()

ROOT = Path(__file__).resolve().parents[2]
MEDIA = ROOT / "sample_media"


def _rows() -> list[dict[str, str]]:
    with open(MEDIA / "expected.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# ------------------------------------------------------------------ sample_media


def test_expected_csv_columns_and_counts():
    rows = _rows()
    assert list(rows[0].keys()) == ["path", "expected", "family", "display_text", "notes"]
    assert len(rows) >= 32
    assert sum(1 for r in rows if r["expected"] == "") >= 5
    assert {r["family"] for r in rows} >= {"appliance", "printer", "router", "windows_stop", "obd2"}
    names = [r["path"] for r in rows]
    assert len(names) == len(set(names))


def test_every_sample_exists_and_decodes_with_right_sizes():
    rows = _rows()
    twelve_mp = heic = 0
    total = 0
    for r in rows:
        p = MEDIA / r["path"]
        assert p.is_file(), r["path"]
        total += p.stat().st_size
        with Image.open(p) as im:
            up = ImageOps.exif_transpose(im)
            w, h = up.size
            assert im.format in ("JPEG", "HEIF"), (r["path"], im.format)
            if r["path"].endswith(".heic"):
                assert im.format == "HEIF"
                heic += 1
            else:
                assert im.format == "JPEG"
            if {w, h} == {4032, 3024}:
                twelve_mp += 1
            else:
                assert {w, h} == {1600, 1200}, (r["path"], w, h)
    assert twelve_mp >= 3
    assert heic >= 2
    assert total < 16 * 1024 * 1024


def test_exif_rotated_sample_is_stored_sideways():
    rows = [r for r in _rows() if "EXIF orientation 6" in r["notes"]]
    assert rows
    with Image.open(MEDIA / rows[0]["path"]) as im:
        assert im.getexif().get(0x0112) == 6
        assert im.size == (1600, 1200)
        assert ImageOps.exif_transpose(im).size == (1200, 1600)


def test_expected_codes_cover_the_brief():
    exp = {r["expected"] for r in _rows()}
    for code in ("E21", "4C", "5E", "UE", "dE", "SUd", "OE", "IE", "LE", "F21", "E18", "E15", "E24", "F.28", "F.22", "EA",
                 "227", "E133", "50.4", "49.4C02", "13.20", "P0420", "P0171", "P0300", "0x000000EF", "0x0000007B", "691",
                 "E97", "H7", "E4"):
        assert code in exp, code


# ------------------------------------------------------------------ renderers


def test_segment_masks_shapes_and_lit_subset_of_ghost():
    lit, ghost = segment_masks("E21", 60, slant=0.1, gap=0.03)
    assert lit.shape == ghost.shape and lit.dtype == np.float32
    assert 55 <= lit.shape[0] <= 80
    assert lit.max() > 0.9 and ghost.sum() > lit.sum()
    # "8" lights every segment: lit equals ghost apart from the decimal point
    l8, g8 = segment_masks("8", 60)
    assert l8.sum() > 0.8 * g8.sum()
    with pytest.raises(ValidationError):
        segment_masks("W", 60)


def test_render_is_deterministic_and_seed_sensitive():
    a, box = render_code_display("F.28", "lcd_reflective", "dseg7_classic", 70, rng=np.random.default_rng(5))
    b, _ = render_code_display("F.28", "lcd_reflective", "dseg7_classic", 70, rng=np.random.default_rng(5))
    assert a.dtype == np.uint8 and a.ndim == 3 and a.shape[2] == 3
    assert np.array_equal(a, b)
    x, y, w, h = box
    assert 0 <= x and 0 <= y and x + w <= a.shape[1] and y + h <= a.shape[0]
    p1, b1 = display_photo(a, np.random.default_rng(9), size=(640, 480), display_width_frac=0.3)
    p2, b2 = display_photo(a, np.random.default_rng(9), size=(640, 480), display_width_frac=0.3)
    p3, _ = display_photo(a, np.random.default_rng(10), size=(640, 480), display_width_frac=0.3)
    assert np.array_equal(p1, p2) and b1 == b2
    assert not np.array_equal(p1, p3)
    assert p1.shape == (480, 640, 3)
    assert abs(b1[2] - 0.3 * 640) < 0.3 * 640 * 0.5


def test_light_on_dark_styles_have_bright_digits():
    red, box = render_code_display("E4", "led_red", "polygons", 60)
    x, y, w, h = box
    assert red[y : y + h, x : x + w, 0].max() > 200 and np.median(red[..., 0]) < 80
    lcd, _ = render_code_display("E4", "lcd_reflective", "polygons", 60)
    assert lcd.mean() > 100 and lcd.min() < 70


def test_dot_matrix_lcd_shape():
    im = dot_matrix_lcd(["50.4 FUSER ERROR", "TURN OFF THEN ON"], dot=4)
    assert im.dtype == np.uint8 and im.shape[1] > 3 * im.shape[0]


def test_store_for_orientation_inverts_exif_transpose():
    up = np.zeros((30, 40, 3), np.uint8)
    up[:5, :10] = 255  # mark the top-left corner
    for o in (1, 3, 6, 8):
        stored = store_for_orientation(up, o)
        jpg = encode_jpeg(stored, 95, orientation=o)
        back = np.asarray(ImageOps.exif_transpose(Image.open(io.BytesIO(jpg))))
        assert back.shape == up.shape, o
        assert back[:5, :10].mean() > 200 and back[-5:, -10:].mean() < 50, o
    with pytest.raises(ValidationError):
        store_for_orientation(up, 5)


def test_shoot_rejects_bad_input():
    with pytest.raises(ValidationError):
        shoot(np.zeros((10, 10), np.uint8), np.random.default_rng(0), CameraSettings())


# ------------------------------------------------------------------ factories


@pytest.mark.parametrize("factory", [T.t1_low_contrast_lcd, T.t2_three_readouts, T.t3_light_on_dark, T.t4_lookalikes, T.t5_tiny_crops])
def test_array_factories(factory):
    cases = factory()
    assert cases
    for c in cases:
        assert isinstance(c, T.Case) and isinstance(c.name, str) and isinstance(c.expected, str)
        assert isinstance(c.data, np.ndarray) and c.data.dtype == np.uint8 and c.data.ndim == 3 and c.data.shape[2] == 3
    again = factory()
    assert all(np.array_equal(a.data, b.data) for a, b in zip(cases, again))


def test_t1_has_a_blank_case_and_t2_readouts():
    assert [c.expected for c in T.t1_low_contrast_lcd()] == ["E21", "F.28", ""]
    t2 = {c.name: c for c in T.t2_three_readouts()}
    assert t2["t2_three_readouts_full"].expected == "E4"
    assert [t2[f"t2_readout_{r}"].expected for r in T.T2_READOUTS] == list(T.T2_READOUTS)
    assert t2["t2_crop_0013_into_neighbour"].data.shape[1] > t2["t2_readout_0013"].data.shape[1]


def test_t3_polarity():
    red, blue, control = T.t3_light_on_dark()
    assert (red.expected, blue.expected, control.expected) == ("E4", "F05", "E4")


def test_t4_pairs_and_t5_sizes():
    t4 = T.t4_lookalikes()
    assert len(t4) == 2 * len(T.LOOKALIKE_EXPECTED)
    assert {c.expected for c in t4 if c.name.startswith("t4_SE_")} == {"5E"}
    for c in T.t5_tiny_crops():
        assert 18 <= c.data.shape[0] <= 46, (c.name, c.data.shape)
    assert any(len(c.expected) == 1 for c in T.t5_tiny_crops())


def test_t6_exif_rotated():
    for o in (6, 3):
        (c,) = T.t6_exif_rotated(o)
        im = Image.open(io.BytesIO(c.data))
        assert im.format == "JPEG" and im.size == (4032, 3024)
        assert im.getexif().get(0x0112) == o
        assert ImageOps.exif_transpose(im).size == ((3024, 4032) if o == 6 else (4032, 3024))
    with pytest.raises(ValidationError):
        T.t6_exif_rotated(2)


def test_t7_heic_bytes_and_unknown():
    cases = T.t7_heic_bytes()
    assert [c.name for c in cases] == ["IMG_0042.jpg", "IMG_0042.png", "IMG_0042"]
    data = cases[0].data
    assert data[4:12] in (b"ftypheic", b"ftypmif1", b"ftypheix")
    im = Image.open(io.BytesIO(data))
    assert im.format == "HEIF" and im.size == (1024, 768)
    (u,) = T.t7_unknown_bytes()
    with pytest.raises(Exception):
        Image.open(io.BytesIO(u.data))


def _inflate_size(png: bytes) -> tuple[int, int, int]:
    """(width, height, number of decompressed IDAT bytes), streaming."""
    w, h = struct.unpack(">II", png[16:24])
    pos, idat = 8, []
    while pos < len(png):
        n = struct.unpack(">I", png[pos : pos + 4])[0]
        kind = png[pos + 4 : pos + 8]
        if kind == b"IDAT":
            idat.append(png[pos + 8 : pos + 8 + n])
        pos += 12 + n
    d = zlib.decompressobj()
    total = 0
    for chunk in idat:
        buf = d.decompress(chunk)
        total += len(buf)
        while d.unconsumed_tail:
            buf = d.decompress(d.unconsumed_tail)
            total += len(buf)
    assert d.eof  # adler32 checked by zlib
    return w, h, total


def test_t13_huge_png_is_valid_and_small():
    (c,) = T.t13_huge_png(3001)
    im = Image.open(io.BytesIO(c.data))
    im.load()
    assert im.size == (3001, 3001) and im.getextrema() == ((200, 200), (30, 30), (30, 30))
    (big,) = T.t13_huge_png(10000)
    assert len(big.data) < 1_000_000
    assert _inflate_size(big.data) == (10000, 10000, 10000 * (3 * 10000 + 1))
    (huge,) = T.t13_huge_png(15000)
    assert struct.unpack(">II", huge.data[16:24]) == (15000, 15000) and len(huge.data) < 1_500_000
    with pytest.raises(ValidationError):
        T.t13_huge_png(0)
