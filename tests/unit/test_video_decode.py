"""Video decoding: containers and codecs, display-matrix rotation (T8), caps, bad files.

Clips are encoded here with PyAV (the FFmpeg libraries it bundles).  Each frame has a
red square in its upright top-left corner, so orientation can be checked exactly.
"""

from __future__ import annotations

import io
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

av = pytest.importorskip("av")

from diagnostics.config import Settings  # noqa: E402
from diagnostics.errors import (  # noqa: E402
    CorruptMediaError,
    EmptyMediaError,
    FileTooLargeError,
    ImageTooLargeError,
    UnsupportedFormatError,
)
from diagnostics.ingest import sniff  # noqa: E402
from diagnostics.ingest.video import (  # noqa: E402
    NoVideoTrackError,
    VideoTooLongError,
    _rotation_from_matrix,
    iter_video_frames,
    open_video,
    probe_video,
)

UP_W, UP_H = 320, 176  # upright (display) size of the test clips


def upright_frame(i: int) -> np.ndarray:
    """``(176, 320, 3)`` frame: grey, red square top-left, a bar whose x encodes ``i``."""
    img = np.full((UP_H, UP_W, 3), 90, np.uint8)
    img[:40, :40] = (230, 20, 20)
    x = 60 + (i * 7) % 200
    img[120:150, x : x + 12] = (20, 220, 40)
    return img


def encode(n: int = 12, *, fps: int = 12, codec: str = "libx264", fmt: str = "mp4", rotation: int | None = None,
           options: dict | None = None, frame=upright_frame, audio: bool = False, video: bool = True) -> bytes:
    """Encode ``n`` frames; with ``rotation`` (display-matrix angle, counter-clockwise degrees)
    the frames are stored turned the other way, so the decoder must turn them back."""
    k = int(round((rotation or 0) / 90)) % 4
    buf = io.BytesIO()
    with av.open(buf, "w", format=fmt) as c:
        st = None
        if video:
            st = c.add_stream(codec, rate=fps)
            h, w = frame(0).shape[:2]
            st.width, st.height = (h, w) if k % 2 else (w, h)
            st.pix_fmt = "yuv420p"
            st.options = options or ({"preset": "ultrafast"} if codec.startswith("libx26") else {})
            if codec == "libx265":
                st.options = {**st.options, "x265-params": "log-level=error"}
            if rotation:
                st.set_display_rotation(rotation)
        if audio:
            ast = c.add_stream("aac", rate=16000)
            samples = (np.sin(np.arange(16000) / 5.0) * 3000).astype(np.int16).reshape(1, -1)
            af = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
            af.sample_rate = 16000
            for p in ast.encode(af):
                c.mux(p)
            for p in ast.encode():
                c.mux(p)
        if st is not None:
            for i in range(n):
                img = np.ascontiguousarray(np.rot90(frame(i), k=-k)) if k else frame(i)
                for p in st.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                    c.mux(p)
            for p in st.encode():
                c.mux(p)
    return buf.getvalue()


def assert_upright(rgb: np.ndarray) -> None:
    assert rgb.shape == (UP_H, UP_W, 3)
    red = (rgb[..., 0] > 160) & (rgb[..., 1] < 90)
    ys, xs = np.nonzero(red)
    assert len(ys) > 800, "red square missing"
    assert ys.mean() < 30 and xs.mean() < 30, (ys.mean(), xs.mean())


# ------------------------------------------------------------------- containers
@pytest.mark.parametrize("codec,fmt,container,codec_name", [
    ("libx264", "mp4", "MP4", "h264"),
    ("libx265", "mov", "MOV", "hevc"),
    ("libx264", "3gp", "3GP", "h264"),
    ("libvpx", "webm", "WEBM", "vp8"),
    ("libvpx-vp9", "webm", "WEBM", "vp9"),
    ("libx264", "matroska", "MKV", "h264"),
])
def test_containers_and_codecs_decode_upright(codec, fmt, container, codec_name):
    data = encode(8, codec=codec, fmt=fmt)
    assert sniff(data).kind == "video"
    frames = list(iter_video_frames(f"clip.{fmt}", data))
    assert len(frames) == 8
    times = [t for t, _ in frames]
    assert times[0] == 0.0 and all(b > a for a, b in zip(times, times[1:]))
    assert abs(times[1] - 1 / 12) < 0.01
    for _, rgb in frames[:2]:
        assert rgb.dtype == np.uint8
        assert_upright(rgb)
    info = probe_video("clip", data)
    assert (info.container, info.codec) == (container, codec_name)
    assert (info.width, info.height) == (UP_W, UP_H)


