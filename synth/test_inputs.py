"""Factories for the hard test inputs T1-T7 and T13 of ``/work/shared/docs/TEST-INPUTS.md``.

Every factory returns a small ``list[Case]``. A :class:`Case` is a named tuple
``(name, data, expected)``:

* ``name`` (str): a short identifier; for byte cases it is also a sensible file name
  (T7 uses it to give HEIC bytes a misleading extension).
* ``data``: either an ``(H, W, 3) uint8`` RGB ``numpy`` array (T1-T5) or the bytes of a
  file (T6 JPEG, T7 HEIC, T13 PNG).
* ``expected`` (str): what the product should report. For code cases it is the canonical
  code (``"E21"``, ``"F.28"``, ``"0x0000007B"``); for pure reading cases (T2 readout crops,
  T5 single digit) it is the text to be read; ``""`` means no code / unreadable: the product
  must abstain ("unreadable, please retake"), never return a previous or default value.

All factories are deterministic (fixed seeds) and fast (< 1 s, except the 12 MP T6 and the
T13 PNG at 15000 px, a few seconds).
"""

from __future__ import annotations

import struct
import zlib
from typing import NamedTuple

import numpy as np

from diagnostics.errors import ValidationError
from synth.camera import CameraSettings, encode_heic, encode_jpeg, shoot, store_for_orientation
from synth.displays import DisplayCanvas, render_code_display
from synth.scenes import display_photo


class Case(NamedTuple):
    """One test input: ``name``, ``data`` (array or bytes), ``expected`` answer (str)."""

    name: str
    data: np.ndarray | bytes
    expected: str


def _photo(disp: np.ndarray, seed: int, *, size: tuple[int, int] = (960, 720), device: str = "bare", bg: str = "wall",
           scale: float = 1.0, cam: CameraSettings | None = None, tilt: float = 0.05) -> np.ndarray:
    """A small photo in which the display keeps about ``scale`` x its drawn size."""
    rng = np.random.default_rng(seed)
    frac = min(0.9, disp.shape[1] * scale / size[0])
    cam = cam or CameraSettings(defocus=0.8, noise=2.0, vignette=0.2)
    photo, _ = display_photo(disp, rng, device=device, bg_kind=bg, size=size, display_width_frac=frac, tilt=tilt, cam=cam)
    return photo


# ------------------------------------------------------------------------------- T1


def t1_low_contrast_lcd() -> list[Case]:
    """T1: low-contrast reflective LCD photos (dark grey segments on grey-green, visible gaps
    and ghost segments, digits about 70 px tall).

    Returns:
        3 cases of ``(H, W, 3) uint8`` arrays: ``E21`` (DSEG7 Classic), ``F.28`` (our polygons
        with wide gaps) and a blank display showing only ghost segments (expected ``""``).
    """
    out = []
    d1, _ = render_code_display("E21", "lcd_low_contrast", "dseg7_classic", 70, rng=np.random.default_rng(1))
    out.append(Case("t1_lcd_low_contrast_E21_dseg7", _photo(d1, 11, device="washer", bg="laundry"), "E21"))
    d2, _ = render_code_display("F.28", "lcd_low_contrast", "polygons", 70, rng=np.random.default_rng(2), gap=0.035, thickness=0.12)
    out.append(Case("t1_lcd_low_contrast_F28_polygons_gaps", _photo(d2, 12, device="boiler", bg="wall"), "F.28"))
    d3, _ = render_code_display("   ", "lcd_low_contrast", "dseg7_classic", 70, rng=np.random.default_rng(3))
    out.append(Case("t1_lcd_blank_ghost_only", _photo(d3, 13, device="washer", bg="laundry"), ""))
    return out


# ------------------------------------------------------------------------------- T2

#: The three readouts of the T2 screen, left-to-right/top-to-bottom.
T2_READOUTS = ("12.6", "0013", "E4")


