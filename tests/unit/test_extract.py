"""Code extraction: grammars, look-alike repair (T4), false-positive rules, dedupe."""

from __future__ import annotations

import pytest

from diagnostics.errors import ValidationError
from diagnostics.extract import bug_check_name, extract_codes, extract_from_text, normalise
from diagnostics.extract.grammars import SHAPES
from diagnostics.extract.repair import MAX_VARIANTS, variants
from diagnostics.knowledge.keys import match_key
from diagnostics.schema import DisplayReading

CODES = {
    "appliance": ["4C", "4E", "5C", "5E", "UE", "Ub", "dC", "dE", "SUd", "OE", "IE", "LE", "CL", "E21",
                  "F.28", "F.22", "EA", "227", "E133", "F21", "F9E1", "E18"],
    "printer": ["50.4", "49.4C02", "13.20", "59.F0"],
    "router": ["691", "651", "T3", "T4", "DNS_PROBE_FINISHED_NO_INTERNET"],
    "windows_stop": ["0x000000EF", "CRITICAL_PROCESS_DIED", "0x0000007B", "INACCESSIBLE_BOOT_DEVICE",
                     "0x00000050", "PAGE_FAULT_IN_NONPAGED_AREA"],
    "obd2": ["P0420", "P0171", "P0300", "U0100"],
}
KB = {fam: {match_key(c) for c in codes} for fam, codes in CODES.items()}


def seg(text, conf=0.9, engine="seven_segment", bbox=(10, 20, 100, 40), alternatives=None):
    return DisplayReading(text, conf, (engine,), bbox, kind="seven_segment", alternatives=alternatives or [])


def ocr(text, conf=0.9, engine="rapidocr", bbox=(0, 0, 300, 30)):
    return DisplayReading(text, conf, (engine,), bbox, kind="text")


def codes(cands):
    return [c.code for c in cands]


def one(cands):
    assert len(cands) == 1, [(c.code, c.family) for c in cands]
    return cands[0]


# ---------------------------------------------------------------- grammars


@pytest.mark.parametrize("text,family,code", [
    ("P0420", "obd2", "P0420"), ("U0100", "obd2", "U0100"), ("C0035", "obd2", "C0035"), ("p0a80", "obd2", "P0A80"),
    ("0x0000007B", "windows_stop", "0x0000007B"), ("0xef", "windows_stop", "0x000000EF"),
    ("49.4C02", "printer", "49.4C02"), ("59.F0", "printer", "59.F0"),
    ("E21", "appliance", "E21"), ("E-21", "appliance", "E21"), ("F.28", "appliance", "F.28"),
    ("F28", "appliance", "F28"), ("4C", "appliance", "4C"), ("E133", "appliance", "E133"),
    ("F9E1", "appliance", "F9E1"), ("Err 3", "appliance", "Err3"), ("Er 3", "appliance", "Er3"),
])
def test_grammar_accepts_without_kb(text, family, code):
    c = one(extract_codes([seg(text)]))
    assert (c.code, c.family) == (code, family)
    assert c.repairs == []


def test_obd_grammar_rejects_bad_second_digit_and_length():
    assert extract_from_text("P4420 P04201 Q0420") == []


def test_letter_codes_need_display_context():
    # a display field alone: letter-only codes are candidates (lower confidence) ...
    assert codes(extract_codes([seg("UE")])) == ["UE"]
    assert codes(extract_codes([seg("dE")])) == ["dE"]
    assert codes(extract_codes([seg("SUd")])) == ["SUd"]
    # ... but not ordinary words of a sentence
    assert extract_from_text("it is on the way") == []


def test_separator_runs_are_clutter_not_codes(kb):
    # OCR of a label's dashes under a video frame read "C+=十(D--C"; "D--C" is not dC
    kk, canonical = kb.known_keys(), kb.canonical_codes()
    assert extract_codes([ocr("C+=十(D--C", conf=0.84)], kk, canonical=canonical) == []
    assert extract_from_text("E..21", kk, canonical=canonical) == []
    # one separator, or separators around the code, still read
    assert codes(extract_from_text("E-21", kk, canonical=canonical)) == ["E21"]
    assert codes(extract_from_text("-- E21 --", kk, canonical=canonical)) == ["E21"]


def test_router_numbers_need_context_or_kb():
    c = one(extract_from_text("Error 691: The remote connection was denied"))
    assert (c.code, c.family) == ("691", "router")
    assert extract_codes([seg("691")]) == []
    assert (one(extract_codes([seg("691")], KB)).family) == "router"


