"""Ranking and reply over the real seeded knowledge base (no OCR involved)."""

import pytest

from diagnostics.ranking import rank
from diagnostics.reply import compose_reply
from diagnostics.schema import CodeCandidate, DisplayReading, MediaResult


def media_with(code, family="appliance", conf=0.9, readings=()):
    c = CodeCandidate(code, code, family, ("seven_segment",), conf, (10, 10, 50, 20), source="photo.jpg")
    return MediaResult(name="photo.jpg", candidates=[c], readings=[DisplayReading(t, 0.9, ("rapidocr",), (0, 0, 5, 5)) for t in readings])


def test_known_code_gives_suggestion_with_reasons(kb):
    d = rank([media_with("F.28")], kb)
    assert d.suggestions, "F.28 should be in the knowledge base"
    top = d.suggestions[0]
    assert top.entry.brand.lower().startswith("vaillant")
    assert any("seven_segment" in r and "0.90" in r for r in top.reasons)
    assert top.entry.steps and top.entry.reply_en and top.entry.reply_es
    assert not d.unmapped and not d.ask_customer


def test_code_shared_by_brands_lists_each_scope_and_the_deciding_detail(kb):
    d = rank([media_with("UE")], kb)
    brands = {s.entry.brand for s in d.suggestions}
    assert {"Samsung", "LG"} <= brands
    assert all("model label" in s.deciding_detail for s in d.suggestions)
    assert "model label" in compose_reply(d)


def test_brand_named_by_customer_ranks_that_scope_first(kb):
    d = rank([media_with("UE")], kb, customer_text="my LG washer stopped")
    assert d.suggestions[0].entry.brand == "LG"
    assert any("mentioned" in r for r in d.suggestions[0].reasons)
    d2 = rank([media_with("UE", readings=("SAMSUNG",))], kb)
    assert d2.suggestions[0].entry.brand == "Samsung"


def test_unknown_code_is_reported_not_invented_and_queued(kb):
    d = rank([media_with("E97", conf=0.8)], kb)
    assert not d.suggestions
    assert [c.code for c in d.unmapped] == ["E97"]
    queued = {u["code"]: u for u in kb.list_unmapped()}
    assert "E97" in queued and queued["E97"]["count"] >= 1
    reply = compose_reply(d)
    assert "E97" in reply and "model label" in reply


def test_nothing_found_asks_customer_and_sets_async_expectation(kb):
    m = MediaResult(name="blurry.jpg")
    m.quality.retake_hint = "Please send another photo: hold the phone steady."
    d = rank([m], kb)
    assert not d.suggestions and not d.unmapped
    assert "hold the phone steady" in d.ask_customer
    reply = compose_reply(d)
    assert "few hours" in reply
    assert "horas" in compose_reply(d, "es")


def test_spanish_reply_uses_entry_spanish_text(kb):
    d = rank([media_with("P0420", family="obd2")], kb)
    assert d.suggestions
    es = compose_reply(d, "es")
    assert d.suggestions[0].entry.reply_es.split(".")[0] in es


@pytest.mark.parametrize("code,alias", [("0x000000EF", "CRITICAL_PROCESS_DIED"), ("F.28", "F28")])
def test_alias_and_code_reach_same_entry(kb, code, alias):
    a = rank([media_with(code, family="windows_stop" if code.startswith("0x") else "appliance")], kb)
    b = rank([media_with(alias, family="windows_stop" if code.startswith("0x") else "appliance")], kb)
    assert a.suggestions[0].entry.id == b.suggestions[0].entry.id


def test_symptom_matches_suggest_entries_but_reply_claims_no_code(kb):
    from diagnostics.knowledge.symptoms import SymptomMatch

    entry = kb.lookup("OE")[0]
    search = lambda text: [SymptomMatch(entry=entry, score=0.8, reason="drain words", similarity=0.7,
                                        matched_text="drain", query_part=text)]
    m = MediaResult(name="note.opus", kind="audio", events=[{"kind": "symptoms", "text": "it won't drain"}])
    d = rank([m], kb, symptom_search=search)
    assert [s.entry.code for s in d.suggestions] == ["OE"]
    assert d.suggestions[0].confidence <= 0.6
    assert any("no code was found" in r for r in d.suggestions[0].reasons)
    reply = compose_reply(d)
    assert "We can see the code" not in reply and "photo of the display" in reply


def test_symptom_search_not_used_when_a_code_was_read(kb):
    called = []
    d = rank([media_with("F.28")], kb, customer_text="no heating", symptom_search=lambda t: called.append(t) or [])
    assert d.suggestions and not called


def test_display_value_without_code_is_named_and_not_a_retake(kb):
    m = MediaResult(name="clock.jpg", readings=[DisplayReading("12:45", 0.95, ("seven_segment", "rapidocr"), (0, 0, 50, 20),
                                                               "seven_segment")])
    d = rank([m], kb)
    assert "'12:45'" in d.ask_customer and "not an error code" in d.ask_customer
    reply = compose_reply(d)
    assert "the customer" not in reply.lower()  # customer-facing words only


def test_agent_hints_are_rephrased_for_the_customer(kb):
    m = MediaResult(name="x.bin", error="format not supported", hint="Please ask the customer to send a photo of the display.")
    reply = compose_reply(rank([m], kb))
    assert "Could you please send a photo of the display." in reply and "ask the customer" not in reply.lower()
