"""AppTest tests of the knowledge managers' pages (Knowledge base, Unmapped codes, Import
and export, Feedback metrics, Users) on a real seeded database: managers edit every field
and see validation messages under the fields, a concurrent save is refused with the other
person's change shown, entries are created, duplicated, retired, restored and versions
brought back; reviewers and agents see no edit control and cannot change the knowledge
base through the panel."""

from __future__ import annotations

import io

import numpy as np
import pytest
from conftest import ACCOUNTS
from streamlit.testing.v1 import AppTest
from ui_fakes import texts

from diagnostics.knowledge.curation import SearchQuery
from diagnostics.knowledge.validation import SEVERITIES

KB = "diagnostics/ui/pages/kb_entries.py"
UNMAPPED = "diagnostics/ui/pages/kb_unmapped.py"
IMPORT = "diagnostics/ui/pages/kb_import.py"
METRICS = "diagnostics/ui/pages/kb_feedback.py"
USERS = "diagnostics/ui/pages/users.py"


def _plain(s: str) -> str:
    return s.replace("\\", "")


def _services():
    from diagnostics import api

    return api.get_curation(), api.get_auth()


def _user(role: str):
    return _services()[1].get_user(ACCOUNTS[role])


def _entry(code: str, **filters):
    cur, _ = _services()
    return cur.search(_user("manager"), SearchQuery(code=code, **filters)).items[0]


def _kb_page(at: AppTest) -> AppTest:
    at.switch_page(KB).run()
    assert not at.exception, at.exception
    return at


def _open(at: AppTest, code: str, **filters) -> tuple[AppTest, object]:
    rec = _entry(code, **filters)
    at.text_input(key="kb_query").set_value(code).run()
    at.button(key=f"kb_open_{rec.id}").click().run()
    assert not at.exception, at.exception
    return at, rec


def _k(rec, field: str, version: int | None = None) -> str:
    return f"kbf::e{rec.id}v{rec.version if version is None else version}::{field}"


