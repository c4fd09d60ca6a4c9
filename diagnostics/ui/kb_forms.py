"""The knowledge-base entry form and views of the panel's Knowledge base page.

Form values <-> entry data (:func:`to_widgets`, :func:`from_widgets`) are plain functions
(testable without a running app).  The form itself (:func:`render_form`) shows each
validation message right under its field; saving runs in the submit button's callback, so
the messages, a refused concurrent edit (with the other person's change) or the success
note are in ``st.session_state`` before the page draws again.

Everything typed by people (entry texts, notes, user names) is drawn through
:func:`~diagnostics.ui.components.md_escape` or as plain text; ``unsafe_allow_html`` is
never used.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

import streamlit as st

from ..errors import DiagnosticsError, EditConflict, FieldErrors
from ..knowledge.curation import EDITABLE_FIELDS, FIELD_LABELS, EntryRecord, VersionInfo
from ..knowledge.validation import SEVERITIES
from ..schema import FAMILIES
from . import components as ui

log = logging.getLogger(__name__)

OPEN_KEY = "kb_open_id"
"""Session key: id of the entry on show (absent: the list)."""
DRAFT_KEY = "kb_draft"
"""Session key: a new entry being written: ``{"data": {...}, "origin": (kind, ref, label), "token": str}``."""
ERRORS_KEY = "kb_form_errors"
"""Session key: ``{form token: {field: message}}`` from the last refused save."""
CONFLICT_KEY = "kb_form_conflict"
"""Session key: ``{form token: EditConflict}`` from the last refused concurrent save."""
FLASH_KEY = "kb_flash"
"""Session key: ``(kind, message)`` shown once at the top of the page (kind: success, error, info)."""
TRY_KEY = "kb_try_results"
"""Session key: ``{entry id: TryResult}``."""
DRAFT_SEQ_KEY = "kb_draft_seq"
OPENED_KEY = "kb_opened_version"
"""Session key: ``{entry id: version}`` the editor opened (what a save passes as ``expected_version``)."""

LIST_FIELDS = ("aliases", "causes", "steps", "safety")
TECHNICIAN_CHOICES = ("yes", "no")
ACTION_LABELS = {"create": "created", "update": "edited", "retire": "retired", "restore": "restored",
                 "restore_version": "earlier version restored", "import": "imported", "delete": "retired",
                 "seed": "shipped"}
HELP = {
    "code": "As the product shows it. OBD-II: SAE J2012 (P0420); Windows: 0x plus 8 hex digits; "
            "tell-tales: TELLTALE:<CLASS>[:<COLOUR>].",
    "aliases": "Other spellings or names of the same code, one per line (F28 for F.28, CRITICAL_PROCESS_DIED).",
    "model_scope": "Which models this applies to; a sibling model with other steps gets its own entry.",
    "causes": "One per line.",
    "steps": "What the customer does, in order, one step per line.",
    "safety": "One per line. Tell-tales need one line 'Safe to drive: yes | with care | no ...'.",
    "source": "Where the facts come from (our notes, a public page, a manual).",
    "verified": "Tick only when checked against the manufacturer's manual.",
}


# --------------------------------------------------------------------------- values


def blank_entry() -> dict[str, Any]:
    """Form data of a new, empty entry (family, severity and technician not chosen yet)."""
    return {"code": "", "family": "", "brand": "", "appliance": "", "model_scope": "", "aliases": [], "title": "",
            "meaning": "", "causes": [], "steps": [], "safety": [], "severity": "", "technician": None,
            "reply_en": "", "reply_es": "", "reply_missing": [], "source": "", "verified": False}


def to_widgets(data: dict[str, Any]) -> dict[str, Any]:
    """Entry data -> widget values: lists as one item per line, ``technician`` as
    ``"yes"``/``"no"``/``None``, ``reply_missing`` as two booleans ``missing_en``/``missing_es``."""
    out: dict[str, Any] = {}
    for f in EDITABLE_FIELDS:
        v = data.get(f)
        if f in LIST_FIELDS:
            out[f] = "\n".join(str(x) for x in (v or []))
        elif f == "technician":
            out[f] = None if v is None else ("yes" if v else "no")
        elif f == "verified":
            out[f] = bool(v)
        elif f == "reply_missing":
            missing = list(v or [])
            out["missing_en"], out["missing_es"] = "en" in missing, "es" in missing
        else:
            out[f] = "" if v is None else str(v)
    return out


def _lines(text: Any) -> list[str]:
    return [ln.strip() for ln in str(text or "").splitlines() if ln.strip()]


def from_widgets(values: dict[str, Any]) -> dict[str, Any]:
    """Widget values (as :func:`to_widgets` makes them) -> entry data for
    :meth:`~diagnostics.knowledge.curation.Curation.create` / ``update``.  Empty lines of
    list fields are dropped; an unanswered technician question stays ``None`` (the
    validation then asks for it)."""
    data: dict[str, Any] = {}
    for f in EDITABLE_FIELDS:
        if f in LIST_FIELDS:
            data[f] = _lines(values.get(f))
        elif f == "technician":
            t = values.get(f)
            data[f] = None if t not in TECHNICIAN_CHOICES else t == "yes"
        elif f == "verified":
            data[f] = bool(values.get(f))
        elif f == "reply_missing":
            data[f] = [lang for lang in ("en", "es") if values.get(f"missing_{lang}")]
        else:
            v = values.get(f)
            data[f] = "" if v is None else str(v)
    return data


def widget_key(token: str, name: str) -> str:
    """Session key of one form widget (``token`` names the form: entry and version, or a draft)."""
    return f"kbf::{token}::{name}"


def form_token(entry_id: int, version: int) -> str:
    """Form name of an entry at the version the editor opened: a saved new version gives a fresh form."""
    return f"e{entry_id}v{version}"


def opened_version(session: MutableMapping, record: EntryRecord) -> int:
    """The version of ``record`` this editor is working on: the one first seen, kept while
    the form holds typing so that a save after someone else's change is refused, not
    applied over it.  A form with nothing in it yet simply follows the current version."""
    opened = session.setdefault(OPENED_KEY, {})
    ver = opened.get(record.id)
    if ver is None or (ver != record.version and widget_key(f"e{record.id}v{ver}", "code") not in session):
        ver = opened[record.id] = record.version
    return int(ver)


def drop_form(session: MutableMapping, token: str) -> None:
    """Forget form ``token``: its typed values, messages and conflict."""
    session.get(CONFLICT_KEY, {}).pop(token, None)
    session.get(ERRORS_KEY, {}).pop(token, None)
    prefix = widget_key(token, "")
    for k in [k for k in list(session.keys()) if str(k).startswith(prefix)]:
        del session[k]


def read_form(session: MutableMapping, token: str) -> dict[str, Any]:
    """The entry data currently typed in form ``token``."""
    names = [f for f in EDITABLE_FIELDS if f != "reply_missing"] + ["missing_en", "missing_es"]
    return from_widgets({n: session.get(widget_key(token, n)) for n in names})


def flash(session: MutableMapping, kind: str, message: str) -> None:
    """Show ``message`` once at the top of the page (kind ``success``, ``error`` or ``info``)."""
    session[FLASH_KEY] = (kind, message)


def show_flash() -> None:
    """Draw and forget the one-time message."""
    item = st.session_state.pop(FLASH_KEY, None)
    if item:
        kind, message = item
        getattr(st, kind if kind in ("success", "error", "info", "warning") else "info")(ui.md_escape(message))


# --------------------------------------------------------------------------- saving (callbacks)


def save_entry(cur, user, token: str, *, entry_id: int | None, version: int | None,
               origin: tuple | None = None) -> None:
    """Submit callback of the form: create (or duplicate) or update, keeping the outcome in
    the session: field messages (:data:`ERRORS_KEY`), a refused concurrent edit
    (:data:`CONFLICT_KEY`), or the saved entry opened with a success note."""
    s = st.session_state
    data = read_form(s, token)
    note = s.get(widget_key(token, "note"), "") or ""
    errors = s.setdefault(ERRORS_KEY, {})
    conflicts = s.setdefault(CONFLICT_KEY, {})
    errors.pop(token, None)
    try:
        if entry_id is None:
            kind, ref, _label = origin or ("new", None, "")
            if kind == "duplicate":
                rec = cur.duplicate(user, int(ref), data)
            else:
                if kind == "unmapped" and not note:
                    note = f"from the unmapped-codes queue ({ref})"
                rec = cur.create(user, data, note=note)
            s.pop(DRAFT_KEY, None)
            flash(s, "success", f"Created entry {rec.entry.code} (version 1).")
        else:
            rec = cur.update(user, entry_id, data, expected_version=int(version), note=note)
            if rec.version == version:
                flash(s, "info", "Nothing changed, so no new version was saved.")
            else:
                flash(s, "success", f"Saved version {rec.version} of {rec.entry.code}.")
        conflicts.pop(token, None)
        s[OPEN_KEY] = rec.id
        s.setdefault(OPENED_KEY, {})[rec.id] = rec.version
    except FieldErrors as exc:
        errors[token] = dict(exc.errors)
    except EditConflict as exc:
        conflicts[token] = exc
    except DiagnosticsError as exc:
        flash(s, "error", exc.user_message)


def run_action(fn, success: str) -> None:
    """Button callback helper: run ``fn()`` and flash ``success`` (``{code}``/``{version}``
    filled from the returned record) or the error's message."""
    s = st.session_state
    try:
        rec = fn()
    except FieldErrors as exc:
        flash(s, "error", "Not done: " + "; ".join(f"{FIELD_LABELS.get(f, f)}: {m}" for f, m in exc.errors.items()))
    except EditConflict as exc:
        flash(s, "error", f"Not done: {exc.changed_by or 'someone'} changed this entry since you opened it "
                          f"(now version {exc.current_version}). Nothing was overwritten; look again and retry.")
    except DiagnosticsError as exc:
        flash(s, "error", exc.user_message)
    else:
        if isinstance(rec, EntryRecord):
            s[OPEN_KEY] = rec.id
            s.setdefault(OPENED_KEY, {})[rec.id] = rec.version
            success = success.format(code=rec.entry.code, version=rec.version)
        flash(s, "success", success)