def test_docsis_timeouts_are_router_in_context():
    c = one(extract_from_text("No Ranging Response received - T3 time-out"))
    assert (c.code, c.family) == ("T3", "router")
    assert one(extract_codes([seg("T3")])).family == "appliance"  # no KB, no context


def test_chromium_dns_name_even_with_spaces():
    for text in ("DNS_PROBE_FINISHED_NO_INTERNET", "This site can't be reached\nDNS PROBE FINISHED NO INTERNET"):
        c = one(extract_from_text(text, KB))
        assert (c.code, c.family) == ("DNS_PROBE_FINISHED_NO_INTERNET", "router")


# ---------------------------------------------------------------- false positives


@pytest.mark.parametrize("value", ["12:45", "88:88", "23.5", "1400", "256.01", "0013", "50.4", "8.8.8.", "227"])
def test_display_values_are_not_codes_without_kb(value):
    assert extract_codes([seg(value)]) == []
    assert extract_codes([ocr(value)]) == []


def test_numeric_codes_only_when_kb_knows_them():
    c = one(extract_codes([seg("50.4")], KB))
    assert (c.code, c.family) == ("50.4", "printer")
    assert one(extract_codes([seg("227")], KB)).family == "appliance"
    assert extract_codes([seg("23.5")], KB) == []
    # a time is never a code, even when its digits are known
    kb = {"appliance": {match_key("1245")}}
    assert extract_codes([seg("12:45")], kb) == []


@pytest.mark.parametrize("word", ["End", "On", "OFF", "Hot", "Hi", "Lo", "SEt", "Eco", "run", "dry", "Add",
                                  "CL", "0FF", "5Et"])
def test_display_words_are_not_codes(word):
    assert extract_codes([seg(word)]) == []


def test_kb_known_code_beats_stoplist():
    c = one(extract_codes([seg("CL")], KB))
    assert (c.code, c.family) == ("CL", "appliance")


def test_screen_with_code_and_clock_gives_one_candidate():
    assert codes(extract_codes([seg("E4 12:45")])) == ["E4"]
    assert codes(extract_codes([seg("E4"), seg("12:45"), seg("0013"), seg("12.6")])) == ["E4"]


# ---------------------------------------------------------------- look-alike repair (T4)


def test_se_becomes_5e_with_kb_and_5e_stays():
    c = one(extract_codes([seg("SE")], KB))
    assert c.code == "5E" and c.text_as_read == "SE"
    assert c.repairs and "S read as 5" in c.repairs[0] and "SE -> 5E" in c.repairs[0]
    plain = one(extract_codes([seg("5E")], KB))
    assert plain.code == "5E" and plain.repairs == []
    assert c.confidence < plain.confidence  # repaired < unrepaired


def test_e8_eb_kept_as_read_when_both_unknown():
    assert codes(extract_codes([seg("E8")], KB)) == ["E8"]
    assert codes(extract_codes([ocr("EB")], KB)) == ["EB"]
    kb = {"appliance": {match_key("E8")}}
    c = one(extract_codes([ocr("EB")], kb))
    assert c.code == "E8" and "B read as 8" in c.repairs[0]


def test_fo_vs_f0_follows_kb_not_whitelist():
    assert codes(extract_codes([ocr("FO")])) == ["FO"]  # grammar allows two letters
    kb = {"appliance": {match_key("F0")}}
    assert codes(extract_codes([ocr("FO")], kb)) == ["F0"]


def test_1e_becomes_ie_when_kb_knows_ie():
    c = one(extract_codes([seg("1E")], KB))
    assert c.code == "IE" and "1 read as I" in c.repairs[0]
    assert codes(extract_codes([seg("1E")])) == ["1E"]  # no KB: as read


@pytest.mark.parametrize("read", ["OxOOOOOO7B", "0x000O007B", "0x0000007B"])
def test_stop_code_hex_repair(read):
    c = one(extract_from_text(f"*** STOP: {read} (0xF78D2524,0xC0000034,0x00000000,0x00000000)", KB))
    assert (c.code, c.family) == ("0x0000007B", "windows_stop")
    assert bug_check_name(c.code) == "INACCESSIBLE_BOOT_DEVICE"
    assert bool(c.repairs) == (read != "0x0000007B")


