"""Knowledge page (read-only): search and browse the entries, and see the codes that
were read but are not mapped to any entry yet."""

from __future__ import annotations

import streamlit as st

from diagnostics import api
from diagnostics.schema import FAMILIES
from diagnostics.ui import components as ui

PAGE_SIZE = 50

st.title("Knowledge base")

try:
    kb = api.get_knowledge_base()
    total = kb.count()
except Exception as exc:  # noqa: BLE001 - shown as a friendly message
    message, hint = ui.describe_failure(exc)
    st.error(message, icon=":material/error:")
    if hint:
        st.info(hint)
    st.stop()

st.caption(f"{total} entries. Read-only here.")
tab_browse, tab_unmapped = st.tabs(["Search and browse", "Read but not mapped"])

with tab_browse:
    c1, c2 = st.columns([3, 1])
    query = c1.text_input("Search by code, symptom or words", key="kb_query",
                          placeholder="e.g. F.28, drain, no flame, P0420")
    family = c2.selectbox("Type", options=["", *FAMILIES], key="kb_family",
                          format_func=lambda f: ui.family_label(f) if f else "All types")
    try:
        entries = kb.search_text(query.strip()) if query.strip() else kb.all_entries(family or None)
    except Exception as exc:  # noqa: BLE001
        message, hint = ui.describe_failure(exc)
        st.error(message)
        entries = []
    if family:
        entries = [e for e in entries if e.family == family]
    st.caption(f"{len(entries)} match{'es' if len(entries) != 1 else ''}"
               + (f", showing the first {PAGE_SIZE}" if len(entries) > PAGE_SIZE else ""))
    for e in entries[:PAGE_SIZE]:
        scope = " · ".join(x for x in (e.brand, e.appliance) if x)
        with st.expander(f"{e.code} — {e.title}" + (f"  ({scope})" if scope else "")):
            st.markdown(f"**Type:** {ui.family_label(e.family)}  ·  **Severity:** {ui.md_escape(e.severity)}"
                        f"  ·  **Technician:** {'yes' if e.technician else 'no'}")
            if e.model_scope:
                st.markdown(f"**Models:** {ui.md_escape(e.model_scope)}")
            if e.aliases:
                st.markdown("**Also shown as:** " + ", ".join(ui.md_escape(a) for a in e.aliases))
            if e.meaning:
                st.markdown(f"**Meaning:** {ui.md_escape(e.meaning)}")
            if e.causes:
                st.markdown("**Causes:** " + "; ".join(ui.md_escape(c) for c in e.causes))
            if e.safety:
                st.error("**Safety:**\n" + "\n".join(f"- {ui.md_escape(x)}" for x in e.safety))
            if e.steps:
                st.markdown("**Steps:**\n" + "\n".join(f"{i}. {ui.md_escape(x)}" for i, x in enumerate(e.steps, 1)))
            st.caption((f"Source: {ui.md_escape(e.source)}" if e.source else "Source: not recorded")
                       + ("" if e.verified else " · not checked against a manufacturer's manual")
                       + f" · version {e.version}")

with tab_unmapped:
    st.caption("Codes that Telltale read with confidence but that no entry covers yet: candidates for new entries.")
    try:
        unmapped = kb.list_unmapped()
    except Exception as exc:  # noqa: BLE001
        message, _ = ui.describe_failure(exc)
        st.error(message)
        unmapped = []
    if unmapped:
        cols = ["code", "family", "count", "first_seen", "last_seen", "text_as_read", "example", "source"]
        rows = [{k: (str(u[k]) if k in u and u[k] is not None else "") for k in cols if any(k in x for x in unmapped)}
                for u in unmapped]
        st.dataframe(rows, hide_index=True, width="stretch")
    else:
        st.info("No unmapped codes recorded.", icon=":material/check:")
