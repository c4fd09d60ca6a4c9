"""Knowledge base page: browse, search and filter entries; open one.

Everyone with ``kb.read`` (agents, reviewers, managers) browses and reads entries and their
history.  Knowledge managers (``kb.edit``) also edit every field (messages next to the
fields; a concurrent save by someone else is refused and shown), create, duplicate for a
sibling model, retire and restore, bring back any earlier version, and "try" an entry on a
sample photo or an upload.  Reviewers and agents get no edit control here, and the backend
refuses them anyway (:func:`diagnostics.auth.require`)."""

from __future__ import annotations

import streamlit as st

from diagnostics import api
from diagnostics.auth import KB_EDIT, KB_READ
from diagnostics.errors import DiagnosticsError
from diagnostics.knowledge.curation import RETIRED_ALL, RETIRED_LIVE, RETIRED_ONLY, SearchQuery
from diagnostics.knowledge.validation import SEVERITIES
from diagnostics.schema import FAMILIES
from diagnostics.ui import components as ui
from diagnostics.ui import kb_forms as kf
from diagnostics.ui import session
from diagnostics.ui.samples import list_samples

PER_PAGE = 25
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".bmp", ".tif", ".tiff", ".gif"}

user = session.page_user(KB_READ)
can_edit = user.can(KB_EDIT)
cur = api.get_curation()
state = st.session_state

st.title("Knowledge base")
kf.show_flash()


def _fail(exc: Exception) -> None:
    message, hint = ui.describe_failure(exc)
    st.error(ui.md_escape(message), icon=":material/error:")
    if hint:
        st.info(ui.md_escape(hint))


def _close() -> None:
    state.pop(kf.OPEN_KEY, None)
    state.pop(kf.DRAFT_KEY, None)


def _new_draft(data: dict, origin: tuple) -> None:
    seq = state.get(kf.DRAFT_SEQ_KEY, 0) + 1
    state[kf.DRAFT_SEQ_KEY] = seq
    state[kf.DRAFT_KEY] = {"data": data, "origin": origin, "token": f"new{seq}"}
    state.pop(kf.OPEN_KEY, None)


def _duplicate(entry_id: int, code: str) -> None:
    try:
        _new_draft(cur.duplicate_draft(user, entry_id), ("duplicate", entry_id, code))
    except DiagnosticsError as exc:
        kf.flash(state, "error", exc.user_message)


# --------------------------------------------------------------------------- a new entry
draft = state.get(kf.DRAFT_KEY) if can_edit else None
if draft is not None:
    kind, ref, label = draft["origin"]
    st.button("Back to the list", key="kb_back", on_click=_close, icon=":material/arrow_back:")
    st.subheader("New entry")
    if kind == "duplicate":
        st.caption(f"A copy of {ui.md_escape(label)} for a sibling model: change the models (or brand or "
                   "appliance) and whatever differs, then save. The original is not changed.")
    elif kind == "unmapped":
        st.caption(f"Pre-filled from the unmapped code {ui.md_escape(label)}: write the title, meaning, steps and "
                   "replies, check the family, then save. The queue item is closed by this entry.")
    kf.render_form(draft["token"], draft["data"], submit_label="Create entry", on_submit=kf.save_entry,
                   args=(cur, user, draft["token"]), kwargs={"entry_id": None, "version": None,
                                                             "origin": draft["origin"]})
    st.stop()

