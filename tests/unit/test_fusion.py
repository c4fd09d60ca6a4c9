from diagnostics.schema import TextReading
from diagnostics.vision.fusion import fold, fuse, same_spot


def R(text, conf, engine, bbox=(100, 100, 120, 60)):
    return TextReading(text, conf, engine, bbox)


def test_fold_maps_lookalikes_to_digits():
    assert fold("SE") == fold("5E") == "5E"
    assert fold("F.28") == "F28"
    assert fold("IE") == fold("1E")


def test_engines_agreeing_raise_confidence():
    one = fuse([R("E21", 0.8, "seven_segment")])
    two = fuse([R("E21", 0.8, "seven_segment"), R("E21", 0.8, "rapidocr", (102, 98, 118, 64))])
    assert len(one) == len(two) == 1
    assert two[0].confidence > one[0].confidence
    assert set(two[0].engines) == {"seven_segment", "rapidocr"}
    assert two[0].kind == "seven_segment"


def test_seven_segment_wins_over_truncated_text_reading():
    out = fuse([R("E21", 0.9, "seven_segment"), R("E2", 0.99, "rapidocr", (100, 100, 90, 60))])
    assert out[0].text == "E21"
    assert out[0].confidence >= 0.85  # 'E2' is a substring: partial support, not a conflict


def test_conflicting_readings_lower_confidence_and_keep_alternative():
    out = fuse([R("E21", 0.9, "seven_segment"), R("E71", 0.9, "rapidocr")])
    assert out[0].text == "E21"
    assert out[0].confidence < 0.9
    assert any(a[0] == "E71" for a in out[0].alternatives)


def test_separate_fields_stay_separate():
    out = fuse([R("12.6", 0.9, "seven_segment", (10, 10, 100, 40)), R("E4", 0.9, "seven_segment", (300, 10, 60, 40))])
    assert sorted(d.text for d in out) == ["12.6", "E4"]


def test_same_spot_requires_similar_size():
    assert same_spot((0, 0, 100, 50), (5, 2, 95, 48))
    assert not same_spot((0, 0, 400, 50), (10, 5, 60, 40))  # a field inside a whole line
    assert not same_spot((0, 0, 100, 50), (300, 0, 100, 50))


def test_decimal_point_seen_by_text_engine_is_kept():
    out = fuse([R("215", 0.9, "seven_segment"), R("21.5", 0.99, "rapidocr", (98, 99, 124, 62))])
    assert out[0].text == "21.5"


def test_text_engine_tells_b_from_8():
    out = fuse([R("E8", 0.99, "seven_segment"), R("EB", 0.95, "rapidocr")])
    assert out[0].text == "EB"
    out2 = fuse([R("F0", 0.99, "seven_segment"), R("FO", 0.95, "rapidocr")])
    assert out2[0].text == "F0"  # O/0 is not trusted from a text engine
