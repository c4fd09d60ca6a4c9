"""Key-frame selection (sharpness, change signature, segments, states) and blink codes
(pattern decoding, colour naming, finding lights in frames, knowledge-base mapping)."""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from diagnostics.knowledge.keys import match_key  # noqa: E402
from diagnostics.vision.blink import BlinkTracker, colour_name, decode_pattern, find_blinks, runs  # noqa: E402
from diagnostics.vision.frames import CHANGE_THRESHOLD, KeyFrameSelector, change, sharpness, signature  # noqa: E402


def panel(text: str, *, shift=(0.0, 0.0), gain: float = 1.0, blur: float = 0.0) -> np.ndarray:
    """``(270, 480) uint8`` grey scene: a textured wall, a dark display with ``text`` on it."""
    rng = np.random.default_rng(7)
    img = cv2.GaussianBlur(rng.uniform(120, 200, (270, 480)).astype(np.float32), (0, 0), 6).astype(np.uint8)
    cv2.rectangle(img, (40, 40), (200, 200), 90, 3)  # a knob outline
    cv2.rectangle(img, (260, 90), (420, 170), 30, -1)  # display window
    cv2.putText(img, text, (275, 155), cv2.FONT_HERSHEY_SIMPLEX, 2.0, 200, 5)
    img = img.astype(np.float32)
    m = np.float32([[1, 0, shift[0]], [0, 1, shift[1]]])
    img = cv2.warpAffine(img, m, (480, 270), borderMode=cv2.BORDER_REFLECT)
    if blur:
        k = np.zeros((1, int(blur) * 2 + 1), np.float32)
        k[:] = 1.0 / k.size
        img = cv2.filter2D(img, -1, k)  # horizontal motion blur
    return np.clip(img * gain, 0, 255).astype(np.uint8)


# ------------------------------------------------------------------- frames
def test_sharpness_drops_with_motion_blur():
    assert sharpness(panel("E21", blur=4)) < 0.65 * sharpness(panel("E21"))
    assert sharpness(panel("E21", blur=2)) > sharpness(panel("E21", blur=4))


def test_change_ignores_shake_and_exposure_but_sees_the_display():
    base = signature(panel("E21"))
    assert change(base, signature(panel("E21", shift=(2.3, -1.4)))) < CHANGE_THRESHOLD / 2
    assert change(base, signature(panel("E21", gain=1.25))) < CHANGE_THRESHOLD / 2
    assert change(base, signature(panel("E22"))) > 2 * CHANGE_THRESHOLD
    assert change(base, signature(panel("E21", shift=(1.0, 0.5)))) < change(base, signature(panel("F28")))


def _feed(sel: KeyFrameSelector, schedule, fps=10.0, seconds=6.0, blur_at=()):
    rng = np.random.default_rng(1)
    for i in range(int(seconds * fps)):
        t = i / fps
        blur = 4 if any(abs(t - b) < 1e-6 for b in blur_at) else 0
        g = panel(schedule(t), shift=tuple(rng.normal(0, 0.7, 2)), blur=blur)
        sel.add(t, g, (t, g))
    return sel.finish()


def test_alternating_display_gives_two_states_many_segments():
    sel = KeyFrameSelector(lambda p: p[1], frames_per_state=2)
    res = _feed(sel, lambda t: "E" if int(t) % 2 == 0 else "21")
    assert len(res.states) == 2
    assert len(res.segments) == 6
    assert [s.state for s in res.segments] == [0, 1, 0, 1, 0, 1]
    for seg in res.segments:
        assert abs(seg.duration - 1.0) < 0.15
    # each state keeps 2 frames from different segments; reading order: firsts, then seconds
    for st in res.states:
        assert len(st.frames) == 2 and len({f.segment for f in st.frames}) == 2
    assert res.reading_order[:2] == [(0, 0), (1, 0)] and res.reading_order[2:] == [(0, 1), (1, 1)]