@pytest.mark.parametrize("read,code", [("P042O", "P0420"), ("PO171", "P0171")])
def test_obd_repair(read, code):
    for kb in (KB, None):
        c = one(extract_from_text(f"Stored DTC: {read}", kb))
        assert c.code == code and c.family == "obd2" and "O read as 0" in c.repairs[0]


def test_e2l_becomes_e21():
    c = one(extract_codes([ocr("E2l")], KB))
    assert c.code == "E21" and "l read as 1" in c.repairs[0]
    assert codes(extract_codes([ocr("E2l")])) == ["E21"]  # grammar alone forces a digit there


def test_seven_segment_digits_mapped_back_to_letters():
    c = one(extract_codes([seg("5Ud")], KB))
    assert c.code == "SUd" and "5 read as S" in c.repairs[0]
    assert one(extract_codes([seg("U6")], KB)).code == "Ub"
    assert one(extract_codes([seg("0E")], KB)).code == "OE"


def test_ambiguous_known_variants_noted_and_penalised():
    kb = {"appliance": {match_key("OE"), match_key("DE")}}
    c = one(extract_codes([ocr("0E")], kb))  # sans-serif OCR: 0 may be O or D
    assert c.code == "OE"
    assert any("could also be DE" in r for r in c.repairs)
    single = one(extract_codes([ocr("0E")], {"appliance": {match_key("OE")}}))
    assert c.confidence < single.confidence
    # seven-segment panels have no capital D: not ambiguous there
    assert not any("could also" in r for r in one(extract_codes([seg("0E")], kb)).repairs)


def test_words_and_numbers_are_not_repaired_into_codes():
    assert extract_from_text("If you call a support person, give them this info") == []
    assert extract_codes([seg("1400")]) == []


def test_variant_generation_is_bounded():
    vs = variants("OxOOOOOO8B", [s for f in SHAPES.values() for s in f])
    assert 0 < len(vs) <= MAX_VARIANTS
    assert vs[0].text == "0x0000008B" and len(vs[0].subs) == 7  # forced-only variant comes first


# ---------------------------------------------------------------- texts


BLUE_SCREEN = """:(
Your PC ran into a problem and needs to restart. We're just collecting some error info,
and then we'll restart for you.
20% complete
For more information about this issue and possible fixes, visit https://www.windows.com/stopcode
If you call a support person, give them this info:
Stop code: CRITICAL_PROCESS_DIED
What failed: ntfs.sys"""


def test_blue_screen_paragraph():
    c = one(extract_from_text(BLUE_SCREEN, KB, source="bsod.png"))
    # the symbolic name is reported under its canonical hex stop code
    assert (c.code, c.family, c.source) == ("0x000000EF", "windows_stop", "bsod.png")
    assert c.text_as_read == "CRITICAL_PROCESS_DIED"
    assert any("CRITICAL_PROCESS_DIED is stop code 0x000000EF" in r for r in c.repairs)
    assert c.confidence == pytest.approx(1.0)
    nokb = one(extract_from_text(BLUE_SCREEN))
    assert nokb.code == "0x000000EF" and nokb.confidence < c.confidence
    # a name missing from the bug check table stays a name (blue-screen context allows it)
    other = one(extract_from_text(BLUE_SCREEN.replace("CRITICAL_PROCESS_DIED", "HAL_INITIALIZATION_FAILED")))
    assert other.code == "HAL_INITIALIZATION_FAILED" and other.confidence < nokb.confidence
    assert extract_from_text("HAL_INITIALIZATION_FAILED") == []  # no Windows context, unknown


def test_blue_screen_name_without_underscores():
    c = one(extract_from_text("Stop code: CRITICAL PROCESS DIED\nWhat failed: ntfs.sys", KB))
    assert c.code == "0x000000EF"
    assert any("underscores" in r for r in c.repairs)


def test_windows7_screen_merges_name_and_hex_and_skips_parameters():
    text = ("A problem has been detected and Windows has been shut down to prevent damage\n"
            "PAGE_FAULT_IN_NONPAGED_AREA\nTechnical information:\n"
            "*** STOP: 0x00000050 (0xFD3094C2,0x00000001,0xFBFE7617,0x00000000)\n"
            "*** SPCMDCON.SYS - Address FBFE7617 base at FBFE5000, DateStamp 3d6dd67c")
    c = one(extract_from_text(text, KB))
    assert c.code == "0x00000050"
    assert any("PAGE_FAULT_IN_NONPAGED_AREA is stop code 0x00000050" in r for r in c.repairs)


