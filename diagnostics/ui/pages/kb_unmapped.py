"""Unmapped codes (knowledge managers): codes the product read with confidence that no
entry maps, most frequent first, with how often and when they were seen, the family the
reader guessed, example crops of the customers' photos, and one click to start a new entry
pre-filled from the code (on the Knowledge base page)."""

from __future__ import annotations

import streamlit as st

from diagnostics import api
from diagnostics.auth import KB_EDIT, UNMAPPED_VIEW
from diagnostics.errors import DiagnosticsError
from diagnostics.ui import components as ui
from diagnostics.ui import kb_forms as kf
from diagnostics.ui import session

KB_PAGE = "diagnostics/ui/pages/kb_entries.py"

user = session.page_user(UNMAPPED_VIEW)
can_edit = user.can(KB_EDIT)
queue = api.get_unmapped_queue()
state = st.session_state

st.title("Unmapped codes")
st.caption("Codes Telltale read with confidence that no entry covers: candidates for new entries. Example crops "
           "are customer media and are deleted after "
           f"{queue.retention_days} day{'s' if queue.retention_days != 1 else ''}.")
kf.show_flash()

show_closed = st.toggle("Also show resolved and dismissed codes", key="unmapped_closed")
try:
    items = queue.items(user, include_closed=show_closed)
except DiagnosticsError as exc:
    st.error(ui.md_escape(exc.user_message), icon=":material/error:")
    st.stop()

if not items:
    st.info("No unmapped code waiting. Every code read so far maps to an entry.", icon=":material/check:")
    st.stop()


def _create_from(key: str, code: str) -> None:
    try:
        data = queue.prefill(user, key)
    except DiagnosticsError as exc:
        kf.flash(state, "error", exc.user_message)
        return
    seq = state.get(kf.DRAFT_SEQ_KEY, 0) + 1
    state[kf.DRAFT_SEQ_KEY] = seq
    state[kf.DRAFT_KEY] = {"data": data, "origin": ("unmapped", key, code), "token": f"new{seq}"}
    state.pop(kf.OPEN_KEY, None)
    state["unmapped_go"] = True


def _dismiss(key: str, code: str) -> None:
    try:
        queue.dismiss(user, key)
    except DiagnosticsError as exc:
        kf.flash(state, "error", exc.user_message)
    else:
        kf.flash(state, "success", f"{code} dismissed as a misread; it comes back if it is read again.")


if state.pop("unmapped_go", False):
    st.switch_page(KB_PAGE)

st.caption(f"{len(items)} code{'s' if len(items) != 1 else ''}, most frequent first.")
for it in items:
    with st.container(border=True):
        left, mid, right = st.columns([2, 4, 2], vertical_alignment="top")
        with left:
            st.markdown(f"### {ui.md_escape(it.code)}")
            st.caption(f"Family guess: {ui.family_label(it.family) if it.family else 'none'}")
            st.metric("Times read", it.count)
        with mid:
            st.text(f"First seen: {it.first_seen.replace('T', ' ')[:16]} UTC\n"
                    f"Last seen:  {it.last_seen.replace('T', ' ')[:16]} UTC\n"
                    f"Read as:    {it.example or it.code}\n"
                    f"Last file:  {it.source or '(not recorded)'}")
            if it.thumbnails:
                cols = st.columns(min(len(it.thumbnails), 6))
                for col, t in zip(cols, it.thumbnails[:6]):
                    col.image(t.jpeg, caption=ui.md_escape(t.source[:40]) or None, width="content")
            else:
                st.caption("No example picture (read from a voice note, a text or an older release).")
        with right:
            if it.resolved_entry_id is not None:
                st.caption(f"Resolved by entry {it.resolved_entry_id}"
                           + (f" ({ui.md_escape(it.resolved_by)})" if it.resolved_by else ""))
            elif it.dismissed:
                st.caption(f"Dismissed as a misread by {ui.md_escape(it.resolved_by or 'a manager')}")
            elif can_edit:
                st.button("Create entry", key=f"unmapped_create_{it.key}", type="primary", icon=":material/add:",
                          on_click=_create_from, args=(it.key, it.code),
                          help="Opens a new entry pre-filled with this code and its family guess.")
                st.button("Dismiss (misread)", key=f"unmapped_dismiss_{it.key}", icon=":material/close:",
                          on_click=_dismiss, args=(it.key, it.code))
