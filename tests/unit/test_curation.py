"""Curation: search and filters, field validation, versions and restore, the concurrent-edit
refusal, duplicate, retire/restore (absent from suggestions through the real pipeline),
roles, and "try it"."""

from __future__ import annotations

import threading

import pytest
from kb_helpers import ckb, new_entry, settings, template_db, users  # noqa: F401  (fixtures)

from diagnostics.errors import EditConflict, FieldErrors, PermissionDenied, ValidationError
from diagnostics.knowledge.curation import Curation, SearchQuery
from diagnostics.pipeline import Pipeline


@pytest.fixture()
def cur(ckb) -> Curation:
    return Curation(ckb)


def _codes(page) -> list[str]:
    return [r.entry.code for r in page.items]


# ---------------------------------------------------------------- search and filters
def test_search_by_code_alias_family_brand_and_text(cur, users):
    rv = users["reviewer"]  # reading is open to reviewers
    assert _codes(cur.search(rv, SearchQuery(code="f 28")))[0] == "F.28"
    stop = cur.search(rv, SearchQuery(code="critical_process_died"))
    assert _codes(stop) == ["0x000000EF"]  # found through its alias
    assert _codes(cur.search(rv, SearchQuery(text="0xef")))[0] == "0x000000EF"
    p04 = cur.search(rv, SearchQuery(code="P04", per_page=200))
    assert p04.total >= 5 and all(c.startswith("P04") for c in _codes(p04))
    vaillant = cur.search(rv, SearchQuery(brand="vaillant", per_page=200))
    assert vaillant.total >= 6 and {r.entry.brand for r in vaillant.items} == {"Vaillant"}
    obd = cur.search(rv, SearchQuery(family="obd2", per_page=200))
    assert obd.total >= 20 and {r.entry.family for r in obd.items} == {"obd2"}
    drain = cur.search(rv, SearchQuery(text="drain", per_page=200))
    assert drain.total >= 5 and all("drain" in (r.entry.title + r.entry.meaning + " ".join(r.entry.aliases)
                                                 + r.entry.code).lower() for r in drain.items)
    ue = cur.search(rv, SearchQuery(text="UE", per_page=200))
    assert {r.entry.brand for r in ue.items[:2]} == {"Samsung", "LG"}  # exact code matches first