def t2_three_readouts() -> list[Case]:
    """T2: one LCD with three readouts ``12.6`` (bar), ``0013`` (cycles) and ``E4`` (status).

    Returns:
        5 cases of ``(H, W, 3) uint8`` arrays: the whole screen (expected ``"E4"``, the only
        error code), a tight crop of each readout (expected: the readout text), and a crop
        of ``0013`` that reaches into the neighbouring ``12.6`` field (expected ``"0013"``).
    """
    dh = 70
    c = DisplayCanvas(dh * 9, int(dh * 3.4), "lcd_reflective")
    b1 = c.add_segments("12.6", int(dh * 0.3), int(dh * 0.4), dh, "dseg7_classic")
    c.add_label("bar", int(dh * 3.3), int(dh * 1.1), int(dh * 0.3))
    b2 = c.add_segments("0013", int(dh * 4.6), int(dh * 0.4), dh, "dseg7_classic")
    c.add_label("cycles", int(dh * 4.6), int(dh * 1.55), int(dh * 0.25))
    b3 = c.add_segments("E4", int(dh * 0.3), int(dh * 2.0), dh, "dseg7_classic")
    c.add_label("STATUS", int(dh * 2.4), int(dh * 2.5), int(dh * 0.25))
    rng = np.random.default_rng(20)
    face = shoot(c.render(rng), rng, CameraSettings(defocus=0.7, noise=2.0, vignette=0.1))
    out = [Case("t2_three_readouts_full", face, "E4")]
    for text, (x, y, w, h) in zip(T2_READOUTS, (b1, b2, b3)):
        out.append(Case(f"t2_readout_{text}", face[y : y + h, x : x + w].copy(), text))
    x, y, w, h = b2
    x0 = b1[0] + int(b1[2] * 0.72)  # into the last digit of 12.6 and its unit
    out.append(Case("t2_crop_0013_into_neighbour", face[max(0, y - 8) : y + h + 8, x0 : x + w].copy(), "0013"))
    return out


# ------------------------------------------------------------------------------- T3


def t3_light_on_dark() -> list[Case]:
    """T3: red LED ``E4`` on black, blue backlit LCD with white ``F05``, and an ordinary
    dark-on-light ``E4`` control (no false inversion).

    Returns:
        3 cases of ``(H, W, 3) uint8`` arrays, expected ``"E4"``, ``"F05"``, ``"E4"``.
    """
    d1, _ = render_code_display("E4", "led_red", "polygons", 80, rng=np.random.default_rng(31), slant=0.06)
    d2, _ = render_code_display("F05", "lcd_blue", "dseg7_modern", 80, rng=np.random.default_rng(32))
    d3, _ = render_code_display("E4", "lcd_dark_on_light", "dseg7_classic", 80, rng=np.random.default_rng(33))
    return [
        Case("t3_red_led_E4_on_black", _photo(d1, 34, device="dishwasher", bg="kitchen_tiles"), "E4"),
        Case("t3_blue_backlit_white_F05", _photo(d2, 35, device="boiler", bg="wall"), "F05"),
        Case("t3_control_dark_on_light_E4", _photo(d3, 36, device="washer", bg="laundry"), "E4"),
    ]


# ------------------------------------------------------------------------------- T4

#: Drawn text -> the code the product should report (family grammar + knowledge base).
#: In seven segments ``S``/``5``, ``O``/``0`` and ``I``/``1`` are the same glyph; ``SE`` and
#: ``FO`` are not codes while ``5E`` (Samsung drain) and ``F0``-style codes are, so the
#: grammar and knowledge base decide and the confusion is noted.  ``1E`` (Samsung water
#: level) and ``IE`` (LG fill) are both known: drawn in a sans font each is read as drawn;
#: as seven segments the glyph is shared and the letter form is preferred.
LOOKALIKE_EXPECTED: dict[str, str] = {
    "5E": "5E", "SE": "5E", "E8": "E8", "EB": "EB", "F0": "F0", "FO": "F0",
    "1E": "1E", "IE": "IE", "0x0000007B": "0x0000007B",
}