def test_printer_and_router_screens():
    c = one(extract_from_text("49.4C02 SERVICE ERROR\nTurn off then on", KB))
    assert (c.code, c.family) == ("49.4C02", "printer")
    c = one(extract_from_text("50.4 FUSER ERROR\nTurn off then on"))
    assert (c.code, c.family) == ("50.4", "printer")


def test_obd_scanner_text():
    text = "DTC 1 of 2\nP0420 Catalyst System Efficiency Below Threshold Bank 1\nP0171 System Too Lean (Bank 1)"
    found = extract_from_text(text, KB)
    assert sorted(codes(found)) == ["P0171", "P0420"]
    assert all(c.family == "obd2" for c in found)


@pytest.mark.parametrize("text,code", [
    ("my washer shows E 21", "E21"),
    ("code F.28 on the boiler", "F.28"),
    ("Hi, my LG washer says OE and won't drain", "OE"),
    ("samsung washer 5E error at 10am, 2nd time this week", "5E"),
    ("my boiler shows 227", "227"),
    ("the washer shows 4c", "4C"),
])
def test_typed_customer_text(text, code):
    c = one(extract_from_text(text, KB, source="customer text"))
    assert c.code == code and c.bbox is None


@pytest.mark.parametrize("text", ["I paid 227 dollars for it", "He said it was on at 12:45",
                                  "It spins at 1400 rpm and it is 23.5 degrees", "My LG PC is ok"])
def test_typed_text_without_codes(text):
    assert extract_from_text(text, KB) == []


# ---------------------------------------------------------------- confidence, dedupe, normalise


def test_kb_known_more_confident_than_unknown():
    known = one(extract_codes([seg("E21")], KB))
    unknown = one(extract_codes([seg("E22")], KB))
    assert known.confidence > unknown.confidence
    assert known.confidence == pytest.approx(0.9)


def test_dedupe_merges_engines_and_keeps_best():
    cands = extract_codes([seg("E21", 0.7, bbox=(1, 1, 10, 10)), ocr("E 21", 0.95, bbox=(5, 5, 50, 20)),
                           ocr("E2l", 0.99, engine="tesseract")], KB, source="washer.jpg")
    c = one(cands)
    assert c.code == "E21"
    assert set(c.engines) == {"seven_segment", "rapidocr", "tesseract"}
    assert c.confidence == pytest.approx(0.95)
    assert c.bbox == (5, 5, 50, 20) and c.source == "washer.jpg"


def test_alternatives_used_when_primary_gives_nothing():
    r = seg("8:88", alternatives=[("E21", 0.6, "rapidocr"), ("x", 0.9, "tesseract")])
    c = one(extract_codes([r], KB))
    assert c.code == "E21" and c.engines == ("rapidocr",) and c.confidence == pytest.approx(0.48)  # lost the vote: x 0.8
    # a lower-ranked guess the KB does not confirm is not used
    assert extract_codes([seg("1.", alternatives=[("5E2", 0.7, "seven_segment")])], KB) == []
    # nor one the KB confirms only after a look-alike repair ("EI" -> "E1")
    assert extract_codes([seg("0013", alternatives=[("EI", 0.9, "rapidocr")])], {"appliance": {"E1"}}) == []


def test_canonical_spelling_from_kb():
    canon = {match_key("F.28"): "F.28", match_key("5UD"): "SUd"}
    assert codes(extract_codes([seg("F28")], KB, canonical=canon)) == ["F.28"]
    kb = {"appliance": {match_key("5UD"), match_key("SUd")}}
    assert codes(extract_codes([seg("5Ud")], kb, canonical=canon)) == ["SUd"]


@pytest.mark.parametrize("code,family,expected", [
    ("f.28", "appliance", "F.28"), ("F28", "appliance", "F28"), ("E 21", "appliance", "E21"),
    ("dE", "appliance", "dE"), ("Er 3", "appliance", "Er3"), ("p0420", "obd2", "P0420"),
    ("0x7b", "windows_stop", "0x0000007B"), ("critical process died", "windows_stop", "CRITICAL_PROCESS_DIED"),
    ("49.4c02", "printer", "49.4C02"), ("Error 691", "router", "691"),
    ("dns probe finished no internet", "router", "DNS_PROBE_FINISHED_NO_INTERNET"),
])
def test_normalise(code, family, expected):
    assert normalise(code, family) == expected


