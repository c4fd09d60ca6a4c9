"""Unit tests of the panel's pure parts: evidence drawing, session state, error text."""

from __future__ import annotations

import numpy as np
import pytest

from diagnostics.errors import CorruptMediaError
from diagnostics.schema import CodeCandidate, Diagnosis, DisplayReading
from diagnostics.ui import state
from diagnostics.ui.components import GENERIC_FAILURE, describe_failure, md_escape, run_case
from diagnostics.ui.draw import CODE_COLOUR, READING_COLOUR, code_label, draw_evidence


def _cand(bbox=(100, 50, 200, 100), code="E21", conf=0.94):
    return CodeCandidate(code, code, "appliance", ("seven_segment",), conf, bbox)


def test_draw_evidence_outlines_readings_and_codes():
    img = np.zeros((300, 600, 3), np.uint8)
    reading = DisplayReading("12:45", 0.9, ("rapidocr",), (400, 200, 150, 60))
    out = draw_evidence(img, [reading], [_cand()])
    assert out.shape == (300, 600, 3) and out.dtype == np.uint8
    assert tuple(out[230, 400]) == READING_COLOUR  # left edge of the reading box
    assert tuple(out[100, 100]) == CODE_COLOUR  # left edge of the code box
    assert tuple(out[100, 250]) == (0, 0, 0), "inside of a box is left as it was"
    assert img.max() == 0, "input not modified"


def test_draw_evidence_downscales_and_scales_boxes():
    img = np.zeros((3000, 4000, 3), np.uint8)
    out = draw_evidence(img, [], [_cand((1000, 1000, 1000, 500))], max_side=800)
    assert out.shape == (600, 800, 3)
    assert tuple(out[250, 200]) == CODE_COLOUR  # (1000, 1250) * 0.2


def test_draw_evidence_accepts_grey_rgba_and_skips_boxless():
    assert draw_evidence(np.zeros((20, 30), np.uint8)).shape == (20, 30, 3)
    assert draw_evidence(np.zeros((20, 30, 4), np.uint8)).shape == (20, 30, 3)
    out = draw_evidence(np.zeros((20, 30, 3), np.uint8), [], [_cand(None)])
    assert out.max() == 0
    with pytest.raises(ValueError):
        draw_evidence(np.zeros((0, 5, 3), np.uint8))
    with pytest.raises(ValueError):
        draw_evidence(np.zeros((5, 5, 2), np.uint8))


def test_code_label():
    assert code_label(_cand(conf=0.935)) == "E21 0.94"


def test_case_key_depends_on_bytes_names_and_text():
    k = state.case_key([("a.jpg", b"123")], "hi")
    assert k == state.case_key([("a.jpg", b"123")], " hi ")
    assert len(k) == 16
    assert len({k, state.case_key([("a.jpg", b"124")], "hi"), state.case_key([("b.jpg", b"123")], "hi"),
                state.case_key([("a.jpg", b"123")], "ho"), state.case_key([], "hi")}) == 5


def test_store_case_keeps_recent_and_forgets_replaced_edits():
    session: dict = {}
    for i in range(state.MAX_CASES + 2):
        state.store_case(session, state.Case(f"k{i}", [], ""))
    assert state.current_case(session).key == f"k{state.MAX_CASES + 1}"
    assert state.get_case(session, "k0") is None and state.get_case(session, "k2") is not None
    state.save_reply_edit(session, "k2", "en", "edited")
    assert state.reply_edit(session, "k2", "en") == "edited" and state.reply_edit(session, "k2", "es") is None
    state.store_case(session, state.Case("k2", [], ""))  # a new diagnosis for the same inputs
    assert state.reply_edit(session, "k2", "en") is None


def test_describe_failure():
    assert describe_failure(CorruptMediaError()) == (CorruptMediaError.default_message, CorruptMediaError.default_hint)
    msg, hint = describe_failure(ValueError("/home/x/secret"))
    assert msg == GENERIC_FAILURE and "secret" not in msg + hint


def test_run_case_catches_everything_in_one_place():
    def ok(files, progress=None, text=""):
        return Diagnosis(reply=text)

    def bad(files, progress=None, text=""):
        raise ZeroDivisionError

    good = run_case([("a", b"1")], "t", ok)
    assert good.error == "" and good.diagnosis.reply == "t" and good.names == ["a"]
    failed = run_case([("a", b"1")], "t", bad)
    assert failed.error == GENERIC_FAILURE and failed.diagnosis.media == [] and failed.key == good.key


def test_md_escape_neutralises_markup():
    s = md_escape("[x](http://e.example) <img src=x> **b** :red[y] $z$\nnext")
    import re

    assert "\n" not in s
    assert re.search(r"(?<!\\)[<>\[\]()*$:_]", s) is None, "every markup character is escaped"
    assert s.replace("\\", "") == "[x](http://e.example) <img src=x> **b** :red[y] $z$ next"


def test_crop_around_grows_clips_and_resizes():
    from diagnostics.ui.draw import crop_around

    img = np.zeros((100, 200, 3), np.uint8)
    img[40:60, 90:110] = 255
    out = crop_around(img, (90, 40, 20, 20), margin=0.5, max_side=120)
    assert out.shape == (120, 120, 3)  # 40x40 grown box scaled x3
    assert out[60, 60].tolist() == [255, 255, 255] and out[5, 5].tolist() == [0, 0, 0]
    edge = crop_around(img, (0, 0, 20, 10), margin=1.0, max_side=80)
    assert edge.shape == (40, 80, 3)  # clipped to the image corner: 40x20
    with pytest.raises(ValueError):
        crop_around(img, (500, 500, 10, 10))
