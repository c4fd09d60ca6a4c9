"""Video analysis end to end: clips made here (PyAV encoder) -> analyse_video -> codes.

Clips: a display photographed in a scene (``synth``), its text changing over time, a
little hand shake and sensor noise per frame, encoded as H.264 MP4 (rotated in the
display matrix for T8), HEVC MOV, or VP9 WebM; blinking-LED clips drawn here.
"""

from __future__ import annotations

import io
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

av = pytest.importorskip("av")

from diagnostics.errors import CorruptMediaError  # noqa: E402
from diagnostics.ingest.video import VideoTooLongError  # noqa: E402
from diagnostics.video import VideoResult, analyse_video  # noqa: E402

pytestmark = pytest.mark.timeout(300)


# ----------------------------------------------------------------------- clip makers
@lru_cache(maxsize=32)
def scene(text: str, style: str = "led_red", seed: int = 3, size: tuple[int, int] = (1280, 720),
          width_chars: int = 3) -> np.ndarray:
    """One upright ``(H, W, 3) uint8`` photo of a display showing ``text`` (padded with
    spaces to ``width_chars`` so every text gives the same display size and placement)."""
    from synth.displays import render_code_display
    from synth.scenes import display_photo

    padded = text if len(text.replace(".", "")) >= width_chars else text.ljust(width_chars + text.count("."))
    disp, _ = render_code_display(padded, style, "dseg7_classic", 70)
    photo, _ = display_photo(disp, np.random.default_rng(seed), device="washer", bg_kind="laundry", size=size,
                             display_width_frac=0.3, tilt=0.05)
    return photo


def shaky(img: np.ndarray, rng: np.random.Generator, shake: float = 1.5, noise: float = 2.0) -> np.ndarray:
    """A hand-held frame: random sub-pixel shift and sensor noise."""
    import cv2

    h, w = img.shape[:2]
    dx, dy = rng.normal(0, shake, 2)
    m = np.float32([[1, 0, dx], [0, 1, dy]])
    out = cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REFLECT).astype(np.float32)
    out += rng.normal(0, noise, out.shape).astype(np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)


def encode_clip(frame_at, seconds: float, *, fps: int = 30, codec: str = "libx264", fmt: str = "mp4",
                rotation: int | None = None, crf: int = 26, seed: int = 0) -> bytes:
    """Encode ``frame_at(t, rng) -> (H, W, 3) uint8`` upright frames.

    ``rotation``: display-matrix angle (counter-clockwise degrees, as FFmpeg's
    ``av_display_rotation_get`` / ``ffprobe`` report it): frames are stored turned the
    other way, so a correct decoder shows them upright.  -90 is an iPhone held upright
    (stored landscape-turned; ``tkhd`` matrix ``[0 1; -1 0]``).
    """
    rng = np.random.default_rng(seed)
    first = frame_at(0.0, rng)
    h, w = first.shape[:2]
    k = 0 if not rotation else int(round(rotation / 90.0)) % 4  # np.rot90 turns counter-clockwise
    sw, sh = (h, w) if k % 2 else (w, h)
    buf = io.BytesIO()
    with av.open(buf, "w", format=fmt) as c:
        st = c.add_stream(codec, rate=fps)
        st.width, st.height = sw, sh
        st.pix_fmt = "yuv420p"
        if codec in ("libx264", "libx265"):
            st.options = {"preset": "ultrafast", "crf": str(crf)}
            if codec == "libx265":
                st.options["x265-params"] = "log-level=error"
        elif codec.startswith("libvpx"):
            st.options = {"deadline": "realtime", "cpu-used": "8", "crf": "32", "b": "0"}
        if rotation:
            st.set_display_rotation(rotation)
        for i in range(int(round(seconds * fps))):
            img = first if i == 0 else frame_at(i / fps, rng)
            stored = np.ascontiguousarray(np.rot90(img, k=-k)) if k else img
            for p in st.encode(av.VideoFrame.from_ndarray(stored, format="rgb24")):
                c.mux(p)
        for p in st.encode():
            c.mux(p)
    return buf.getvalue()


def display_clip(schedule, seconds: float, **kw) -> bytes:
    """A clip of the display scene; ``schedule(t) -> text`` shown at time ``t``."""
    style = kw.pop("style", "led_red")
    return encode_clip(lambda t, rng: shaky(scene(schedule(t), style), rng), seconds, **kw)