# --------------------------------------------------------------------------- drawing


def _err(errors: dict[str, str], *fields: str) -> None:
    for f in fields:
        if errors.get(f):
            st.error(ui.md_escape(errors[f]), icon=":material/error:")


def _init(token: str, values: dict[str, Any]) -> None:
    for name, v in values.items():
        k = widget_key(token, name)
        if k not in st.session_state:
            st.session_state[k] = v


def render_conflict(exc: EditConflict, on_reload) -> None:
    """The refused second save: who saved what since this editor opened the entry, and a
    button to load their version (this editor's typing stays in the form until then)."""
    when = exc.changed_at.replace("T", " ")[:19]
    st.error(f"**Not saved.** {ui.md_escape(exc.changed_by or 'Someone')} saved version {exc.current_version} "
             f"at {ui.md_escape(when)} UTC after you opened version {exc.your_version}. Nothing was overwritten.",
             icon=":material/sync_problem:")
    if exc.changes:
        st.markdown("**Their change:**\n" + "\n".join(f"- {ui.md_escape(c.text)}" for c in exc.changes))
    st.caption("Your edits are still in the form below. Load their version, then make your change again.")
    st.button("Load their version (drops your edits)", key=f"kb_conflict_reload_{exc.entry_id}",
              on_click=on_reload, icon=":material/refresh:")