def test_filters_severity_unverified_retired_and_pages(cur, users):
    km = users["manager"]
    crit = cur.search(km, SearchQuery(severity="critical", per_page=200))
    assert crit.total >= 1 and {r.entry.severity for r in crit.items} == {"critical"}
    unverified = cur.search(km, SearchQuery(unverified_only=True, per_page=1))
    assert unverified.total == cur.search(km, SearchQuery(per_page=1)).total  # no seed entry is verified
    e = cur.search(km, SearchQuery(code="P0420")).items[0]
    cur.update(km, e.id, {"verified": True, "source": "checked against a workshop manual"}, expected_version=e.version)
    assert cur.search(km, SearchQuery(unverified_only=True, per_page=1)).total == unverified.total - 1
    cur.retire(km, e.id)
    assert cur.search(km, SearchQuery(code="P0420")).total == 0
    assert _codes(cur.search(km, SearchQuery(code="P0420", retired="retired"))) == ["P0420"]
    assert _codes(cur.search(km, SearchQuery(code="P0420", retired="all"))) == ["P0420"]
    page1 = cur.search(km, SearchQuery(family="obd2", page=1, per_page=7))
    page2 = cur.search(km, SearchQuery(family="obd2", page=2, per_page=7))
    assert len(page1.items) == 7 and page1.pages == -(-page1.total // 7)
    assert not {r.id for r in page1.items} & {r.id for r in page2.items}
    for bad in (SearchQuery(family="toaster"), SearchQuery(severity="urgent"), SearchQuery(retired="gone"),
                SearchQuery(page=0)):
        with pytest.raises(ValidationError):
            cur.search(km, bad)


# ---------------------------------------------------------------- validation
def test_validation_reports_every_field_with_its_message(cur, ckb):
    errors = cur.validate({"code": "P04200", "family": "obd2", "title": "", "steps": [], "reply_en": "x"})
    assert "SAE J2012" in errors["code"]
    assert errors["steps"] == "add at least one resolution step"
    assert errors["severity"].startswith("choose one of")
    assert errors["technician"].startswith("say whether a technician is needed")
    assert "mark this language's reply as missing" in errors["reply_es"]
    assert set(errors) >= {"code", "title", "meaning", "steps", "severity", "technician", "reply_es", "source"}
    assert "reply_en" not in errors
    assert cur.validate(new_entry()) == {}
    generic = ckb.lookup("P0420")[0]
    scope = {"brand": generic.brand, "appliance": generic.appliance, "model_scope": generic.model_scope}
    assert "already exists" in cur.validate(new_entry(code="P0420", family="obd2", aliases=[], **scope))["code"]
    assert cur.validate(new_entry(code="p0999", family="obd2", aliases=[], **scope)) == {}  # a valid DTC


def test_replies_present_or_marked_missing(cur):
    assert cur.validate(new_entry(reply_es="", reply_missing=["es"])) == {}
    assert "marked missing" in cur.validate(new_entry(reply_missing=["es"]))["reply_es"]
    assert "reply_missing" in cur.validate(new_entry(reply_missing=["fr"]))


def test_aliases_must_not_collide_in_the_same_brand_scope(cur, users):
    km = users["manager"]
    # 'UB' is already a Samsung washer code or alias; the same alias on another brand is fine
    errors = cur.validate(new_entry(brand="Samsung", aliases=["UB"]))
    assert "already belong" in errors["aliases"] and "Samsung" in errors["aliases"]
    assert cur.validate(new_entry(brand="Acme", aliases=["UB"])) == {}
    first = cur.create(km, new_entry())
    errors = cur.validate(new_entry(code="E78", aliases=["E 77"]))
    assert f"entry {first.id}" in errors["aliases"]
    errors = cur.validate(new_entry(code="E.77", aliases=[]))
    assert "already exists" in errors["code"]
    assert cur.validate(first.form_data(), entry_id=first.id) == {}  # not a collision with itself


def test_create_refuses_invalid_data_and_stores_nothing(cur, users, ckb):
    n = ckb.count()
    with pytest.raises(FieldErrors) as err:
        cur.create(users["manager"], new_entry(steps=[], severity=None))
    assert set(err.value.errors) == {"steps", "severity"}
    assert ckb.count() == n and ckb.lookup("E77") == []


# ---------------------------------------------------------------- versions, history, restore
def test_every_change_is_a_version_with_who_when_and_what(cur, users):
    km, km2 = users["manager"], users["manager2"]
    e = cur.create(km, new_entry(), note="from a customer case")
    assert e.version == 1 and e.updated_by == "km"
    e2 = cur.update(km2, e.id, {"severity": "high", "steps": ["first step", "check the filter"]},
                    expected_version=1)
    assert e2.version == 2 and e2.entry.severity == "high" and e2.updated_by == "km2"
    same = cur.update(km2, e.id, {"severity": "high"}, expected_version=2)
    assert same.version == 2  # nothing changed: no new version
    hist = cur.history(km, e.id)
    assert [(v.version, v.action, v.changed_by) for v in hist] == [(2, "update", "km2"), (1, "create", "km")]
    texts = [c.text for c in hist[0].changes]
    assert texts == ["Steps: added \u201ccheck the filter\u201d; removed \u201csecond step\u201d",
                     "Severity: \u201cmedium\u201d \u2192 \u201chigh\u201d"]
    assert hist[1].note == "from a customer case" and hist[0].changed_at > hist[1].changed_at
    assert "v2 update by km2" in hist[0].summary


def test_any_version_can_be_restored(cur, users, ckb):
    km = users["manager"]
    e = cur.create(km, new_entry())
    cur.update(km, e.id, {"title": "Second title"}, expected_version=1)
    cur.update(km, e.id, {"title": "Third title", "technician": True}, expected_version=2)
    back = cur.restore_version(km, e.id, 1, expected_version=3)
    assert back.version == 4 and back.entry.title == "Test fault" and back.entry.technician is False
    top = cur.history(km, e.id)[0]
    assert top.action == "restore_version" and top.note == "restored version 1"
    assert [c.field for c in top.changes] == ["title", "technician"]
    assert ckb.get(e.id).title == "Test fault"
    with pytest.raises(ValidationError):
        cur.restore_version(km, e.id, 99, expected_version=4)
    with pytest.raises(EditConflict):
        cur.restore_version(km, e.id, 2, expected_version=3)


def test_second_concurrent_save_is_refused_with_the_other_change_shown(cur, users, ckb):
    km, km2 = users["manager"], users["manager2"]
    opened = cur.get(km, ckb.lookup("F.28")[0].id)  # both managers open version 1
    cur.update(km, opened.id, {"title": "Boiler did not light (edited by km)"}, expected_version=opened.version)
    with pytest.raises(EditConflict) as err:
        cur.update(km2, opened.id, {"severity": "low"}, expected_version=opened.version)
    c = err.value
    assert (c.your_version, c.current_version, c.changed_by) == (1, 2, "km")
    assert [ch.field for ch in c.changes] == ["title"] and "edited by km" in c.changes[0].text
    assert "changed by km since you opened it" in c.user_message and c.current["title"].endswith("(edited by km)")
    now = cur.get(km, opened.id)
    assert now.version == 2 and now.entry.severity == opened.entry.severity  # nothing overwritten
    assert len(cur.history(km, opened.id)) == 2


def test_simultaneous_saves_from_threads_only_one_wins(cur, users, ckb):
    e = ckb.lookup("P0128")[0]
    outcomes: list[str] = []

    def edit(i: int) -> None:
        try:
            cur.update(users["manager"], e.id, {"title": f"edit {i}"}, expected_version=e.version)
            outcomes.append("saved")
        except EditConflict:
            outcomes.append("refused")

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["refused", "refused", "refused", "saved"]
    assert [v.version for v in cur.history(users["manager"], e.id)] == [2, 1]


def test_store_save_entry_raises_edit_conflict_too(ckb):
    e = ckb.lookup("P0300")[0]
    ckb.save_entry({"id": e.id, "title": "one"}, author="a", expected_version=e.version)
    with pytest.raises(EditConflict) as err:
        ckb.save_entry({"id": e.id, "title": "two"}, author="b", expected_version=e.version)
    assert isinstance(err.value, ValidationError) and err.value.changed_by == "a"


# ---------------------------------------------------------------- duplicate, retire, restore
def test_duplicate_for_a_sibling_model(cur, users, ckb):
    km = users["manager"]
    src = ckb.lookup("E24")[0]
    draft = cur.duplicate_draft(km, src.id)
    assert draft["code"] == "E24" and draft["model_scope"] == "" and draft["verified"] is False
    errors = cur.validate(draft)  # no model scope = all models: overlaps the original
    assert "already exists" in errors["code"]
    copy = cur.duplicate(km, src.id, {"model_scope": "Neff N30 built-in, 2019 on", "steps": ["Call Neff."]})
    assert copy.id != src.id and copy.entry.steps == ["Call Neff."] and copy.entry.aliases == src.aliases
    assert sorted(e.id for e in ckb.lookup("E24")) == sorted([src.id, copy.id])
    assert "duplicated from entry" in cur.history(km, copy.id)[0].note


def test_retired_entry_leaves_suggestions_keeps_history_and_comes_back(cur, users, ckb, settings):
    km = users["manager"]
    pipe = Pipeline(settings, ckb, engines={})  # the real pipeline and ranking, text input only
    e = ckb.lookup("F.28")[0]
    assert [s.entry.id for s in pipe.diagnose([], text="My Vaillant boiler shows F.28").suggestions] == [e.id]
    retired = cur.retire(km, e.id, expected_version=e.version, note="replaced by a better entry")
    assert retired.retired and retired.version == e.version + 1
    d = pipe.diagnose([], text="My Vaillant boiler shows F.28")
    assert d.suggestions == [] and [c.code for c in d.unmapped] == ["F.28"]
    assert ckb.lookup("F.28") == [] and "F28" not in ckb.known_keys()["appliance"]
    assert [v.action for v in cur.history(km, e.id)] == ["retire", "create"]
    with pytest.raises(ValidationError):
        cur.update(km, e.id, {"title": "x"}, expected_version=retired.version)
    with pytest.raises(ValidationError):
        cur.retire(km, e.id)
    back = cur.restore(km, e.id)
    assert not back.retired and [s.entry.id for s in pipe.diagnose([], text="Vaillant F.28").suggestions] == [e.id]
    assert [v.action for v in cur.history(km, e.id)][:2] == ["restore", "retire"]


def test_restore_refused_when_the_code_was_taken_meanwhile(cur, users):
    km = users["manager"]
    old = cur.create(km, new_entry())
    cur.retire(km, old.id)
    cur.create(km, new_entry(title="Newer E77 entry"))
    with pytest.raises(FieldErrors) as err:
        cur.restore(km, old.id)
    assert "code" in err.value.errors and cur.get(km, old.id).retired


# ---------------------------------------------------------------- roles
@pytest.mark.parametrize("role", ["agent", "reviewer"])
def test_agents_and_reviewers_cannot_change_the_knowledge_base(cur, users, ckb, role):
    who = users[role]
    e = ckb.lookup("F.28")[0]
    n = ckb.count()
    attempts = [
        lambda: cur.create(who, new_entry()),
        lambda: cur.update(who, e.id, {"title": "hacked"}, expected_version=e.version),
        lambda: cur.duplicate(who, e.id, {"brand": "Other"}),
        lambda: cur.duplicate_draft(who, e.id),
        lambda: cur.retire(who, e.id),
        lambda: cur.restore(who, e.id),
        lambda: cur.restore_version(who, e.id, 1, expected_version=e.version),
        lambda: cur.try_entry(who, e.id, [("x.jpg", b"x")], pipeline=None),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert ckb.count() == n and ckb.get(e.id) == e and len(cur.history(who, e.id)) == 1
    assert cur.get(who, e.id).entry == e  # reading is allowed


# ---------------------------------------------------------------- try it
def test_try_it_says_whether_the_product_reaches_the_entry(cur, users, ckb, settings):
    from diagnostics.engines.fakes import ScriptedEngine

    pipe = Pipeline(settings, ckb, engines={"seven_segment": ScriptedEngine("seven_segment", [("F.28", 0.95)])})
    photo = _display_photo()
    f28 = ckb.lookup("F.28")[0]
    hit = cur.try_entry(users["manager"], f28.id, [("boiler.png", photo)], pipe)
    assert hit.reached and hit.rank == 1 and "F.28" in hit.codes_read and hit.explanation.startswith("Reached")
    other = ckb.lookup("P0420")[0]
    miss = cur.try_entry(users["manager"], other.id, [("boiler.png", photo)], pipe)
    assert not miss.reached and miss.rank is None and "not this entry's code" in miss.explanation
    with pytest.raises(ValidationError):
        cur.try_entry(users["manager"], f28.id, [], pipe)


def _display_photo() -> bytes:
    """A 320x200 PNG with a bright display window (regions are proposed there)."""
    import cv2
    import numpy as np

    img = np.full((200, 320, 3), 40, np.uint8)
    cv2.rectangle(img, (60, 60), (260, 140), (20, 200, 60), -1)
    cv2.putText(img, "F.28", (90, 122), cv2.FONT_HERSHEY_SIMPLEX, 1.6, (10, 10, 10), 4)
    ok, buf = cv2.imencode(".png", img)
    return buf.tobytes()
