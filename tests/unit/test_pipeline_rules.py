"""Candidate-level rules of the pipeline: rival readings, lines with a known code, units."""

from diagnostics.pipeline import _resolve_overlaps, _unit_beside
from diagnostics.schema import CodeCandidate, TextReading


def C(code, conf, bbox):
    return CodeCandidate(code, code, "appliance", ("seven_segment",), conf, bbox)


def test_rival_codes_at_one_spot_keep_the_most_confident_and_note_the_other():
    kept = _resolve_overlaps([C("dE", 0.9, (645, 496, 252, 182)), C("bE", 0.89, (504, 365, 514, 405))], {})
    assert [c.code for c in kept] == ["dE"]
    assert "also read here as bE" in kept[0].repairs[0]


def test_codes_far_apart_are_both_kept():
    kept = _resolve_overlaps([C("E4", 0.9, (0, 0, 50, 40)), C("F21", 0.8, (500, 0, 70, 40))], {})
    assert {c.code for c in kept} == {"E4", "F21"}


def test_unknown_token_on_a_line_with_a_known_code_is_dropped():
    line = (10, 10, 400, 30)
    kept = _resolve_overlaps([C("P0300", 0.95, line), C("B1", 0.7, line)], {"obd2": {"P0300"}})
    assert [c.code for c in kept] == ["P0300"]


def test_number_with_a_unit_beside_it_is_a_measurement():
    cand = C("215", 0.97, (416, 634, 326, 145))
    deg = TextReading("℃", 0.9, "rapidocr", (796, 585, 61, 48))
    assert _unit_beside(cand, [deg])
    far = TextReading("℃", 0.9, "rapidocr", (1500, 585, 61, 48))
    assert not _unit_beside(cand, [far])
    assert not _unit_beside(C("E21", 0.9, (416, 634, 326, 145)), [deg])  # not numeric