def render_form(token: str, initial: dict[str, Any], *, submit_label: str, on_submit, args: tuple = (),
                kwargs: dict | None = None) -> None:
    """The entry form: every editable field, each validation message under its field, an
    optional note stored with the version, and the submit button (``on_submit(*args,
    **kwargs)`` runs as its callback)."""
    _init(token, {**to_widgets(initial), "note": ""})
    errors = st.session_state.get(ERRORS_KEY, {}).get(token, {})
    if errors:
        st.error(f"Not saved: {len(errors)} field{'s need' if len(errors) != 1 else ' needs'} attention "
                 "(see the messages under them).", icon=":material/error:")
        other = {f: m for f, m in errors.items() if f not in EDITABLE_FIELDS}
        for f, m in other.items():
            st.error(ui.md_escape(f"{f}: {m}"))
    k = lambda name: widget_key(token, name)  # noqa: E731
    with st.form(f"kb_form_{token}", border=True, enter_to_submit=False):
        c1, c2, c3, c4 = st.columns([2, 2, 1, 1])
        with c1:
            st.text_input(FIELD_LABELS["code"], key=k("code"), help=HELP["code"])
            _err(errors, "code")
        with c2:
            st.selectbox(FIELD_LABELS["family"], options=["", *FAMILIES], key=k("family"),
                         format_func=lambda f: ui.family_label(f) if f else "— choose —")
            _err(errors, "family")
        with c3:
            st.selectbox(FIELD_LABELS["severity"], options=["", *SEVERITIES], key=k("severity"),
                         format_func=lambda s: s or "— choose —")
            _err(errors, "severity")
        with c4:
            st.radio(FIELD_LABELS["technician"], options=TECHNICIAN_CHOICES, key=k("technician"), horizontal=True)
            _err(errors, "technician")
        c1, c2, c3 = st.columns(3)
        with c1:
            st.text_input(FIELD_LABELS["brand"], key=k("brand"))
            _err(errors, "brand")
        with c2:
            st.text_input(FIELD_LABELS["appliance"], key=k("appliance"), placeholder="washer, boiler, printer, car …")
            _err(errors, "appliance")
        with c3:
            st.text_input(FIELD_LABELS["model_scope"], key=k("model_scope"), help=HELP["model_scope"])
            _err(errors, "model_scope")
        st.text_area(FIELD_LABELS["aliases"], key=k("aliases"), height=68, help=HELP["aliases"])
        _err(errors, "aliases")
        st.text_input(FIELD_LABELS["title"], key=k("title"))
        _err(errors, "title")
        st.text_area(FIELD_LABELS["meaning"], key=k("meaning"), height=80)
        _err(errors, "meaning")
        st.text_area(FIELD_LABELS["steps"], key=k("steps"), height=170, help=HELP["steps"])
        _err(errors, "steps")
        c1, c2 = st.columns(2)
        with c1:
            st.text_area(FIELD_LABELS["causes"], key=k("causes"), height=110, help=HELP["causes"])
            _err(errors, "causes")
        with c2:
            st.text_area(FIELD_LABELS["safety"], key=k("safety"), height=110, help=HELP["safety"])
            _err(errors, "safety")
        c1, c2 = st.columns(2)
        with c1:
            st.text_area(FIELD_LABELS["reply_en"], key=k("reply_en"), height=150)
            _err(errors, "reply_en")
            st.checkbox("No English reply yet (knowingly missing)", key=k("missing_en"))
        with c2:
            st.text_area(FIELD_LABELS["reply_es"], key=k("reply_es"), height=150)
            _err(errors, "reply_es")
            st.checkbox("No Spanish reply yet (knowingly missing)", key=k("missing_es"))
        _err(errors, "reply_missing")
        c1, c2 = st.columns([3, 1])
        with c1:
            st.text_area(FIELD_LABELS["source"], key=k("source"), height=68, help=HELP["source"])
            _err(errors, "source")
        with c2:
            st.checkbox(FIELD_LABELS["verified"], key=k("verified"), help=HELP["verified"])
            _err(errors, "verified")
        st.text_input("Note for the history (optional)", key=k("note"), placeholder="what changed and why")
        st.form_submit_button(submit_label, type="primary", icon=":material/save:", on_click=on_submit, args=args,
                              kwargs=kwargs or {})