@lru_cache(maxsize=8)
def led_frame(on: bool, colour: tuple = (255, 30, 20), size: tuple = (640, 360)) -> np.ndarray:
    """A dark device front with one round indicator light, lit or not."""
    import cv2

    w, h = size
    img = np.full((h, w, 3), (58, 60, 64), np.uint8)
    cv2.rectangle(img, (80, 60), (560, 300), (205, 205, 200), -1)  # boiler front
    cv2.putText(img, "HEAT", (120, 120), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (60, 60, 60), 2)
    centre = (420, 200)
    cv2.circle(img, centre, 9, (90, 40, 40) if colour[0] > colour[1] else (40, 80, 50), -1)
    if on:
        glow = np.zeros((h, w), np.float32)
        cv2.circle(glow, centre, 9, 1.0, -1)
        glow = cv2.GaussianBlur(glow, (0, 0), 5) * 1.8
        core = np.zeros((h, w), np.float32)
        cv2.circle(core, centre, 6, 1.0, -1)
        col = np.array(colour, np.float32)
        out = img.astype(np.float32) * (1 - np.clip(glow, 0, 1)[..., None]) + np.clip(glow, 0, 1)[..., None] * col
        out = out * (1 - core[..., None]) + core[..., None] * (0.6 * col + 0.4 * 255)
        img = np.clip(out, 0, 255).astype(np.uint8)
    return img