def _submit(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def _flat(at: AppTest) -> list:
    return list(at.main)


def _message_after(at: AppTest, key: str) -> str | None:
    """The error shown right after the widget with ``key`` (None when the next element is not an error)."""
    nodes = _flat(at)
    i = next(i for i, n in enumerate(nodes) if getattr(n, "key", None) == key)
    for n in nodes[i + 1:]:
        if getattr(n, "type", "") in ("flex_container", "vertical", "column", "horizontal", "container"):
            continue
        return _plain(n.value) if getattr(n, "type", "") == "alert" or type(n).__name__ == "Error" else None
    return None


# ---------------------------------------------------------------- browse, search, filter


def test_search_and_filters(app_as):
    at = _kb_page(app_as("manager"))
    at.text_input(key="kb_query").set_value("f28").run()
    first = next(b for b in at.button if b.key and b.key.startswith("kb_open_"))
    assert _plain(first.label) == "F.28"
    at.text_input(key="kb_query").set_value("").run()
    at.selectbox(key="kb_family").set_value("obd2").run()
    at.selectbox(key="kb_severity").set_value("critical").run()
    rows = [_plain(b.label) for b in at.button if b.key and b.key.startswith("kb_open_")]
    assert rows and all(r.startswith(("P", "B", "C", "U")) for r in rows)
    severities = [t.value.split(" · ")[0] for t in at.text if t.value.split(" · ")[0] in SEVERITIES]
    assert len(severities) == len(rows) and set(severities) == {"critical"}
    at.selectbox(key="kb_family").set_value("").run()
    at.selectbox(key="kb_severity").set_value("").run()
    at.selectbox(key="kb_brand").set_value("Vaillant").run()
    scopes = [t.value for t in at.text if "Vaillant" in t.value]
    assert scopes and all(s.startswith("Vaillant") for s in scopes)


# ---------------------------------------------------------------- edit, validation, conflict


def test_manager_edits_a_field_and_history_shows_who_and_what(app_as):
    at, rec = _open(_kb_page(app_as("manager")), "F.28", brand="Vaillant")
    old = rec.entry.title
    at.text_input(key=_k(rec, "title")).set_value("Boiler did not light (checked)")
    at.text_area(key=_k(rec, "steps")).set_value("Reset the boiler once.\nCall a Gas Safe engineer.")
    at.text_input(key=_k(rec, "note")).set_value("clearer title")
    at = _submit(at, "Save")
    saved = _services()[0].get(_user("manager"), rec.id)
    assert saved.version == rec.version + 1
    assert saved.entry.title == "Boiler did not light (checked)"
    assert saved.entry.steps == ["Reset the boiler once.", "Call a Gas Safe engineer."]
    assert f"Saved version {saved.version} of F.28." in [_plain(s.value) for s in at.success]
    history = [_plain(e.label) for e in at.expander]
    assert history[0].startswith(f"Version {saved.version} · edited by km · ")
    shown = texts(at)
    assert f"Title: “{old}” → “Boiler did not light (checked)”" in shown
    assert "Steps: added “Reset the boiler once.”" in shown
    assert "Note: clearer title" in shown


def test_validation_messages_sit_next_to_their_fields_and_nothing_is_saved(app_as):
    at, rec = _open(_kb_page(app_as("manager")), "P0420")
    at.text_input(key=_k(rec, "code")).set_value("P04200")
    at.text_area(key=_k(rec, "steps")).set_value("   \n")
    at.text_input(key=_k(rec, "title")).set_value("")
    at = _submit(at, "Save")
    assert "Not saved: 3 fields need attention" in _plain(at.error[0].value)
    assert "is not an SAE J2012 DTC" in _message_after(at, _k(rec, "code"))
    assert _message_after(at, _k(rec, "steps")) == "add at least one resolution step"
    assert _message_after(at, _k(rec, "title")) == "is required"
    assert _message_after(at, _k(rec, "meaning")) is None
    assert at.text_input(key=_k(rec, "code")).value == "P04200", "the manager's typing is kept"
    assert _services()[0].get(_user("manager"), rec.id).version == rec.version, "nothing saved"
    # fixing the fields saves
    at.text_input(key=_k(rec, "code")).set_value("P0420")
    at.text_area(key=_k(rec, "steps")).set_value("Check the exhaust for leaks.")
    at.text_input(key=_k(rec, "title")).set_value("Catalyst efficiency below threshold")
    at = _submit(at, "Save")
    assert _services()[0].get(_user("manager"), rec.id).version == rec.version + 1


def test_second_save_is_refused_and_shows_the_other_change(app_as):
    at, rec = _open(_kb_page(app_as("manager")), "E21", brand="Samsung")
    cur, _ = _services()
    cur.update(_user("manager2"), rec.id, {"severity": "high", "title": "Drain blocked (km2)"},
               expected_version=rec.version)
    at.text_input(key=_k(rec, "title")).set_value("Drain blocked (km)")
    at = _submit(at, "Save")
    errors = [_plain(e.value) for e in at.error]
    assert any(e.startswith(f"**Not saved.** km2 saved version {rec.version + 1} at ") and
               f"after you opened version {rec.version}. Nothing was overwritten." in e for e in errors), errors
    shown = texts(at)
    assert "Title: “" in shown and "→ “Drain blocked (km2)”" in shown and "Severity: “" in shown
    now = cur.get(_user("manager"), rec.id)
    assert (now.entry.title, now.version) == ("Drain blocked (km2)", rec.version + 1)
    assert at.text_input(key=_k(rec, "title")).value == "Drain blocked (km)", "the typing stays in the form"
    # load their version: the form now holds km2's values, and saving works again
    at.button(key=f"kb_conflict_reload_{rec.id}").click().run()
    assert at.text_input(key=_k(rec, "title", rec.version + 1)).value == "Drain blocked (km2)"
    at.text_input(key=_k(rec, "title", rec.version + 1)).set_value("Drain blocked (km, after km2)")
    at = _submit(at, "Save")
    after = cur.get(_user("manager"), rec.id)
    assert (after.entry.title, after.entry.severity, after.version) == ("Drain blocked (km, after km2)", "high",
                                                                         rec.version + 2)


def test_change_by_someone_else_before_typing_is_announced(app_as):
    at, rec = _open(_kb_page(app_as("manager")), "F.28", brand="Vaillant")
    at.text_area(key=_k(rec, "meaning")).set_value("typing in progress").run()
    cur, _ = _services()
    cur.update(_user("manager2"), rec.id, {"severity": "critical"}, expected_version=rec.version)
    at.run()
    assert any("km2 changed this entry after you opened it" in _plain(w.value) for w in at.warning)


# ---------------------------------------------------------------- create, duplicate, retire, restore


def _fill_new(at: AppTest, token: str, **values) -> AppTest:
    for name, v in values.items():
        key = f"kbf::{token}::{name}"
        widget = at.get_by_key(key) if hasattr(at, "get_by_key") else None
        if widget is None:
            widget = next(w for w in list(at.main) if getattr(w, "key", None) == key)
        widget.set_value(v)
    return at


def test_create_entry_with_validation_then_success(app_as):
    at = _kb_page(app_as("manager"))
    at.button(key="kb_new").click().run()
    assert at.subheader[0].value == "New entry"
    token = at.session_state["kb_draft"]["token"]
    at = _submit(at, "Create entry")
    for field, message in (("family", "is required"), ("severity", "choose one of low, medium, high, critical"),
                           ("technician", "say whether a technician is needed (yes or no)"),
                           ("steps", "add at least one resolution step")):
        assert _message_after(at, f"kbf::{token}::{field}") == message, field
    _fill_new(at, token, code="E88", family="appliance", severity="low", technician="no", brand="Acme",
              appliance="washer", title="Test drain fault", meaning="Our own wording for a test.",
              steps="Clean the filter.\nRun a rinse.", reply_en="Please clean the filter.",
              missing_es=True, source="panel test", aliases="E-88")
    at = _submit(at, "Create entry")
    rec = _entry("E88")
    assert rec.version == 1 and rec.entry.aliases == ["E-88"] and rec.reply_missing == ["es"]
    assert "Created entry E88 (version 1)." in [_plain(s.value) for s in at.success]
    assert _plain(at.expander[0].label).startswith("Version 1 · created by km")


def test_duplicate_for_a_sibling_model(app_as):
    at, rec = _open(_kb_page(app_as("manager")), "E21", brand="Samsung")
    at.button(key="kb_duplicate").click().run()
    token = at.session_state["kb_draft"]["token"]
    assert at.text_input(key=f"kbf::{token}::code").value == "E21"
    assert at.text_input(key=f"kbf::{token}::model_scope").value == ""
    at.text_input(key=f"kbf::{token}::model_scope").set_value("WW90T sibling")
    at = _submit(at, "Create entry")
    cur, _ = _services()
    page = cur.search(_user("manager"), SearchQuery(code="E21", brand="Samsung", per_page=50))
    copy = next(r for r in page.items if r.entry.model_scope == "WW90T sibling")
    assert copy.id != rec.id and copy.entry.steps == rec.entry.steps and not copy.entry.verified
    assert "duplicated from entry" in cur.history(_user("manager"), copy.id)[0].note


def test_retire_hides_and_restore_brings_back(app_as):
    at, rec = _open(_kb_page(app_as("manager")), "F.28", brand="Vaillant")
    at.button(key="kb_retire").click().run()
    cur, _ = _services()
    assert cur.get(_user("manager"), rec.id).retired
    assert any("Retired F.28" in _plain(s.value) for s in at.success)
    assert "Restore it to edit it." in texts(at)
    assert not at.get("form"), "a retired entry is not edited"
    live = cur.search(_user("manager"), SearchQuery(code="F.28", brand="Vaillant"))
    assert rec.id not in [r.id for r in live.items]
    at.button(key="kb_restore").click().run()
    assert not cur.get(_user("manager"), rec.id).retired
    labels = [_plain(e.label) for e in at.expander]
    assert labels[0].startswith(f"Version {rec.version + 2} · restored by km")
    assert labels[1].startswith(f"Version {rec.version + 1} · retired by km")


def test_restore_an_earlier_version(app_as):
    at, rec = _open(_kb_page(app_as("manager")), "F.28", brand="Vaillant")
    old_title = rec.entry.title
    at.text_input(key=_k(rec, "title")).set_value("A worse title")
    at = _submit(at, "Save")
    at.button(key=f"kb_restore_version_{rec.version}").click().run()
    now = _services()[0].get(_user("manager"), rec.id)
    assert (now.entry.title, now.version) == (old_title, rec.version + 2)
    assert any(f"Version {rec.version} restored as version {rec.version + 2}." == _plain(s.value) for s in at.success)
    assert f"Note: restored version {rec.version}" in texts(at)


def test_try_it_says_whether_the_product_reaches_the_entry(app_as, monkeypatch):
    import ui_fakes

    from diagnostics import api

    rec = _entry("E21", brand="Samsung")

    class FakePipeline:
        def diagnose(self, files, text=""):
            d = ui_fakes.fake_diagnosis(files[0][0])
            d.suggestions[0].entry = rec.entry
            return d

    monkeypatch.setattr(api, "get_pipeline", lambda settings=None: FakePipeline())
    at, _ = _open(_kb_page(app_as("manager")), "E21", brand="Samsung")
    photo = io.BytesIO()
    from PIL import Image

    Image.fromarray(np.full((40, 60, 3), 128, np.uint8)).save(photo, "PNG")
    at.file_uploader(key=f"kb_try_upload_{rec.id}").set_value(("customer.png", photo.getvalue(), "image/png")).run()
    at.button(key=f"kb_try_run_{rec.id}").click().run()
    assert not at.exception, at.exception
    assert _plain(at.success[-1].value) == "Reached: suggestion 1 of 1, from E21 read at 0.94."
    assert "Codes read: E21" in texts(at)


# ---------------------------------------------------------------- unmapped codes


def test_unmapped_queue_to_new_entry(app_as):
    from diagnostics import api

    kb = api.get_knowledge_base()
    from diagnostics.knowledge.unmapped import make_thumbnail

    thumb = make_thumbnail(np.full((80, 120, 3), 200, np.uint8), (20, 20, 60, 30))
    for _ in range(3):
        kb.record_unmapped("E97", "appliance", "E97", "IMG-0001.jpg", thumbnail=thumb)
    at = app_as("manager")
    at.switch_page(UNMAPPED).run()
    assert not at.exception, at.exception
    assert _plain(at.markdown[0].value) == "### E97"
    assert [m.value for m in at.metric] == ["3"]
    shown = texts(at)
    assert "Family guess: Appliance" in shown and "Last file:  IMG-0001.jpg" in shown and "First seen: " in shown
    images = [n for n in at.main if getattr(n, "type", "") == "image"]
    assert len(images) == 3 and all(i.value[0] for i in images), "one example crop per sighting"
    key = next(b.key for b in at.button if b.key and b.key.startswith("unmapped_create_"))
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Knowledge base" and at.subheader[0].value == "New entry"
    token = at.session_state["kb_draft"]["token"]
    assert at.text_input(key=f"kbf::{token}::code").value == "E97"
    assert at.selectbox(key=f"kbf::{token}::family").value == "appliance"
    assert "unmapped queue: read 3 times" in at.text_area(key=f"kbf::{token}::source").value
    # severity and the technician flag start unchosen: saving without them is refused
    assert at.selectbox(key=f"kbf::{token}::severity").value == ""
    _fill_new(at, token, title="Door lock fault", meaning="The door did not lock.", steps="Close the door firmly.",
              reply_en="Please close the door firmly.", reply_es="Cierre bien la puerta.")
    at = _submit(at, "Create entry")
    assert _services()[0].search(_user("manager"), SearchQuery(code="E97")).items == []
    at = _kb_page(at)  # AppTest re-runs the page it was switched to; the draft and its errors are kept
    assert "choose one of" in texts(at)
    _fill_new(at, token, title="Door lock fault", meaning="The door did not lock.", steps="Close the door firmly.",
              reply_en="Please close the door firmly.", reply_es="Cierre bien la puerta.", severity="medium",
              technician="no")
    at = _submit(at, "Create entry")
    rec = _entry("E97")
    assert rec.version == 1 and rec.updated_by == "km"
    assert "from the unmapped-codes queue" in _services()[0].history(_user("manager"), rec.id)[0].note
    at.switch_page(UNMAPPED).run()
    assert "No unmapped code waiting" in texts(at)


# ---------------------------------------------------------------- import and export


def test_import_dry_run_then_apply_and_export(app_as):
    from diagnostics import api
    from diagnostics.knowledge.transfer import export_entries

    at = app_as("manager")
    at.switch_page(IMPORT).run()
    assert not at.exception, at.exception
    assert at.get("download_button"), "export download offered"
    csv_text = export_entries(api.get_knowledge_base(), "csv")
    header, *rows = csv_text.splitlines(keepends=False)
    import csv

    parsed = list(csv.reader(io.StringIO(csv_text)))
    cols = parsed[0]
    f28 = next(r for r in parsed[1:] if r[cols.index("code")] == "F.28" and r[cols.index("brand")] == "Vaillant")
    f28[cols.index("title")] = "Imported title"
    new = ["" for _ in cols]
    for c, v in {"code": "E66", "family": "appliance", "brand": "Acme", "title": "Imported new", "meaning": "m",
                 "steps": "one step", "severity": "low", "technician": "false", "reply_en": "r", "reply_es": "r",
                 "source": "import test", "verified": "false", "retired": "false"}.items():
        new[cols.index(c)] = v
    bad = list(new)
    bad[cols.index("code")], bad[cols.index("family")] = "P99999", "obd2"
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerows([cols, f28, new, bad])
    at.file_uploader(key="kb_import_file").set_value(("kb.csv", buf.getvalue().encode(), "text/csv")).run()
    at.button(key="kb_import_dry").click().run()
    assert not at.exception, at.exception
    assert [m.value for m in at.metric] == ["1", "1", "0", "1"]
    table = at.dataframe[0].value
    assert list(table["Status"]) == ["changed", "added", "invalid"]
    assert "Title: “" in table["Reasons / changes"].iloc[0] and "SAE J2012" in table["Reasons / changes"].iloc[2]
    assert any("Nothing was imported" in _plain(e.value) for e in at.error)
    assert not [b for b in at.button if b.key == "kb_import_apply"], "no apply while a row is invalid"
    # fix the file: only the good rows
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([cols, f28, new])
    at.file_uploader(key="kb_import_file").set_value(("kb.csv", buf.getvalue().encode(), "text/csv")).run()
    assert not at.metric, "a new file needs a new dry run"
    at.button(key="kb_import_dry").click().run()
    assert [m.value for m in at.metric] == ["1", "1", "0", "0"]
    assert _entry("F.28", brand="Vaillant").entry.title != "Imported title", "the dry run wrote nothing"
    at.button(key="kb_import_apply").click().run()
    assert not at.exception, at.exception
    assert _plain(at.success[0].value).startswith("Imported by km: 1 added, 1 changed, 0 unchanged")
    assert _entry("F.28", brand="Vaillant").entry.title == "Imported title"
    assert _entry("E66").entry.title == "Imported new"


# ---------------------------------------------------------------- metrics


def _feedback_rows():
    import ui_fakes

    from diagnostics import api

    fb = api.get_feedback()
    agent = _user("agent")
    e21 = _entry("E21", brand="Samsung")
    for verdict in ("used", "edited", "wrong", "wrong"):
        d = ui_fakes.fake_diagnosis()
        d.suggestions[0].entry = e21.entry
        did = fb.record_diagnosis(agent, d)
        fb.record_verdict(agent, did, e21.id, verdict, **({"right_code": "E22"} if verdict == "wrong" else {}))
    return e21


@pytest.mark.parametrize("role", ["manager", "reviewer"])
def test_feedback_metrics_page(app_as, role):
    e21 = _feedback_rows()
    at = app_as(role)
    at.switch_page(METRICS).run()
    assert not at.exception, at.exception
    assert [m.value for m in at.metric] == ["4", "1", "50%", "2"]
    rejected, per_entry = at.dataframe[0].value, at.dataframe[1].value
    assert list(rejected["Code"]) == ["E21"] and list(rejected["Wrong"]) == [2]
    row = per_entry.iloc[0]
    assert (row["Code"], row["Suggested"], row["Used"], row["Edited"], row["Wrong"]) == ("E21", 4, 1, 1, 2)
    assert row["Acceptance rate"] == pytest.approx(0.5) and row["Edit rate"] == pytest.approx(0.5)
    assert row["Title"] == e21.entry.title
    # a period before any feedback shows nothing
    import datetime as dt

    old = dt.date(2020, 1, 1)
    at.date_input(key="fb_period").set_value((old, old + dt.timedelta(days=3))).run()
    assert [m.value for m in at.metric][:2] == ["0", "0"]


# ---------------------------------------------------------------- users


def test_manager_creates_an_account(app_as):
    at = app_as("manager")
    at.switch_page(USERS).run()
    assert not at.exception, at.exception
    at.text_input(key="users_new_name").set_value("agent7")
    at.selectbox(key="users_new_role").set_value("agent")
    at.text_input(key="users_new_pw").set_value("long-enough-pw")
    at.text_input(key="users_new_pw2").set_value("long-enough-pw")
    _submit(at, "Create account")
    assert "Created agent 'agent7'." in [_plain(s.value) for s in at.success]
    assert _services()[1].authenticate("agent7", "long-enough-pw").role == "agent"
    assert "agent7" in list(at.dataframe[0].value["User name"])


# ---------------------------------------------------------------- reviewers and agents


def _kb_revision():
    from diagnostics import api

    return api.kb_revision()


@pytest.mark.parametrize("role", ["reviewer", "agent"])
def test_read_only_roles_see_no_edit_controls_and_change_nothing(app_as, role, monkeypatch):
    before = _kb_revision()
    at, rec = _open(_kb_page(app_as(role)), "F.28", brand="Vaillant")
    assert _plain(at.subheader[0].value).startswith("F.28 — ")
    assert not at.get("form") and not at.text_area, "no edit form"
    assert [t.label for t in at.tabs] == ["Details", "History"], "no Try it"
    assert not [b for b in at.button if b.key in ("kb_new", "kb_retire", "kb_restore", "kb_duplicate")
                or (b.key or "").startswith("kb_restore_version_")]
    assert "Meaning:" in texts(at)
    # crafted session state (a draft, a form) does not give an agent or reviewer the form either
    at.session_state["kb_draft"] = {"data": {"code": "X1"}, "origin": ("new", None, ""), "token": "new9"}
    at.run()
    assert not at.get("form")
    # press every button the page offers: the knowledge base stays the same
    for _ in range(3):
        for b in [b for b in at.button if b.key]:
            b.click().run()
            assert not at.exception, at.exception
    assert _kb_revision() == before


def test_save_callback_with_a_reviewer_is_refused_by_the_backend():
    """The third fence: even if a page ran the form's save callback for a reviewer or an
    agent, the backend refuses (PermissionDenied) and the page shows the refusal; nothing
    changes."""
    import streamlit as st

    from diagnostics.ui import kb_forms as kf

    cur, _ = _services()
    rec = _entry("F.28", brand="Vaillant")
    before = _kb_revision()
    token = kf.form_token(rec.id, rec.version)
    for name, value in kf.to_widgets(rec.form_data()).items():
        st.session_state[kf.widget_key(token, name)] = value
    st.session_state[kf.widget_key(token, "title")] = "changed by a reviewer"
    for role in ("reviewer", "agent"):
        kf.save_entry(cur, _user(role), token, entry_id=rec.id, version=rec.version)
        kind, message = st.session_state.pop(kf.FLASH_KEY)
        assert kind == "error" and message == f"A{'n' if role == 'agent' else ''} {role} cannot change the " \
            "knowledge base. Ask a knowledge manager."
        kf.run_action(lambda u=_user(role): cur.retire(u, rec.id), "retired")
        assert st.session_state.pop(kf.FLASH_KEY)[0] == "error"
    assert _kb_revision() == before


def test_typed_text_is_shown_as_text(app_as):
    cur, _ = _services()
    rec = _entry("F.28", brand="Vaillant")
    evil = "<img src=x onerror=alert(1)> [click](http://evil.example) **bold**"
    cur.update(_user("manager"), rec.id, {"title": evil, "meaning": evil}, expected_version=rec.version)
    at = _kb_page(app_as("reviewer"))
    at.text_input(key="kb_query").set_value("F.28").run()
    assert evil in [t.value for t in at.text], "list rows are plain text"
    at.button(key=f"kb_open_{rec.id}").click().run()
    raw = [m.value for m in at.markdown if "onerror" in m.value]
    assert raw and all("\\<img" in m and "\\[click\\]\\(http\\:" in m and "\\*\\*bold\\*\\*" in m for m in raw)
    assert all("\\<img" in s.value for s in at.subheader if "onerror" in s.value)


@pytest.mark.parametrize("page", [KB, UNMAPPED, IMPORT, METRICS, USERS])
def test_manager_pages_launch_without_stray_text(app_as, page):
    at = app_as("manager")
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert at.title, "every page has a title"
    assert not [m.value for m in at.markdown if "``" in m.value or "Session key" in m.value], "no docstring shown"