# ------------------------------------------------------------------- rotation (T8)
@pytest.mark.parametrize("rotation,clockwise", [(-90, 90), (90, 270), (180, 180)])
def test_display_matrix_rotation_applied(rotation, clockwise):
    data = encode(4, rotation=rotation)
    with open_video("portrait.mp4", data) as vr:
        frames = list(vr.frames())
        assert vr.info.stored_size == ((UP_H, UP_W) if rotation % 180 else (UP_W, UP_H))
        assert vr.info.rotation == clockwise
        assert (vr.info.width, vr.info.height) == (UP_W, UP_H)
    assert len(frames) == 4


@pytest.mark.parametrize("rotation", [-90, 90])
def test_t8_720x1280_stored_comes_out_1280x720_upright(rotation):
    def frame(i):
        img = np.full((720, 1280, 3), 80, np.uint8)
        img[:100, :100] = (230, 20, 20)
        return img

    data = encode(3, rotation=rotation, frame=frame)
    with av.open(io.BytesIO(data)) as c:  # stored portrait, as a phone writes it
        s = c.streams.video[0]
        assert (s.codec_context.width, s.codec_context.height) == (720, 1280)
    for t, rgb in iter_video_frames("t8.mp4", data):
        assert rgb.shape == (720, 1280, 3)
        ys, xs = np.nonzero(rgb[..., 0] > 160)
        assert ys.mean() < 60 and xs.mean() < 60


def _patch_tkhd_matrix(data: bytes, a: int, b: int, c: int, d: int) -> bytes:
    """Write a display matrix into the (version 0) ``tkhd`` box, as a phone does
    (ISO/IEC 14496-12 8.3.2: matrix {a, b, u, c, d, v, x, y, w}, 16.16 / 2.30 fixed point)."""
    i = data.index(b"tkhd")
    assert data[i + 4] == 0  # version 0 layout
    m = struct.pack(">9i", a, b, 0, c, d, 0, 0, 0, 0x40000000)
    return data[: i + 44] + m + data[i + 80:]


def test_iphone_portrait_tkhd_matrix_is_honoured():
    """A raw iPhone-style matrix [0 1; -1 0] (display = stored turned 90 degrees clockwise),
    written into the file directly rather than through PyAV's API."""
    stored = lambda i: np.ascontiguousarray(np.rot90(upright_frame(i), k=1))  # noqa: E731 - stored turned CCW
    data = encode(3, frame=stored)
    patched = _patch_tkhd_matrix(data, 0, 0x10000, -0x10000, 0)
    frames = list(iter_video_frames("IMG_0001.MOV", patched))
    assert frames
    assert_upright(frames[0][1])


def test_rotation_from_matrix_parses_mirror_and_angle():
    raw = struct.pack("=9i", 0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000)
    ccw, mirrored = _rotation_from_matrix(raw)
    assert round(ccw) == -90 and not mirrored
    raw = struct.pack("=9i", -0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)  # horizontal flip
    ccw, mirrored = _rotation_from_matrix(raw)
    assert round(ccw) % 360 == 0 and mirrored


# ------------------------------------------------------------------- caps
def test_max_seconds_cuts_with_note_and_max_frames():
    data = encode(36)  # 3 s at 12 fps
    notes: list[str] = []
    frames = list(iter_video_frames("long.mp4", data, max_seconds=1.0, notes=notes))
    assert frames[-1][0] <= 1.0 and len(frames) == 13
    assert any("first 1 s of this 3 s video" in n for n in notes)
    with open_video("long.mp4", data) as vr:
        got = list(vr.frames(max_frames=5))
        assert len(got) == 5 and any("Frame limit" in n for n in vr.notes)
    with open_video("long.mp4", data) as vr:
        got = [f.t for f in vr.frames(max_fps=4)]
        assert len(got) == 12 and all(b - a >= 0.24 for a, b in zip(got, got[1:]))