def test_normalise_prefers_kb_spelling_and_rejects_empty():
    assert normalise("F28", "appliance", {"F28": "F.28"}) == "F.28"
    with pytest.raises(ValidationError):
        normalise("  ", "appliance")


def test_bad_input_raises_typed_error():
    with pytest.raises(ValidationError):
        extract_from_text(None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        extract_from_text("E21 " * 20000)
    with pytest.raises(ValidationError):
        extract_codes([object()])
    assert extract_codes([]) == [] and extract_from_text("") == []


def test_names_without_underscores_only_when_known():
    c = one(extract_from_text("PAGE FAULT IN NONPAGED AREA"))
    assert c.code == "0x00000050" and c.family == "windows_stop"
    assert extract_from_text("TURN OFF THEN ON NOW") == []
    assert extract_from_text("MY_HOME_WIFI_5G") == []


def test_printer_screen_line_with_kb_code():
    assert codes(extract_from_text("13.20 Paper jam in tray 2\nOpen front door", KB)) == ["13.20"]
    assert extract_from_text("13.20 Paper jam in tray 2") == []  # numeric, no KB, no error word


def test_spanish_customer_text():
    assert codes(extract_from_text("mi lavadora muestra el error E21", KB)) == ["E21"]
    assert codes(extract_from_text("la caldera marca EA", KB)) == ["EA"]


def test_full_width_and_cyrillic_look_alikes():
    assert codes(extract_codes([ocr("Ｅ２１")], KB)) == ["E21"]
    assert codes(extract_codes([ocr("\u0415\u0410")], KB)) == ["EA"]  # Cyrillic E, A


def test_ocr_fragments_and_panel_labels_are_not_codes():
    assert extract_codes([ocr("ita |"), ocr("ESC"), ocr("Read Codes ue")], KB) == []
    # an unknown letters-only code is a candidate, but below letter+digit ones
    letters = one(extract_codes([seg("UC")], KB))
    mixed = one(extract_codes([seg("E22")], KB))
    assert letters.confidence < mixed.confidence


def test_short_words_and_abbreviations_in_screens():
    kb = {**KB, "appliance": KB["appliance"] | {match_key("OF"), match_key("OC")}}
    assert codes(extract_codes([ocr("DTC 1 OF 1 P0300")], kb)) == ["P0300"]
    assert extract_codes([ocr("O.C.")], kb) == []
    assert codes(extract_from_text("the screen says de", {"appliance": {match_key("dE")}})) == ["DE"]
    assert extract_from_text("he said it was broken", {"appliance": {match_key("HE")}}) == []


def test_seven_segment_digit_and_letter_both_known_is_ambiguous():
    kb = {"appliance": {match_key("1E"), match_key("IE")}}
    c = one(extract_codes([seg("1E")], kb))
    assert c.code == "IE"  # the reader prints 1 for the I glyph: the letter is kept ...
    assert any("could also be 1E" in r for r in c.repairs)  # ... and the other reading named
    assert c.confidence < one(extract_codes([seg("1E")], {"appliance": {match_key("IE")}})).confidence
    # OCR of a printed font distinguishes 1 from I: as read wins there
    assert one(extract_codes([ocr("1E")], kb)).code == "1E"
    # spellings of one KB code (canonical map) are not ambiguous
    canon = {"5UD": "SUd", "SUD": "SUd"}
    c = one(extract_codes([seg("5Ud")], {"appliance": {"5UD", "SUD"}}, canonical=canon))
    assert c.code == "SUd" and not any("could also" in r for r in c.repairs)


def test_degree_unit_read_as_letters_is_held_low():
    kb = {"appliance": {match_key("OC")}}
    text = one(extract_codes([ocr("OC", 0.9)], kb))
    assert text.confidence < 0.55 and any("temperature unit" in r for r in text.repairs)
    assert one(extract_codes([seg("0C", 0.9)], kb)).confidence > 0.7  # seven-segment: a code


def test_unknown_letters_that_look_like_digits_are_not_codes():
    # a spin-speed field read as "oo" by a segment reader is a misread number
    reading = DisplayReading("oo", 0.98, ("seven_segment",), (0, 0, 40, 20), "seven_segment")
    assert extract_codes([reading], {"appliance": {"UE"}}) == []


def test_two_character_token_in_a_sentence_needs_context():
    cands = extract_from_text("P0171 System too lean B1", {"obd2": {"P0171"}})
    assert [c.code for c in cands] == ["P0171"]
