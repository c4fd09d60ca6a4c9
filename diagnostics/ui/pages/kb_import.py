"""Import and export (knowledge managers): every entry as CSV or YAML to download; an
import file is first checked in a dry run (added, changed, unchanged and invalid rows with
their reasons, nothing written) and applied only on confirmation, in one transaction."""

from __future__ import annotations

import hashlib

import streamlit as st

from diagnostics import api
from diagnostics.auth import KB_IMPORT
from diagnostics.errors import DiagnosticsError
from diagnostics.knowledge.transfer import ADDED, CHANGED, INVALID, UNCHANGED, apply_import, export_entries, plan_import
from diagnostics.ui import components as ui
from diagnostics.ui import session

PLAN_KEY = "kb_import_plan"  # session key: (sha256 of the uploaded bytes, ImportPlan) of the last dry run
STATUS_LABELS = {ADDED: "added", CHANGED: "changed", UNCHANGED: "unchanged", INVALID: "invalid"}

user = session.page_user(KB_IMPORT)
kb = api.get_knowledge_base()
state = st.session_state

st.title("Import and export")
tab_export, tab_import = st.tabs(["Export", "Import"])

with tab_export:
    st.caption("Every entry with its id and version. Edit the file and import it back: rows are matched by id, "
               "a row without an id is a new entry, entries not in the file are left alone.")
    c1, c2 = st.columns([1, 2])
    fmt = c1.segmented_control("Format", options=["csv", "yaml"], default="csv", key="kb_export_fmt",
                               format_func=str.upper) or "csv"
    include_retired = c2.checkbox("Include retired entries", value=True, key="kb_export_retired")
    try:
        text = export_entries(kb, fmt, include_retired=include_retired)
    except DiagnosticsError as exc:
        st.error(ui.md_escape(exc.user_message))
    else:
        st.download_button(f"Download {fmt.upper()}", data=text.encode("utf-8"), file_name=f"telltale-kb.{fmt}",
                           mime="text/csv" if fmt == "csv" else "application/yaml", key="kb_export_download",
                           icon=":material/download:", type="primary")

with tab_import:
    st.caption("Step 1: choose a CSV or YAML file and run the dry run (nothing is written). Step 2: if no row is "
               "invalid, confirm to import everything in one transaction.")
    upload = st.file_uploader("Import file (.csv, .yaml)", type=["csv", "yaml", "yml"], key="kb_import_file")
    if upload is None:
        state.pop(PLAN_KEY, None)
        st.stop()
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    name = upload.name.lower()
    file_fmt = "csv" if name.endswith(".csv") else "yaml"
    if st.button("Dry run", key="kb_import_dry", type="primary", icon=":material/fact_check:"):
        try:
            state[PLAN_KEY] = (digest, plan_import(kb, user, data, file_fmt))
        except DiagnosticsError as exc:
            state.pop(PLAN_KEY, None)
            st.error(ui.md_escape(exc.user_message), icon=":material/error:")
    kept = state.get(PLAN_KEY)
    if kept is None or kept[0] != digest:
        st.stop()
    plan = kept[1]
    counts = plan.counts
    m = st.columns(4)
    for col, status in zip(m, (ADDED, CHANGED, UNCHANGED, INVALID)):
        col.metric(STATUS_LABELS[status].capitalize(), counts[status])
    rows = []
    for r in plan.rows:
        if r.status == UNCHANGED:
            continue
        detail = r.reason_text if r.status == INVALID else "; ".join(c.text for c in r.changes)
        rows.append({"Row": r.row, "Status": STATUS_LABELS[r.status], "Code": r.code,
                     "Entry": "" if r.entry_id is None else str(r.entry_id), "Reasons / changes": detail})
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch",
                     column_config={"Reasons / changes": st.column_config.TextColumn(width="large")})
    elif counts[UNCHANGED]:
        st.caption("Every row matches the knowledge base: nothing to import.")
    if not plan.ok:
        st.error(f"{counts[INVALID]} invalid row{'s' if counts[INVALID] != 1 else ''}: fix the file and run the dry "
                 "run again. Nothing was imported.", icon=":material/error:")
        st.stop()
    if not (counts[ADDED] or counts[CHANGED]):
        st.stop()
    label = f"Import: {counts[ADDED]} added, {counts[CHANGED]} changed"
    if st.button(label, key="kb_import_apply", type="primary", icon=":material/publish:"):
        try:
            res = apply_import(kb, user, plan)
        except DiagnosticsError as exc:
            st.error(ui.md_escape(exc.user_message), icon=":material/error:")
        else:
            state.pop(PLAN_KEY, None)
            st.success(f"Imported by {ui.md_escape(user.username)}: {res.added} added, {res.changed} changed, "
                       f"{res.unchanged} unchanged. Each has a new version in its history.",
                       icon=":material/check_circle:")
