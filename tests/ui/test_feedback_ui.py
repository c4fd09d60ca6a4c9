"""AppTest tests of the agent's feedback on the Diagnose page: the diagnosis is recorded
once, each suggestion is marked used / edited / wrong (with the right code or entry),
what the agent typed comes back as plain text, files are kept only on opt-in, and a case
kept in the session is analysed again after the knowledge base changed."""

from __future__ import annotations

from conftest import ACCOUNTS
from streamlit.testing.v1 import AppTest

from diagnostics.knowledge.curation import SearchQuery


def _run_sample(at: AppTest) -> AppTest:
    at.selectbox(key="sample_pick").set_value("washer_e21.png").run()
    at.button(key="run_diagnose").click().run()
    assert not at.exception, at.exception
    return at


def _rows(model):
    from sqlalchemy import select

    from diagnostics import api

    with api.get_knowledge_base().transaction() as s:
        return list(s.scalars(select(model)))


def _prefix(at: AppTest) -> str:
    key = next(c.key for c in at.segmented_control if c.key and c.key.startswith("fb::"))
    return key[: -len("verdict")]


def test_diagnosis_is_recorded_once_and_used_verdict_saved(fake_backend, app_as):
    from diagnostics.knowledge.models import DiagnosisRecord, ShownSuggestion

    at = _run_sample(app_as("agent"))
    p = _prefix(at)
    assert at.segmented_control(key=p + "verdict").label == "Your verdict on suggestion 1"
    at.segmented_control(key=p + "verdict").set_value("used").run()
    at.button(key=p + "save").click().run()
    assert not at.exception, at.exception
    assert "Saved: Used as is (by ag)" in [t.value for t in at.text]
    at.segmented_control(key="reply_lang").set_value("es").run()  # reruns record nothing new
    records, shown = _rows(DiagnosisRecord), _rows(ShownSuggestion)
    assert len(records) == 1 and records[0].agent == ACCOUNTS["agent"]
    assert records[0].findings["codes"] == ["E21"]
    assert [(r.entry_id, r.rank, r.verdict, r.verdict_by) for r in shown] == [(1, 1, "used", "ag")]


def test_wrong_with_the_right_code_and_entry(fake_backend, app_as):
    from diagnostics import api
    from diagnostics.knowledge.models import ShownSuggestion

    at = _run_sample(app_as("agent"))
    p = _prefix(at)
    at.segmented_control(key=p + "verdict").set_value("wrong").run()
    at.text_input(key=p + "right_code").set_value("F.28").run()
    cur = api.get_curation()
    f28 = cur.search(api.get_auth().get_user("km"), SearchQuery(code="F.28", brand="Vaillant")).items[0]
    box = at.selectbox(key=p + "right_entry")
    assert box.options[0] == "— not sure —"
    assert any(o.startswith(f"F.28 — {f28.entry.title} (Vaillant") for o in box.options), box.options
    box.set_value(f28.id).run()
    note = "<script>alert(1)</script> **not bold** [x](http://x.example)"
    at.text_input(key=p + "note").set_value(note)
    at.button(key=p + "save").click().run()
    assert not at.exception, at.exception
    row = _rows(ShownSuggestion)[0]
    assert (row.verdict, row.right_code, row.right_entry_id, row.note) == ("wrong", "F.28", f28.id, note)
    shown = [t.value for t in at.text]
    assert f"Saved: Wrong (by ag); right code: F.28; right entry: {f28.id}" in shown
    assert f"Note: {note}" in shown, "the note comes back as plain text"
    assert not any("<script>" in m.value for m in at.markdown), "never as markdown/HTML"


def test_verdict_needed_before_saving(fake_backend, app_as):
    at = _run_sample(app_as("agent"))
    p = _prefix(at)
    at.button(key=p + "save").click().run()
    assert any("Choose used, edited or wrong first." in e.value.replace("\\", "") for e in at.error)


def test_files_kept_only_on_opt_in(fake_backend, app_as):
    from diagnostics.knowledge.models import KeptMedia

    at = _run_sample(app_as("agent"))
    did_key = next(c.key for c in at.checkbox if c.key and c.key.startswith("fb_keep_ok::"))
    assert not [b for b in at.button if (b.key or "").startswith("fb_keep::")], "no keep button before opt-in"
    assert _rows(KeptMedia) == []
    at.checkbox(key=did_key).check().run()
    at.button(key="fb_keep::" + did_key.split("::", 1)[1]).click().run()
    assert not at.exception, at.exception
    kept = _rows(KeptMedia)
    assert [(k.name, k.kept_by, k.data[:4]) for k in kept] == [("washer_e21.png", "ag", b"\x89PNG")]
    assert any("Kept with this case: washer" in c.value.replace("\\", "") for c in at.caption)


def test_a_kept_case_is_analysed_again_after_a_knowledge_base_change(fake_backend, app_as):
    from diagnostics import api

    at = _run_sample(app_as("agent"))
    at.button(key="run_diagnose").click().run()
    assert len(fake_backend["calls"]) == 1, "same inputs, same knowledge: the kept result"
    cur, auth = api.get_curation(), api.get_auth()
    km = auth.get_user("km")
    rec = cur.search(km, SearchQuery(code="F.28", brand="Vaillant")).items[0]
    cur.update(km, rec.id, {"title": "Changed by a manager"}, expected_version=rec.version)
    at.run()
    assert len(fake_backend["calls"]) == 1, "a rerun never analyses"
    at.button(key="run_diagnose").click().run()
    assert len(fake_backend["calls"]) == 2, "pressing Diagnose after a knowledge change analyses again"


def test_managers_give_feedback_reviewers_have_no_diagnose_page(fake_backend, app_as):
    at = _run_sample(app_as("manager"))
    assert _prefix(at)