# --------------------------------------------------------------------------- one entry
open_id = state.get(kf.OPEN_KEY)
if open_id is not None:
    try:
        rec = cur.get(user, int(open_id))
    except DiagnosticsError as exc:
        _fail(exc)
        st.button("Back to the list", key="kb_back", on_click=_close, icon=":material/arrow_back:")
        st.stop()
    e = rec.entry
    st.button("Back to the list", key="kb_back", on_click=_close, icon=":material/arrow_back:")
    scope = " · ".join(x for x in (e.brand, e.appliance, e.model_scope) if x)
    st.subheader(f"{ui.md_escape(e.code)} — {ui.md_escape(e.title)}")
    st.caption(" · ".join(x for x in (
        ui.md_escape(scope) if scope else "", f"version {rec.version}",
        f"last changed by {ui.md_escape(rec.updated_by)} at {ui.md_escape(rec.updated_at.replace('T', ' ')[:16])}",
        "**retired: never suggested**" if rec.retired else "live") if x))
    opened = kf.opened_version(state, rec) if can_edit else rec.version
    if can_edit:
        b1, b2, _ = st.columns([2, 1, 3])
        b1.button("Duplicate for a sibling model", key="kb_duplicate", on_click=_duplicate, args=(e.id, e.code),
                  icon=":material/content_copy:")
        if rec.retired:
            b2.button("Restore", key="kb_restore", icon=":material/restore_from_trash:",
                      on_click=kf.run_action, args=(lambda: cur.restore(user, e.id, expected_version=opened),
                                                    "Restored {code}: it is suggested again (version {version})."))
        else:
            b2.button("Retire", key="kb_retire", icon=":material/archive:",
                      help="Hidden from suggestions at once; kept with its history; can be restored.",
                      on_click=kf.run_action, args=(lambda: cur.retire(user, e.id, expected_version=opened),
                                                    "Retired {code}: no longer suggested; its history is kept "
                                                    "(version {version}). Restore brings it back."))
    tab_names = ["Edit" if can_edit and not rec.retired else "Details", "History"] + (["Try it"] if can_edit else [])
    tabs = st.tabs(tab_names)
    with tabs[0]:
        if can_edit and not rec.retired:
            token = kf.form_token(e.id, opened)

            def _reload(tok=token, eid=e.id, now=rec.version) -> None:
                kf.drop_form(state, tok)
                state.setdefault(kf.OPENED_KEY, {})[eid] = now

            conflict = state.get(kf.CONFLICT_KEY, {}).get(token)
            if conflict is not None:
                kf.render_conflict(conflict, _reload)
            elif opened != rec.version:
                st.warning(f"{ui.md_escape(rec.updated_by)} changed this entry after you opened it (now version "
                           f"{rec.version}). Saving your form would be refused: load the current version first.",
                           icon=":material/sync_problem:")
                st.button("Load the current version (drops your edits)", key=f"kb_stale_reload_{e.id}",
                          on_click=_reload, icon=":material/refresh:")
            kf.render_form(token, rec.form_data(), submit_label="Save", on_submit=kf.save_entry,
                           args=(cur, user, token), kwargs={"entry_id": e.id, "version": opened})
        else:
            if rec.retired and can_edit:
                st.info("This entry is retired. Restore it to edit it.", icon=":material/archive:")
            kf.render_readonly(rec)
    with tabs[1]:
        try:
            versions = cur.history(user, e.id)
        except DiagnosticsError as exc:
            _fail(exc)
            versions = []
        def _restore_version(version: int, eid=e.id, current=opened) -> None:
            kf.run_action(lambda: cur.restore_version(user, eid, version, expected_version=current),
                          f"Version {version} restored as version {{version}}.")

        kf.render_history(versions, rec.version, on_restore=_restore_version if can_edit else None)
    if can_edit:
        with tabs[2]:
            st.caption("Run the real analysis on a photo and see whether it reaches this entry.")
            photos = [s for s in list_samples() if s.path.suffix.lower() in PHOTO_SUFFIXES]
            c1, c2 = st.columns(2)
            pick = c1.selectbox("Sample photo", options=[""] + [s.name for s in photos], key=f"kb_try_sample_{e.id}",
                                format_func=lambda n: n or "— none —")
            up = c2.file_uploader("…or upload a photo", key=f"kb_try_upload_{e.id}", type=None)
            files: list[tuple[str, bytes]] = []
            if up is not None:
                files = [(up.name, up.getvalue())]
            elif pick:
                sample = next(s for s in photos if s.name == pick)
                try:
                    files = [(sample.path.name, sample.path.read_bytes())]
                except OSError:
                    st.error("This sample file could not be read.")
            if st.button("Try it", key=f"kb_try_run_{e.id}", type="primary", disabled=not files,
                         icon=":material/play_arrow:"):
                with st.spinner("Analysing…"):
                    try:
                        state.setdefault(kf.TRY_KEY, {})[e.id] = cur.try_entry(user, e.id, files, api.get_pipeline())
                    except Exception as exc:  # noqa: BLE001 - shown as a friendly message
                        _fail(exc)
            result = state.get(kf.TRY_KEY, {}).get(e.id)
            if result is not None:
                (st.success if result.reached else st.warning)(ui.md_escape(result.explanation),
                                                               icon=":material/check_circle:" if result.reached
                                                               else ":material/help:")
                st.caption("Codes read: " + (", ".join(ui.md_escape(c) for c in result.codes_read) or "none"))
                for i, m in enumerate(result.diagnosis.media):
                    ui.render_media(m, i)
    st.stop()