def t4_lookalikes() -> list[Case]:
    """T4: look-alike codes, each in a sans font (DejaVu Sans / Liberation Sans) and in a
    segment font (DSEG7 Classic / Modern; the hex stop code, which seven segments cannot
    show, in the monospace console font of a classic blue screen instead).

    Returns:
        18 cases of ``(H, W, 3) uint8`` arrays named ``t4_<drawn>_<sans|segment|mono>``, expected
        from :data:`LOOKALIKE_EXPECTED`.
    """
    out = []
    for i, (drawn, exp) in enumerate(LOOKALIKE_EXPECTED.items()):
        hexcode = drawn.startswith("0x")
        sans_font = "liberation_sans" if i % 2 else "dejavu_sans"
        d_sans, _ = render_code_display(drawn, "lcd_dark_on_light" if i % 3 else "vfd_white", sans_font, 44 if hexcode else 60, rng=np.random.default_rng(40 + i))
        # seven segments cannot show the x of a hex stop code (and blue screens are not
        # segment displays): its second variant is the monospace console font of the
        # classic blue screen instead
        seg_font = "liberation_mono_bold" if hexcode else ("dseg7_classic" if i % 2 else "dseg7_modern")
        d_seg, _ = render_code_display(drawn, "led_red" if i % 2 else "lcd_reflective", seg_font, 44 if hexcode else 60, rng=np.random.default_rng(60 + i))
        rng = np.random.default_rng(80 + i)
        cam = CameraSettings(defocus=0.6, noise=2.0, vignette=0.0)
        out.append(Case(f"t4_{drawn}_sans", shoot(d_sans, rng, cam), exp))
        out.append(Case(f"t4_{drawn}_{'mono' if hexcode else 'segment'}", shoot(d_seg, rng, cam), exp))
    return out


# ------------------------------------------------------------------------------- T5


def t5_tiny_crops() -> list[Case]:
    """T5: tiny tight crops (no padding, no DPI): 2-3 character codes 18-40 px tall, and
    single seven-segment digits.

    Returns:
        7 cases of ``(H, W, 3) uint8`` arrays; expected is the code (or the single digit).
    """
    specs = [
        ("E21", "lcd_reflective", "dseg7_classic", 18, {}),
        ("4C", "led_red", "polygons", 24, {"thickness": 0.15}),
        ("F05", "lcd_dark_on_light", "dejavu_sans_bold", 32, {}),
        ("UE", "vfd_white", "dseg7_modern", 40, {}),
        ("E18", "lcd_blue", "liberation_sans", 22, {}),
        ("4", "lcd_reflective", "dseg7_classic", 40, {}),
        ("7", "led_green", "polygons", 30, {"slant": 0.08}),
    ]
    out = []
    for i, (text, style, r, h, kw) in enumerate(specs):
        img, _ = render_code_display(text, style, r, h, pad=0.0, rng=np.random.default_rng(90 + i), **kw)
        img = shoot(img, np.random.default_rng(100 + i), CameraSettings(noise=1.5, vignette=0.0))
        kind = "single_digit" if len(text) == 1 else "tiny"
        out.append(Case(f"t5_{kind}_{text}_{h}px_{r}", img, text))
    return out


# ------------------------------------------------------------------------------- T6

_T6_CODES = {1: ("E21", "washer", "laundry"), 3: ("F.28", "boiler", "wall"), 6: ("E21", "washer", "laundry"), 8: ("4C", "washer", "kitchen_tiles")}


def t6_exif_rotated(orientation: int = 6) -> list[Case]:
    """T6: a 12 MP phone JPEG whose pixels are stored rotated, with EXIF Orientation set.

    The stored JPEG is always 4032x3024 pixels. For orientation 6 and 8 the upright photo
    is portrait 3024x4032; for 3 (and 1) it is landscape 4032x3024. Reading the stored pixels
    without applying the tag shows the display sideways or upside down.

    Args:
        orientation: EXIF orientation value: 3, 6 or 8 (1 = not rotated, for a control).

    Returns:
        1 case: ``(f"exif{orientation}_<code>.jpg", JPEG bytes, code)``.

    Raises:
        ValidationError: orientation not 1, 3, 6 or 8.
    """
    if orientation not in _T6_CODES:
        raise ValidationError(f"EXIF orientation {orientation} is not one of 1, 3, 6, 8.")
    code, device, bg = _T6_CODES[orientation]
    size = (3024, 4032) if orientation in (6, 8) else (4032, 3024)
    rng = np.random.default_rng(600 + orientation)
    disp, _ = render_code_display(code, "lcd_reflective" if orientation != 8 else "led_red", "dseg7_classic", 180, rng=rng)
    photo, _ = display_photo(disp, rng, device=device, bg_kind=bg, size=size, display_width_frac=0.22, tilt=0.08,
                             cam=CameraSettings(noise=2.0, vignette=0.3))
    stored = store_for_orientation(photo, orientation)
    return [Case(f"exif{orientation}_{code.replace('.', '')}.jpg", encode_jpeg(stored, 85, orientation=orientation), code)]