def flash_code_on(t: float, n: int, on_s: float = 0.3, off_s: float = 0.3, pause_s: float = 1.8,
                  phase: float = 0.5) -> bool:
    """``n`` flashes of ``on_s``, ``off_s`` apart, then a pause, repeating (starts mid-pause)."""
    period = n * on_s + (n - 1) * off_s + pause_s
    x = (t + period - phase) % period
    k = int(x // (on_s + off_s))
    return k < n and (x - k * (on_s + off_s)) < on_s


# --------------------------------------------------------------------------- tests
@pytest.fixture(scope="module")
def vp(pipeline):
    return pipeline


def _codes(res: VideoResult) -> list[str]:
    return [c.code for c in res.candidates]


@pytest.mark.parametrize("rotation", [-90, 90])
def test_t8_rotated_h264_portrait_clip_is_read_upright(vp, rotation):
    data = display_clip(lambda t: "E21", 3.0, rotation=rotation, fps=15)
    res = analyse_video(f"t8_{rotation}.mp4", data, vp)
    assert res.info.stored_size == (720, 1280)
    assert (res.info.width, res.info.height) == (1280, 720) == res.size
    assert res.info.rotation == (-rotation) % 360
    assert res.frames and res.frames[0].result.image.shape == (720, 1280, 3)
    assert _codes(res)[:1] == ["E21"]
    assert "@" in res.candidates[0].source and res.candidates[0].source.startswith(f"t8_{rotation}.mp4 @ ")


def test_t8_hevc_mov_variant(vp):
    data = display_clip(lambda t: "F.28", 3.0, codec="libx265", fmt="mov", rotation=-90, fps=15,
                        style="lcd_reflective")
    res = analyse_video("t8_hevc.mov", data, vp)
    assert res.info.codec == "hevc" and res.info.container == "MOV"
    assert res.size == (1280, 720)
    assert "F.28" in _codes(res)


def test_alternating_display_is_joined(vp):
    data = display_clip(lambda t: "E" if int(t // 1.0) % 2 == 0 else "21", 6.0, fps=15)
    res = analyse_video("alternating.mp4", data, vp)
    assert _codes(res)[:1] == ["E21"], (res.timeline, res.notes)
    assert any("alternates" in n for n in res.notes)
    assert "21" not in _codes(res)
    # the timeline shows both halves
    texts = " ".join(s for _, _, s in res.timeline)
    assert "E" in texts and "21" in texts


def test_two_codes_in_one_clip_both_reported_with_times(vp):
    data = display_clip(lambda t: "E21" if t < 3.0 else "F.28", 6.0, fps=15, style="lcd_reflective")
    res = analyse_video("two_codes.mp4", data, vp)
    codes = _codes(res)
    assert {"E21", "F.28"} <= set(codes), (codes, res.timeline)
    t_e21 = res.occurrences["E21"]
    t_f28 = res.occurrences["F.28"]
    assert max(t_e21) < 3.0 <= min(t_f28)
    by_code = {c.code: c for c in res.candidates}
    assert by_code["E21"].source.startswith("two_codes.mp4 @ ")
    # timeline in time order, E21 before F.28
    firsts = [next(a for a, _, s in res.timeline if code in s) for code in ("E21", "F.28")]
    assert firsts[0] < firsts[1]


def test_code_then_clock_gives_the_code(vp):
    data = display_clip(lambda t: "E21" if int(t // 1.5) % 2 == 0 else "12:45", 6.0, fps=15,
                        style="lcd_reflective", )
    res = analyse_video("code_clock.mp4", data, vp)
    assert _codes(res)[:1] == ["E21"]
    assert not any(c.code.replace(".", "").replace(":", "") == "1245" for c in res.candidates)


def test_blinking_red_led_three_flashes_is_blink_red_3(vp):
    data = encode_clip(lambda t, rng: shaky(led_frame(flash_code_on(t, 3)), rng, 0.7), 11.0, fps=15)
    res = analyse_video("boiler_led.mp4", data, vp)
    blinks = [b for b in res.blink if b.pattern == "groups"]
    assert blinks and blinks[0].code == "BLINK:RED:3", res.blink
    assert blinks[0].groups_seen >= 2
    assert abs(blinks[0].on_s - 0.3) < 0.12 and blinks[0].pause_s > 1.2
    assert "BLINK:RED:3" in _codes(res)


def test_steady_green_led_is_steady(vp):
    data = encode_clip(lambda t, rng: shaky(led_frame(True, colour=(40, 255, 90)), rng, 0.7), 3.0, fps=15)
    res = analyse_video("router_led.mp4", data, vp)
    assert res.blink and res.blink[0].code == "BLINK:GREEN:STEADY", res.blink
    assert "BLINK:GREEN:STEADY" in _codes(res)


def test_clip_over_the_cap_is_cut_with_a_note(vp):
    data = display_clip(lambda t: "E21", 4.0, fps=10)
    res = analyse_video("long.mp4", data, vp, max_seconds=2.0)
    assert res.seconds_analysed <= 2.05
    assert any("first 2 s" in n for n in res.notes)
    assert "E21" in _codes(res)


def test_video_longer_than_hard_cap_is_refused(monkeypatch, vp):
    import diagnostics.ingest.video as video_mod

    monkeypatch.setattr(video_mod, "HARD_MAX_SECONDS", 1.0)
    data = display_clip(lambda t: "E21", 2.0, fps=10)
    with pytest.raises(VideoTooLongError) as err:
        analyse_video("too_long.mp4", data, vp)
    assert "minutes" in err.value.user_message


def test_corrupt_video_raises_corrupt_media_error(vp):
    data = display_clip(lambda t: "E21", 1.0, fps=10)
    broken = data[:64] + bytes(len(data) - 64)
    with pytest.raises(CorruptMediaError):
        analyse_video("broken.mp4", broken, vp)


def test_result_exports(vp):
    data = display_clip(lambda t: "E21", 2.0, fps=10)
    res = analyse_video("export.mp4", data, vp)
    d = res.to_dict()
    import json

    json.dumps(d)
    assert d["kind"] == "video" and d["codes"] == res.codes and d["timeline"]
    m = res.to_media_result()
    assert m.kind == "video" and m.image is not None and [c.code for c in m.candidates] == res.codes
    assert res.key_frames and res.key_frames[0][1].shape[1] == 320


def test_view_in_doubt_when_its_code_was_read_two_ways_or_frames_disagree():
    """Spare frames are read only for a view whose code is in doubt: a rival reading of
    the same field, or frames whose best codes differ (noise under 0.4 ignored)."""
    from diagnostics.schema import CodeCandidate, MediaResult
    from diagnostics.video import FrameEvidence, _in_doubt

    def ev(t, *cands):
        res = MediaResult(name="f", kind="image", size=(10, 10))
        res.candidates = [CodeCandidate(code, code, "appliance", ("ocr",), conf, None, list(rep), "f")
                          for code, conf, rep in cands]
        return FrameEvidence(t, 0, 1.0, res)

    assert _in_doubt([ev(0.3, ("1C", 0.83, ["also read here as 4C (0.77)"]))])
    assert not _in_doubt([ev(0.3, ("4C", 0.83, []))])
    assert _in_doubt([ev(0.3, ("1C", 0.83, [])), ev(0.9, ("4C", 0.55, []))])
    assert not _in_doubt([ev(0.3, ("1C", 0.83, [])), ev(0.9, ("CO", 0.29, []))])
    assert not _in_doubt([ev(0.3, ("4C", 0.83, [])), ev(0.9, ("4C", 0.6, []))])