# --------------------------------------------------------------------------- the list


def _first_page() -> None:
    state["kb_page"] = 1


top = st.columns([4, 1])
top[0].caption("Search by code, alias, brand or words; filter by type, brand and severity."
               + ("" if can_edit else " Read-only for your role."))
if can_edit:
    top[1].button("New entry", key="kb_new", type="primary", icon=":material/add:",
                  on_click=lambda: _new_draft(kf.blank_entry(), ("new", None, "")))
c1, c2, c3, c4 = st.columns([3, 2, 2, 1])
query = c1.text_input("Search", key="kb_query", on_change=_first_page,
                      placeholder="e.g. F.28, CRITICAL_PROCESS_DIED, drain, Vaillant")
family = c2.selectbox("Type", options=["", *FAMILIES], key="kb_family", on_change=_first_page,
                      format_func=lambda f: ui.family_label(f) if f else "All types")
try:
    brands = cur.brands(user)
except DiagnosticsError:
    brands = []
brand = c3.selectbox("Brand", options=["", *brands], key="kb_brand", on_change=_first_page,
                     format_func=lambda b: b or "All brands")
severity = c4.selectbox("Severity", options=["", *SEVERITIES], key="kb_severity", on_change=_first_page,
                        format_func=lambda s: s or "Any")
f1, f2, _ = st.columns([2, 3, 3])
unverified = f1.checkbox("Only unverified sources", key="kb_unverified", on_change=_first_page,
                         help="Entries not checked against a manufacturer's manual.")
retired = f2.segmented_control("Entries", options=[RETIRED_LIVE, RETIRED_ONLY, RETIRED_ALL], key="kb_retired",
                               default=RETIRED_LIVE, on_change=_first_page,
                               format_func={RETIRED_LIVE: "Live", RETIRED_ONLY: "Retired", RETIRED_ALL: "All"}.get)
page_no = int(state.get("kb_page", 1) or 1)
try:
    result = cur.search(user, SearchQuery(text=(query or "").strip(), family=family or "", brand=brand or "",
                                          severity=severity or "", unverified_only=bool(unverified),
                                          retired=retired or RETIRED_LIVE, page=page_no, per_page=PER_PAGE))
except DiagnosticsError as exc:
    _fail(exc)
    st.stop()
if page_no > result.pages:
    state["kb_page"] = 1
    st.rerun()

st.caption(f"{result.total} entr{'ies' if result.total != 1 else 'y'} · page {result.page} of {result.pages}")
if not result.items:
    st.info("No entry matches.", icon=":material/search_off:")
widths = [2, 4, 3, 2]
if result.items:
    for col, label in zip(st.columns(widths), ("Code (click to open)", "Title", "Scope", "Severity")):
        col.caption(label)


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


for r in result.items:
    e = r.entry
    cols = st.columns(widths, vertical_alignment="center")
    cols[0].button(ui.md_escape(e.code), key=f"kb_open_{e.id}", width="stretch",
                   on_click=lambda i=e.id: state.__setitem__(kf.OPEN_KEY, i), help="Open this entry")
    cols[1].text(e.title)
    cols[2].text(" · ".join(x for x in (e.brand, e.appliance, _short(e.model_scope)) if x) or ui.family_label(e.family))
    flags = [e.severity] + (["retired"] if r.retired else []) + ([] if e.verified else ["unverified"])
    cols[3].text(" · ".join(flags))
if result.pages > 1:
    st.number_input("Page", min_value=1, max_value=result.pages, step=1, key="kb_page")