# ------------------------------------------------------------------------------- T7


def t7_heic_bytes() -> list[Case]:
    """T7: HEIC bytes of a display photo (1024x768, blue backlit ``E24`` on a dishwasher),
    offered under misleading names.

    Returns:
        3 cases with the same HEIC bytes: ``"IMG_0042.jpg"``, ``"IMG_0042.png"`` and
        ``"IMG_0042"`` (no extension); expected ``"E24"``. Decode by content.
    """
    rng = np.random.default_rng(700)
    disp, _ = render_code_display("E24", "lcd_blue", "dseg7_modern", 80, rng=rng)
    photo, _ = display_photo(disp, rng, device="dishwasher", bg_kind="kitchen_tiles", size=(1024, 768), display_width_frac=0.3,
                             cam=CameraSettings(noise=1.5, vignette=0.25))
    data = encode_heic(photo, 70)
    return [Case(n, data, "E24") for n in ("IMG_0042.jpg", "IMG_0042.png", "IMG_0042")]


def t7_unknown_bytes() -> list[Case]:
    """T7 counterpart: bytes of no known media format (random bytes after a made-up
    magic), named ``.jpg``. The product must answer "format not supported".

    Returns:
        1 case ``("mystery.jpg", bytes, "")``.
    """
    rng = np.random.default_rng(701)
    return [Case("mystery.jpg", b"TTLX\x00\x01" + rng.integers(0, 256, 4096, dtype=np.uint8).tobytes(), "")]


# ------------------------------------------------------------------------------- T13


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def t13_huge_png(side: int = 15000, colour: tuple[int, int, int] = (200, 30, 30)) -> list[Case]:
    """T13: a ``side`` x ``side`` single-colour RGB PNG that is small on disk (a
    decompression-bomb-shaped input: 15000 px is ~675 MB of pixels in ~0.7 MB of file).

    The file is written without ever holding the full image in memory: one block of rows is
    deflate-compressed with a full flush (so each block is self-contained) and repeated; the
    zlib Adler-32 is accumulated over the repeats. Valid per the PNG specification (ISO/IEC
    15948).

    Args:
        side: width and height in pixels (1..65535).
        colour: the RGB colour.

    Returns:
        1 case ``(f"solid_{side}x{side}.png", PNG bytes, "")`` (no code in it).

    Raises:
        ValidationError: side out of range.
    """
    if not 1 <= side <= 65535:
        raise ValidationError("PNG side must be between 1 and 65535 pixels.")
    row = b"\x00" + bytes(colour) * side  # filter type 0 + pixels
    rows_per_block = max(1, min(side, (4 << 20) // len(row)))
    nblocks, rest = divmod(side, rows_per_block)
    block = row * rows_per_block
    co = zlib.compressobj(9)
    comp_block = co.compress(block) + co.flush(zlib.Z_FULL_FLUSH)
    header = comp_block[:2]  # zlib header, emitted once before the first deflate data
    body = comp_block[2:]
    parts = [header] + [body] * nblocks
    adler = 1
    for _ in range(nblocks):
        adler = zlib.adler32(block, adler)
    # finish the stream: a final empty deflate block, then the Adler-32 of all rows
    if rest:
        raw = zlib.compressobj(9, zlib.DEFLATED, -15)
        parts.append(raw.compress(row * rest) + raw.flush(zlib.Z_FINISH))
        adler = zlib.adler32(row * rest, adler)
    else:
        parts.append(b"\x03\x00")  # final fixed-Huffman block with only end-of-block
    parts.append(struct.pack(">I", adler & 0xFFFFFFFF))
    idat = b"".join(parts)
    png = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
    step = 1 << 20
    for i in range(0, len(idat), step):
        png += _png_chunk(b"IDAT", idat[i : i + step])
    png += _png_chunk(b"IEND", b"")
    return [Case(f"solid_{side}x{side}.png", png, "")]