def test_motion_blurred_frame_is_never_chosen():
    sel = KeyFrameSelector(lambda p: p[0], frames_per_state=1)
    blur_times = tuple(np.round(np.arange(0, 3, 0.1), 3)[::2])  # every other frame blurred
    res = _feed(sel, lambda t: "E21", seconds=3.0, blur_at=blur_times)
    assert len(res.states) == 1
    chosen_t = res.states[0].frames[0].image
    assert all(abs(chosen_t - b) > 1e-6 for b in blur_times)


def test_state_memory_cap():
    sel = KeyFrameSelector(lambda p: p[1], frames_per_state=1, max_states=3)
    texts = ["E1", "E2", "E3", "E4", "E5", "E6"]
    res = _feed(sel, lambda t: texts[min(5, int(t))], seconds=6.0)
    assert len(res.states) == 6
    assert sum(1 for s in res.states if s.frames) <= 3
    assert len(res.reading_order) <= 3


def test_transition_frames_form_no_segment():
    # a single odd frame (a hand passing) between two stable views
    sel = KeyFrameSelector(lambda p: p[1])
    res = _feed(sel, lambda t: "XX" if abs(t - 1.5) < 1e-6 else "E21", seconds=3.0)
    assert len(res.states) == 1 and len(res.segments) == 1


# ------------------------------------------------------------------- blink patterns
def series(pattern, fps=20.0, seconds=10.0):
    t = np.arange(int(seconds * fps)) / fps
    return t, np.array([pattern(x) for x in t])