def test_too_long_video_refused_before_decoding(monkeypatch):
    import diagnostics.ingest.video as mod

    monkeypatch.setattr(mod, "HARD_MAX_SECONDS", 2.0)
    with pytest.raises(VideoTooLongError):
        open_video("long.mp4", encode(36))


def test_byte_and_pixel_limits():
    data = encode(2)
    with pytest.raises(FileTooLargeError):
        open_video("big.mp4", data + bytes(210 * 1024 * 1024 - len(data)))
    with pytest.raises(ImageTooLargeError):
        open_video("wide.mp4", data, Settings(max_pixels=320 * 100))


def test_working_size_downscale_keeps_aspect():
    def frame(i):
        img = np.full((1080, 1920, 3), 60, np.uint8)
        img[:100, :100] = (230, 20, 20)
        return img

    data = encode(2, frame=frame)
    (t, rgb), _ = list(iter_video_frames("hd.mp4", data))
    assert rgb.shape == (720, 1280, 3)
    (t, small), _ = list(iter_video_frames("hd.mp4", data, max_side=640))
    assert small.shape == (360, 640, 3)


def test_decoded_frame_views_are_upright_and_small():
    data = encode(3, rotation=-90)
    with open_video("p.mp4", data) as vr:
        f = next(iter(vr.frames()))
        g = f.gray(160)
        s = f.small_rgb(128)
        assert g.shape == (88, 160) and g.dtype == np.uint8
        assert s.shape == (70, 128, 3)
        # red square top-left in the colour thumbnail too (fast YUV path)
        assert s[:15, :15, 0].mean() > 170 and s[:15, :15, 1].mean() < 80
        assert f.size == (UP_W, UP_H)


# ------------------------------------------------------------------- bad files
def test_empty_unknown_and_image_bytes():
    with pytest.raises(EmptyMediaError):
        open_video("x.mp4", b"")
    with pytest.raises(UnsupportedFormatError):
        open_video("x.mp4", b"hello, this is not a video at all" * 10)
    png = b"\x89PNG\r\n\x1a\n" + bytes(200)
    with pytest.raises(UnsupportedFormatError):
        open_video("x.mp4", png)


def test_corrupt_and_truncated(tmp_path):
    data = encode(24)
    with pytest.raises(CorruptMediaError):
        list(iter_video_frames("x.mp4", data[:40] + bytes(len(data) - 40)))
    # moov at the end (PyAV's default): cut short, nothing to decode
    with pytest.raises(CorruptMediaError):
        list(iter_video_frames("x.mp4", data[: len(data) // 2]))
    # moov first (as phones and WhatsApp send): the received part is analysed, with a note
    path = tmp_path / "faststart.mp4"
    with av.open(io.BytesIO(data)) as src, av.open(str(path), "w", format="mp4",
                                                   options={"movflags": "faststart"}) as dst:
        vs = dst.add_stream_from_template(src.streams.video[0])
        for pkt in src.demux(src.streams.video[0]):
            if pkt.dts is None:
                continue
            pkt.stream = vs
            dst.mux(pkt)
    full = path.read_bytes()
    assert full.index(b"moov") < full.index(b"mdat")
    notes: list[str] = []
    got = list(iter_video_frames("cut.mp4", full[: int(len(full) * 0.55)], notes=notes))
    assert 0 < len(got) < 24
    assert any("partly received" in n or "damaged" in n for n in notes), notes


def test_audio_only_container_is_no_video_track():
    data = encode(audio=True, video=False)
    kind = sniff(data)
    if kind.kind != "video":
        with pytest.raises(UnsupportedFormatError):
            open_video("voice.m4a", data)
    else:
        with pytest.raises(NoVideoTrackError) as err:
            open_video("voice.mp4", data)
        assert isinstance(err.value, UnsupportedFormatError)


def test_no_demuxer_probing_for_playlists():
    """An HLS playlist is text: refused by sniffing, never handed to FFmpeg's hls demuxer."""
    m3u8 = b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n"
    with pytest.raises(UnsupportedFormatError):
        open_video("x.mp4", m3u8)
