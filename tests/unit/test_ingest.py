"""Tests for diagnostics.ingest (sniffing and still-image decoding).

Every input is generated here (Pillow, pillow-heif, hand-built PNG/container headers);
see TEST-INPUTS.md cases T6, T7 and T13.
"""

from __future__ import annotations

import dataclasses
import io
import struct
import time
import wave
import zlib

import numpy as np
import pytest
from PIL import Image, ImageFile

from diagnostics.config import Settings
from diagnostics.errors import (
    CorruptMediaError,
    EmptyMediaError,
    FileTooLargeError,
    ImageTooLargeError,
    MediaError,
    UnsupportedFormatError,
)
from diagnostics.ingest import DECODE_MAX_PIXELS, decode_scale, load_image, sniff

SETTINGS = Settings()
RED = (220, 20, 20)
GREEN = (20, 200, 20)


# ----------------------------------------------------------------------- helpers


def encode(im: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format=fmt, **kw)
    return buf.getvalue()


def heic_bytes(im: Image.Image) -> bytes:
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    return encode(im, "HEIF", quality=90)


def marker_image(size=(640, 480)) -> Image.Image:
    """Grey image with a red block top-left and a green block top-right (asymmetric,
    so rotations and mirrors are told apart)."""
    w, h = size
    im = Image.new("RGB", size, (128, 128, 128))
    s = min(w, h) // 6
    im.paste(RED, (s // 2, s // 2, s // 2 + s, s // 2 + s))
    im.paste(GREEN, (w - s // 2 - s, s // 2, w - s // 2, s // 2 + s))
    return im


def assert_markers_upright(rgb: np.ndarray) -> None:
    h, w, _ = rgb.shape
    s = min(w, h) // 6
    cy = s // 2 + s // 2
    red = rgb[cy, s // 2 + s // 2].astype(int)
    green = rgb[cy, w - s // 2 - s // 2].astype(int)
    assert red[0] > 170 and red[1] < 80 and red[2] < 80, f"red marker not top-left: {red}"
    assert green[1] > 150 and green[0] < 80 and green[2] < 80, f"green marker not top-right: {green}"
    # and nothing red/green at the bottom corners
    for y, x in ((h - cy, s), (h - cy, w - s)):
        px = rgb[y, x].astype(int)
        assert abs(px[0] - 128) < 25 and abs(px[1] - 128) < 25, f"unexpected marker at bottom ({x},{y}): {px}"


def png_grey_rows(width: int, height: int, row_fn, bit_depth: int = 8) -> bytes:
    """Hand-built greyscale PNG streamed row by row (no full-size raster in memory)."""

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    comp = zlib.compressobj(6)
    parts = []
    for y in range(height):
        parts.append(comp.compress(b"\x00" + row_fn(y)))
    parts.append(comp.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b"")


def assert_rgb(decoded, shape_hw=None):
    rgb = decoded.rgb
    assert isinstance(rgb, np.ndarray) and rgb.dtype == np.uint8
    assert rgb.ndim == 3 and rgb.shape[2] == 3
    assert rgb.flags.c_contiguous and rgb.flags.writeable
    if shape_hw:
        assert rgb.shape[:2] == shape_hw


def assert_friendly(err: MediaError) -> None:
    assert err.user_message and len(err.user_message) > 15
    assert err.hint and "customer" in err.hint.lower()
    assert "Traceback" not in err.user_message


# ----------------------------------------------------------------------- T6 EXIF


# Orientation -> how the camera stored the upright picture (inverse of the display
# transform in EXIF 2.32 / CIPA DC-008, table "Orientation").
_STORE = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_t6_exif_orientation_applied_on_12mp_jpeg(orientation):
    upright_size = (4032, 3024) if orientation == 3 else (3024, 4032)
    upright = marker_image(upright_size)
    stored = upright.transpose(_STORE[orientation])
    assert stored.size == (4032, 3024)
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = encode(stored, "JPEG", quality=85, exif=exif.tobytes())

    decoded = load_image("IMG_0001.jpg", data, SETTINGS)

    assert decoded.format == "JPEG"
    assert decoded.original_size == upright_size
    assert_rgb(decoded, (upright_size[1], upright_size[0]))
    assert_markers_upright(decoded.rgb)


def test_jpeg_without_orientation_is_unchanged():
    im = marker_image((800, 600))
    decoded = load_image("x.jpg", encode(im, "JPEG", quality=95), SETTINGS)
    assert decoded.original_size == (800, 600)
    assert_markers_upright(decoded.rgb)


@pytest.mark.filterwarnings("ignore:Corrupt EXIF")
def test_damaged_exif_does_not_block_decoding():
    im = marker_image((320, 240))
    data = encode(im, "JPEG", quality=95, exif=b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\xff\xff garbage")
    decoded = load_image("x.jpg", data, SETTINGS)
    assert_markers_upright(decoded.rgb)


def test_12mp_jpeg_decodes_quickly():
    rng = np.random.default_rng(1)
    small = Image.fromarray(rng.integers(0, 255, (378, 504, 3), dtype=np.uint8))
    data = encode(small.resize((4032, 3024)), "JPEG", quality=90)
    load_image("warm.jpg", data, SETTINGS)
    best = min(_timed(lambda: load_image("p.jpg", data, SETTINGS)) for _ in range(3))
    assert best < 1.5, f"12 MP JPEG took {best:.2f} s"


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


# ------------------------------------------------------------------ T7 by content


@pytest.mark.parametrize("name", ["IMG_2045.jpg", "photo.png", "IMG_2045", ""])
def test_t7_heic_decoded_whatever_the_name(name):
    data = heic_bytes(marker_image((600, 400)))
    assert sniff(data).format == "HEIF" and sniff(data).kind == "image"
    decoded = load_image(name, data, SETTINGS)
    assert decoded.format == "HEIF"
    assert decoded.name == name
    assert_rgb(decoded, (400, 600))
    assert_markers_upright(decoded.rgb)


def test_heic_with_orientation_is_upright():
    upright = marker_image((400, 600))
    exif = Image.Exif()
    exif[0x0112] = 6
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    data = encode(stored, "HEIF", quality=90, exif=exif.tobytes())
    decoded = load_image("h.heic", data, SETTINGS)
    assert decoded.original_size == (400, 600)
    assert_markers_upright(decoded.rgb)


def test_png_named_jpg_is_decoded_as_png():
    decoded = load_image("IMG_1.jpg", encode(marker_image(), "PNG"), SETTINGS)
    assert decoded.format == "PNG"
    assert_markers_upright(decoded.rgb)


_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.mark.parametrize(
    "name,data,word",
    [
        ("IMG_9.jpg", np.random.default_rng(7).integers(0, 256, 4096, dtype=np.uint8).tobytes(), "not supported"),
        ("notes.jpg", "Error E21 on my washer, please help\n".encode() * 20, "text file"),
        ("manual.png", _PDF, "PDF"),
        ("chat.jpg", b"PK\x03\x04" + b"\x00" * 100, "ZIP"),
    ],
)
def test_t7_unknown_content_is_unsupported(name, data, word):
    with pytest.raises(UnsupportedFormatError) as ei:
        load_image(name, data, SETTINGS)
    assert "not supported" in ei.value.user_message
    assert word in ei.value.user_message
    assert_friendly(ei.value)
    assert sniff(data).kind == "unknown"


# --------------------------------------------------------------- T13 pixel limits


def test_t13_15000_square_png_rejected_before_decoding(monkeypatch):
    row = b"\xff" * (15000 // 8 + 1)
    data = png_grey_rows(15000, 15000, lambda y: row, bit_depth=1)
    assert len(data) < 1_000_000  # a small file on disk...

    def no_decoding(self, *a, **k):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    t = time.perf_counter()
    with pytest.raises(ImageTooLargeError) as ei:
        load_image("bomb.png", data, SETTINGS)
    assert time.perf_counter() - t < 2.0
    assert "15000 x 15000" in ei.value.user_message
    assert "120" in ei.value.user_message  # the limit in megapixels
    assert_friendly(ei.value)


def test_pixel_limit_comes_from_settings():
    data = encode(Image.new("RGB", (200, 100), "white"), "PNG")
    with pytest.raises(ImageTooLargeError):
        load_image("x.png", data, SETTINGS.with_(max_pixels=19_999))
    assert load_image("x.png", data, SETTINGS.with_(max_pixels=20_000)).rgb.shape == (100, 200, 3)


def test_t13_10000_square_png_is_decoded_and_downscaled():
    n = 10_000
    white = b"\xff" * n
    dark = b"\xff" * 1000 + b"\x00" * 2000 + b"\xff" * (n - 3000)
    data = png_grey_rows(n, n, lambda y: dark if 1000 <= y < 2000 else white)

    decoded = load_image("big.png", data, SETTINGS)

    assert decoded.original_size == (n, n)
    assert_rgb(decoded)
    h, w, _ = decoded.rgb.shape
    assert h * w <= DECODE_MAX_PIXELS and w == h
    k = decode_scale(decoded)
    assert k == pytest.approx(n / w)
    # the dark block is where it was, in downscaled coordinates
    assert decoded.rgb[int(1500 / k), int(2000 / k)].max() < 30
    assert decoded.rgb[int(1500 / k), int(4000 / k)].min() > 225
    assert decoded.rgb[int(500 / k), int(2000 / k)].min() > 225


def test_large_jpeg_downscaled_in_dct():
    # 8000 x 6000 = 48 MP > 40 MP: decoded at 1/2 scale.
    im = marker_image((8000, 6000))
    data = encode(im, "JPEG", quality=80)
    decoded = load_image("big.jpg", data, SETTINGS)
    assert decoded.original_size == (8000, 6000)
    assert decoded.rgb.shape == (3000, 4000, 3)
    assert decode_scale(decoded) == pytest.approx(2.0)
    assert_markers_upright(decoded.rgb)


# ------------------------------------------------------------ byte-level problems


def _noisy_jpeg(size=(800, 600)) -> bytes:
    rng = np.random.default_rng(3)
    arr = rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    return encode(Image.fromarray(arr), "JPEG", quality=90)


def test_truncated_jpeg_is_corrupt_not_grey():
    data = _noisy_jpeg()
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    with pytest.raises(CorruptMediaError) as ei:
        load_image("half.jpg", data[: len(data) // 2], SETTINGS)
    assert "JPEG" in ei.value.user_message
    assert_friendly(ei.value)


def test_truncated_jpeg_is_corrupt_even_if_global_flag_was_flipped(monkeypatch):
    data = _noisy_jpeg()
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(CorruptMediaError):
        load_image("half.jpg", data[: len(data) // 2], SETTINGS)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "GIF"])
def test_truncated_other_formats_are_corrupt(fmt):
    rng = np.random.default_rng(5)
    im = Image.fromarray(rng.integers(0, 256, (300, 400, 3), dtype=np.uint8))
    data = encode(im if fmt != "GIF" else im.convert("P"), fmt)
    with pytest.raises(CorruptMediaError):
        load_image("cut", data[: len(data) // 2], SETTINGS)


def test_header_only_jpeg_is_corrupt():
    with pytest.raises(CorruptMediaError):
        load_image("x.jpg", _noisy_jpeg()[:40], SETTINGS)


def test_empty_file():
    with pytest.raises(EmptyMediaError) as ei:
        load_image("IMG.jpg", b"", SETTINGS)
    assert_friendly(ei.value)


def test_file_over_max_bytes():
    data = _noisy_jpeg()
    settings = SETTINGS.with_(max_bytes=1024 * 1024 // 10)  # 0.1 MB
    assert len(data) > settings.max_bytes
    with pytest.raises(FileTooLargeError) as ei:
        load_image("IMG.jpg", data, settings)
    msg = ei.value.user_message
    assert f"{len(data) / 1024 / 1024:.1f} MB" in msg and "0 MB limit" in msg
    assert_friendly(ei.value)


def test_exif_gps_is_not_carried_into_output():
    im = marker_image((320, 240))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (40.0, 26.0, 46.0)
    gps[3] = "W"
    gps[4] = (79.0, 58.0, 56.0)
    data = encode(im, "JPEG", quality=90, exif=exif.tobytes())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # input has GPS

    decoded = load_image("gps.jpg", data, SETTINGS)

    names = {f.name for f in dataclasses.fields(decoded)}
    assert names == {"rgb", "format", "name", "original_size", "frame_index", "n_frames"}
    for value in vars(decoded).values():
        assert not isinstance(value, (bytes, bytearray, dict, Image.Image))
    assert type(decoded.rgb) is np.ndarray and decoded.rgb.base is None
    assert not hasattr(decoded, "info") and not hasattr(decoded, "exif")
    assert b"PhoneMaker" not in decoded.rgb.tobytes()


# ---------------------------------------------------------------------- animation


def _frames_blank_first(size=(160, 120)):
    blank = Image.new("RGB", size, "white")
    a = blank.copy()
    a.paste((0, 0, 0), (20, 30, 140, 90))
    b = blank.copy()
    b.paste((0, 0, 0), (40, 20, 60, 100))
    return [blank, a, b]


@pytest.mark.parametrize("fmt", ["GIF", "WEBP", "PNG"])
def test_animation_with_blank_first_frame_gives_non_blank_frame(fmt):
    frames = _frames_blank_first()
    kw = {"lossless": True} if fmt == "WEBP" else {}
    data = encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=500, loop=0, **kw)

    decoded = load_image("sticker", data, SETTINGS)

    assert decoded.n_frames == 3
    assert decoded.frame_index in (1, 2)
    assert_rgb(decoded, (120, 160))
    assert decoded.rgb.min() < 30 and decoded.rgb.max() > 225


def test_animation_with_many_frames_samples_spread():
    size = (64, 48)
    frames = [Image.new("RGB", size, (250, 250, 250)) for _ in range(30)]
    frames[29] = frames[29].copy()
    frames[29].paste((0, 0, 0), (10, 10, 50, 40))
    for i, f in enumerate(frames[:29]):  # near-blank, slightly different so not merged
        f.putpixel((0, 0), (250 - i, 250, 250))
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    decoded = load_image("a.gif", data, SETTINGS)
    assert decoded.n_frames == 30 and decoded.frame_index == 29


# -------------------------------------------------------------------- pixel modes


def test_still_formats_give_rgb():
    base = marker_image((200, 150))
    cases = {
        "BMP": encode(base, "BMP"),
        "TIFF": encode(base, "TIFF"),
        "WEBP": encode(base, "WEBP", lossless=True),
        "GIF": encode(base.convert("P", palette=Image.Palette.ADAPTIVE), "GIF"),
        "PNG": encode(base.convert("P", palette=Image.Palette.ADAPTIVE), "PNG"),
    }
    for fmt, data in cases.items():
        decoded = load_image(f"x.{fmt.lower()}", data, SETTINGS)
        assert decoded.format == fmt
        assert decoded.n_frames == 1 and decoded.frame_index == 0
        assert_rgb(decoded, (150, 200))
        assert_markers_upright(decoded.rgb)


def test_png_with_alpha_composited_on_white():
    im = Image.new("RGBA", (100, 80), (0, 0, 0, 0))
    im.paste((200, 0, 0, 255), (10, 10, 40, 40))
    im.paste((0, 0, 200, 128), (60, 10, 90, 40))
    decoded = load_image("a.png", encode(im, "PNG"), SETTINGS)
    assert_rgb(decoded, (80, 100))
    assert tuple(decoded.rgb[70, 50]) == (255, 255, 255)  # transparent -> white
    assert tuple(decoded.rgb[20, 20]) == (200, 0, 0)
    r, g, b = decoded.rgb[20, 75].astype(int)
    assert 120 <= r <= 135 and 120 <= g <= 135 and b > 220  # half-transparent blue on white


def test_palette_png_with_transparency_and_la():
    p = Image.new("P", (50, 40), 0)
    p.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    p.paste(1, (10, 10, 20, 20))
    data = encode(p, "PNG", transparency=0)
    decoded = load_image("p.png", data, SETTINGS)
    assert tuple(decoded.rgb[0, 0]) == (255, 255, 255)
    assert tuple(decoded.rgb[15, 15]) == (255, 0, 0)

    la = Image.new("LA", (30, 20), (0, 0))
    la.paste((10, 255), (5, 5, 10, 10))
    decoded = load_image("la.png", encode(la, "PNG"), SETTINGS)
    assert tuple(decoded.rgb[0, 0]) == (255, 255, 255)
    assert tuple(decoded.rgb[7, 7]) == (10, 10, 10)


def test_cmyk_jpeg():
    data = encode(marker_image((200, 150)).convert("CMYK"), "JPEG", quality=95)
    assert Image.open(io.BytesIO(data)).mode == "CMYK"
    decoded = load_image("print.jpg", data, SETTINGS)
    assert_rgb(decoded, (150, 200))
    assert_markers_upright(decoded.rgb)


def test_16_bit_grey_png_is_scaled_not_clipped():
    arr = np.zeros((40, 60), dtype=np.uint16)
    arr[:, 20:40] = 32768
    arr[:, 40:] = 65535
    im = Image.fromarray(arr)
    data = encode(im, "PNG")
    assert Image.open(io.BytesIO(data)).mode.startswith("I")
    decoded = load_image("g16.png", data, SETTINGS)
    assert_rgb(decoded, (40, 60))
    assert tuple(decoded.rgb[5, 5]) == (0, 0, 0)
    assert tuple(decoded.rgb[5, 30]) == (128, 128, 128)
    assert tuple(decoded.rgb[5, 50]) == (255, 255, 255)


def test_one_bit_and_grey_images():
    one = Image.new("1", (64, 32), 1)
    one.paste(0, (0, 0, 32, 32))
    decoded = load_image("b.png", encode(one, "PNG"), SETTINGS)
    assert tuple(decoded.rgb[10, 10]) == (0, 0, 0) and tuple(decoded.rgb[10, 50]) == (255, 255, 255)
    grey = Image.new("L", (64, 32), 77)
    decoded = load_image("g.jpg", encode(grey, "JPEG", quality=100), SETTINGS)
    assert_rgb(decoded, (32, 64))
    assert abs(int(decoded.rgb[5, 5, 0]) - 77) <= 2


# ------------------------------------------------------------------------- sniff


def _wav() -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\x00\x00" * 1600)
    return buf.getvalue()


def _ftyp(major: bytes, *compat: bytes) -> bytes:
    body = major + b"\x00\x00\x00\x00" + b"".join(compat)
    return struct.pack(">I", 8 + len(body)) + b"ftyp" + body + b"\x00\x00\x00\x08free"


_EBML_WEBM = bytes.fromhex("1a45dfa39f4286810142f7810142f2810442f381084282847765626d42878104428581021853")
_EBML_MKV = bytes.fromhex("1a45dfa3a34286810142f7810142f2810442f3810842828" "8") + b"matroska" + b"\x00" * 8


@pytest.mark.parametrize(
    "data,kind,fmt",
    [
        (_ftyp(b"mp42", b"mp42", b"isom"), "video", "MP4"),
        (_ftyp(b"isom", b"isom", b"iso2", b"avc1", b"mp41"), "video", "MP4"),
        (_ftyp(b"qt  ", b"qt  "), "video", "MOV"),
        (_ftyp(b"3gp4", b"isom", b"3gp4"), "video", "3GP"),
        (_ftyp(b"3g2a", b"3g2a"), "video", "3GP"),
        (_ftyp(b"M4A ", b"M4A ", b"mp42", b"isom"), "audio", "M4A"),
        (_ftyp(b"heic", b"mif1", b"heic"), "image", "HEIF"),
        (_ftyp(b"mif1", b"mif1", b"heic", b"miaf"), "image", "HEIF"),
        (_ftyp(b"msf1", b"msf1", b"hevc"), "image", "HEIF"),
        (_ftyp(b"avif", b"avif", b"mif1", b"miaf"), "image", "AVIF"),
        (b"\x00\x00\x00\x08wide\x00\x00\x10\x00mdat", "video", "MOV"),
        (_EBML_WEBM, "video", "WEBM"),
        (_EBML_MKV, "video", "MKV"),
        (b"OggS\x00\x02" + b"\x00" * 22 + b"\x01\x13OpusHead\x01\x01", "audio", "OGG"),
        (b"#!AMR\n\x3c\x48\xf5", "audio", "AMR"),
        (b"#!AMR-WB\n\x04\x10", "audio", "AMR"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x21", "audio", "MP3"),
        (b"\xff\xfb\x90\x64" + b"\x00" * 100, "audio", "MP3"),
        (b"\xff\xf1\x50\x80\x02\x1f\xfc", "audio", "AAC"),
        (b"fLaC\x00\x00\x00\x22", "audio", "FLAC"),
        (b"RIFF\x24\x00\x00\x00AVI LIST", "video", "AVI"),
    ],
)
def test_sniff_media_containers(data, kind, fmt):
    media = sniff(data)
    assert (media.kind, media.format) == (kind, fmt)
    assert media.mime.startswith(kind if kind != "unknown" else "")


def test_sniff_real_encodings():
    im = marker_image((64, 48))
    assert sniff(_wav()).kind == "audio" and sniff(_wav()).format == "WAV"
    for fmt, expected in [("JPEG", "JPEG"), ("PNG", "PNG"), ("GIF", "GIF"), ("BMP", "BMP"),
                          ("TIFF", "TIFF"), ("WEBP", "WEBP")]:
        media = sniff(encode(im, fmt))
        assert (media.kind, media.format) == ("image", expected)
    assert sniff(encode(im, "TIFF", tiffinfo={}, compression=None)[:4]).format == "TIFF"
    assert sniff(b"").kind == "unknown"
    assert sniff(b"BM is also how this sentence starts").kind == "unknown"


@pytest.mark.parametrize(
    "data,word",
    [
        (_ftyp(b"mp42", b"isom"), "video"),
        (_ftyp(b"qt  "), "video"),
        (b"OggS\x00\x02" + b"\x00" * 22 + b"\x01\x13OpusHead\x01\x01", "voice note"),
        (b"#!AMR\n\x3c", "voice note"),
    ],
)
def test_video_and_audio_are_refused_with_a_pointer(data, word):
    with pytest.raises(UnsupportedFormatError) as ei:
        load_image("PTT-20261128-WA0004.jpg", data, SETTINGS)
    assert word in ei.value.user_message
    assert "separate" in ei.value.user_message
    assert_friendly(ei.value)


def test_truncated_heic_is_corrupt():
    rng = np.random.default_rng(9)
    data = heic_bytes(Image.fromarray(rng.integers(0, 256, (240, 320, 3), dtype=np.uint8)))
    with pytest.raises(CorruptMediaError):
        load_image("IMG.heic", data[: len(data) // 2], SETTINGS)


def test_avif_decoded_when_pillow_supports_it():
    from PIL import features

    if not features.check("avif"):
        pytest.skip("Pillow built without AVIF")
    data = encode(marker_image((300, 200)), "AVIF", quality=90)
    assert sniff(data).format == "AVIF"
    decoded = load_image("sticker.jpg", data, SETTINGS)
    assert decoded.format == "AVIF"
    assert_markers_upright(decoded.rgb)