def render_readonly(rec: EntryRecord) -> None:
    """Every field of an entry as text (no controls)."""
    e = rec.entry
    scope = " · ".join(x for x in (e.brand, e.appliance, e.model_scope) if x)
    st.markdown(f"**Type:** {ui.family_label(e.family)}  ·  **Severity:** {ui.md_escape(e.severity)}  ·  "
                f"**Technician:** {'yes' if e.technician else 'no'}" + (f"  ·  **Scope:** {ui.md_escape(scope)}"
                                                                         if scope else ""))
    if e.aliases:
        st.markdown("**Also shown as:** " + ", ".join(ui.md_escape(a) for a in e.aliases))
    st.markdown(f"**Meaning:** {ui.md_escape(e.meaning)}")
    if e.steps:
        st.markdown("**Steps:**\n" + "\n".join(f"{i}. {ui.md_escape(x)}" for i, x in enumerate(e.steps, 1)))
    if e.causes:
        st.markdown("**Causes:** " + "; ".join(ui.md_escape(c) for c in e.causes))
    if e.safety:
        st.markdown("**Safety:**\n" + "\n".join(f"- {ui.md_escape(x)}" for x in e.safety))
    for lang, text in (("en", e.reply_en), ("es", e.reply_es)):
        label = FIELD_LABELS[f"reply_{lang}"]
        if lang in rec.reply_missing:
            st.caption(f"{label}: knowingly missing")
        elif text:
            st.markdown(f"**{label}:**")
            st.text(text)
    st.caption((f"Source: {ui.md_escape(e.source)}" if e.source else "Source: not recorded")
               + ("" if e.verified else " · not checked against a manufacturer's manual"))


def version_label(v: VersionInfo) -> str:
    """``"Version 3 · edited by ana · 2026-12-01 10:00"`` (markdown-escaped)."""
    when = v.changed_at.replace("T", " ")[:16]
    return (f"Version {v.version} · {ACTION_LABELS.get(v.action, v.action)} by {ui.md_escape(v.changed_by)}"
            f" · {ui.md_escape(when)}")


def render_history(versions: list[VersionInfo], current_version: int, *, on_restore=None) -> None:
    """Every version, newest first: who, when, what changed (one line per field), the note,
    and for managers (``on_restore(version)`` given) a button to bring that version back."""
    if not versions:
        st.caption("No history recorded.")
        return
    for v in versions:
        with st.expander(version_label(v), expanded=v.version == current_version):
            if v.note:
                st.caption(f"Note: {ui.md_escape(v.note)}")
            if v.changes:
                st.markdown("\n".join(f"- {ui.md_escape(c.text)}" for c in v.changes))
            else:
                st.caption("No field changed.")
            if on_restore is not None and v.version != current_version:
                st.button(f"Restore version {v.version}", key=f"kb_restore_version_{v.version}",
                          on_click=on_restore, args=(v.version,), icon=":material/history:",
                          help="Its content becomes the current version; nothing is lost (a new version is saved).")