def flash(n, on=0.3, off=0.3, pause=1.8, phase=0.5):
    period = n * on + (n - 1) * off + pause

    def f(t):
        x = (t + period - phase) % period
        k = int(x // (on + off))
        return k < n and (x - k * (on + off)) < on
    return f


@pytest.mark.parametrize("n", [2, 3, 5])
def test_flash_groups_counted(n):
    t, on = series(flash(n), seconds=14.0)
    r = decode_pattern(t, on, "RED")
    assert r.code == f"BLINK:RED:{n}" and r.pattern == "groups"
    assert r.groups_seen >= 2 and set(r.counts) == {n}
    assert r.confidence >= 0.9
    assert abs(r.on_s - 0.3) < 0.06 and r.pause_s > 1.5
    if n > 1:
        assert abs(r.off_s - 0.3) < 0.06


def test_single_flash_then_pause_is_a_slow_blink():
    t, on = series(flash(1, pause=1.7), seconds=10.0)
    r = decode_pattern(t, on, "RED")
    assert r.code == "BLINK:RED:SLOW" and abs(r.period_s - 2.0) < 0.1


def test_alternating_groups_2_then_3():
    def f(t):
        period_a = 2 * 0.6 + 1.5
        period_b = 3 * 0.6 + 1.5
        x = (t + 0.7) % (period_a + period_b)
        if x < period_a:
            return flash(2, pause=1.5, phase=0)(x)
        return flash(3, pause=1.5, phase=0)(x - period_a)

    t, on = series(f, seconds=20.0)
    r = decode_pattern(t, on, "AMBER")
    assert r.code == "BLINK:AMBER:2+3", r.counts


def test_regular_slow_and_fast_blinks():
    t, on = series(lambda x: (x % 2.0) < 1.0, seconds=8.0)
    slow = decode_pattern(t, on, "GREEN")
    assert slow.code == "BLINK:GREEN:SLOW" and abs(slow.period_s - 2.0) < 0.1
    t, on = series(lambda x: (x % 0.4) < 0.2, fps=30.0, seconds=4.0)
    fast = decode_pattern(t, on, "GREEN")
    assert fast.code == "BLINK:GREEN:FAST" and abs(fast.period_s - 0.4) < 0.05
    assert fast.confidence >= 0.8


def test_steady_off_and_too_short():
    t, on = series(lambda x: True, seconds=3.0)
    r = decode_pattern(t, on, "GREEN")
    assert r.code == "BLINK:GREEN:STEADY" and r.timeline == [(0.0, 3.0, "on")]
    assert decode_pattern(t, np.zeros_like(on), "GREEN") is None
    assert decode_pattern(t[:2], on[:2], "GREEN") is None


def test_incomplete_group_is_unsure():
    # 3 flashes at the very start, clip ends before any pause is seen twice
    t, on = series(flash(3, phase=0.0), seconds=2.0)
    r = decode_pattern(t, on, "RED")
    assert r.confidence < 0.5


def test_runs_timeline():
    t = np.arange(10) / 10
    on = np.array([0, 0, 1, 1, 1, 0, 0, 0, 1, 1], bool)
    assert runs(on, t) == [(0.0, 0.2, False), (0.2, 0.5, True), (0.5, 0.8, False), (0.8, 1.0, True)]


@pytest.mark.parametrize("rgb,name", [
    ((255, 40, 30), "RED"), ((255, 90, 140), "RED"), ((255, 150, 20), "AMBER"), ((240, 220, 30), "AMBER"),
    ((40, 255, 90), "GREEN"), ((30, 230, 200), "GREEN"), ((40, 90, 255), "BLUE"), ((240, 240, 250), "WHITE"),
])
def test_colour_names(rgb, name):
    assert colour_name(rgb) == name


# ------------------------------------------------------------------- finding lights
def led_frames(pattern, colour=(255, 40, 30), seconds=10.0, fps=15.0, flicker=0.0, shake=0.0, seed=0):
    rng = np.random.default_rng(seed)
    base = np.full((72, 128, 3), 70, np.float32)
    base[10:60, 10:118] = (200, 200, 195)  # device front
    base[20:26, 20:60] = (40, 40, 40)  # a printed label edge
    ts, frames = [], []
    for i in range(int(seconds * fps)):
        t = i / fps
        img = base.copy()
        if pattern(t):
            cv2.circle(img, (90, 40), 3, colour, -1)
            img[38:43, 88:93] = np.array(colour) * 0.5 + 127
        img *= 1.0 + flicker * np.sin(t * 7.0)
        if shake:
            m = np.float32([[1, 0, rng.normal(0, shake)], [0, 1, rng.normal(0, shake)]])
            img = cv2.warpAffine(img, m, (128, 72), borderMode=cv2.BORDER_REFLECT)
        img += rng.normal(0, 2.0, img.shape)
        ts.append(t)
        frames.append(np.clip(img, 0, 255).astype(np.uint8))
    return np.array(ts), frames


def test_find_blinking_red_light_three_flashes():
    t, frames = led_frames(flash(3), shake=0.3)
    res = find_blinks(t, frames)
    assert res and res[0].code == "BLINK:RED:3"
    x, y, w, h = res[0].bbox
    assert x <= 90 <= x + w and y <= 40 <= y + h
    assert res[0].frame_size == (128, 72)


def test_find_steady_green_and_slow_blue():
    t, frames = led_frames(lambda x: True, colour=(40, 255, 90), seconds=3.0)
    res = find_blinks(t, frames)
    assert res and res[0].code == "BLINK:GREEN:STEADY"
    t, frames = led_frames(lambda x: (x % 2.0) < 1.0, colour=(40, 90, 255), seconds=6.0)
    res = find_blinks(t, frames)
    assert res and res[0].code == "BLINK:BLUE:SLOW"


def test_no_light_no_result_despite_exposure_flicker_and_shake():
    t, frames = led_frames(lambda x: False, flicker=0.15, shake=0.6)
    assert [r for r in find_blinks(t, frames) if r.pattern != "steady"] == []


def test_tracker_downscales_and_ignores_odd_sizes():
    tr = BlinkTracker(max_side=64)
    tr.add(0.0, np.zeros((72, 128, 3), np.uint8))
    tr.add(0.1, np.zeros((10, 10, 3), np.uint8))
    assert len(tr.frames) == 1 and tr.frames[0].shape == (36, 64, 3)
    assert tr.finish() == []


# ------------------------------------------------------------------- knowledge base
def test_blink_notation_keys_are_distinct():
    codes = ["BLINK:RED:3", "BLINK:RED:STEADY", "BLINK:RED:SLOW", "BLINK:RED:FAST", "BLINK:GREEN:FAST",
             "BLINK:AMBER:SLOW", "BLINK:RED:2+3", "BLINK:RED:23", "BLINK:RED:2", "BLINK:WHITE:SLOW"]
    keys = [match_key(c) for c in codes]
    assert len(set(keys)) == len(keys)
    assert match_key("BLINK:RED:3") == "BLINKRED3"


def test_blink_codes_map_to_boiler_and_router_entries(kb):
    red3 = kb.lookup("BLINK:RED:3")
    assert [(e.family, e.appliance) for e in red3] == [("appliance", "boiler")]
    assert "3" in red3[0].title
    steady = kb.lookup("BLINK:RED:STEADY")
    assert {(e.family, e.appliance) for e in steady} == {("appliance", "boiler"), ("router", "router")}
    assert kb.lookup("BLINK:GREEN:FAST", family="router")
    assert kb.lookup("red light flashing 3 times")[0].code == "BLINK:RED:3"


def test_pale_washed_out_red_lamp_on_white_panel_is_found():
    """A lamp whose core the camera clips to a pale pink (not much brighter than the white
    panel, only somewhat coloured) still counts: the light it adds when on is red."""
    t, frames = led_frames(flash(3), colour=(255, 120, 105), shake=0.3)
    pale = []
    for f in frames:
        g = f.astype(np.float32)
        g[36:45, 86:95] = np.minimum(g[36:45, 86:95], (215, 255, 255))  # core never brighter than the panel
        pale.append(np.clip(g, 0, 255).astype(np.uint8))
    res = find_blinks(t, pale)
    assert res and res[0].code == "BLINK:RED:3", res


def test_one_group_with_agreeing_cut_groups_is_more_confident():
    fps = 30.0
    t = np.arange(0, 8.0, 1 / fps)
    # 3 flashes (0.3 s on / 0.3 s off), 1.6 s pause, starting mid-group at t=0
    period = 3 * 0.6 - 0.3 + 1.6
    on = np.array([((x % period) // 0.6 < 3) and ((x % period) % 0.6 < 0.3) for x in t])
    res = decode_pattern(t, on, "RED")
    assert res.code == "BLINK:RED:3" and res.groups_seen == 1
    assert res.confidence >= 0.7


def test_long_segment_keeps_spare_frames_from_other_windows():
    """One view held for 3 s keeps one frame to read first, plus spares (sharpest of other
    0.5 s windows) for a second opinion; reading_order is unchanged by spares."""
    from diagnostics.vision.frames import PICK_WINDOW_S, SPARE_FRAMES

    sel = KeyFrameSelector(lambda p: p, frames_per_state=2)
    for i in range(30):  # 3 s of one view at 10 fps, sharpest near 1.2 s
        sel.add(i / 10, panel("4C", shift=(0.3 * (i % 3), 0.0)), payload=i, sharp=100.0 - abs(i - 12))
    s = sel.finish()
    assert len(s.states) == 1 and s.reading_order == [(0, 0)]
    st = s.states[0]
    assert [f.t for f in st.frames] == [1.2]
    assert len(st.spares) == SPARE_FRAMES
    windows = {int(f.t // PICK_WINDOW_S) for f in st.spares} | {int(1.2 // PICK_WINDOW_S)}
    assert len(windows) == SPARE_FRAMES + 1  # each spare from a window of its own
    assert all(f.image == round(f.t * 10) for f in st.spares)  # payloads materialised
