"""Feedback metrics (knowledge managers and reviewers, read-only): per entry over a chosen
period, the times it was suggested, its acceptance rate ((used + edited) / suggested), edit
rate (edited / accepted) and the times agents marked it wrong; and the entries agents
reject most (:class:`diagnostics.knowledge.feedback.Feedback`)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import streamlit as st

from diagnostics import api
from diagnostics.auth import METRICS_VIEW
from diagnostics.errors import DiagnosticsError
from diagnostics.ui import components as ui
from diagnostics.ui import session

DEFAULT_DAYS = 30

user = session.page_user(METRICS_VIEW)
fb = api.get_feedback()

st.title("Feedback metrics")
st.caption("How agents marked the suggestions: **used** (sent as is), **edited** (sent after changes) or **wrong**. "
           "Acceptance rate = (used + edited) / suggested; edit rate = edited / (used + edited).")

today = datetime.now(timezone.utc).date()
period = st.date_input("Period (UTC days, both included)", value=(today - timedelta(days=DEFAULT_DAYS - 1), today),
                       max_value=today, key="fb_period")
if isinstance(period, (tuple, list)):
    start = period[0] if period else today
    end = period[1] if len(period) > 1 else start
else:
    start = end = period if isinstance(period, date) else today
since = datetime.combine(start, time.min, tzinfo=timezone.utc)
until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=timezone.utc)

try:
    stats = fb.entry_stats(user, since=since, until=until)
    rejected = fb.most_rejected(user, since=since, until=until, limit=20)
except DiagnosticsError as exc:
    st.error(ui.md_escape(exc.user_message), icon=":material/error:")
    st.stop()

shown = sum(s.suggested for s in stats)
m = st.columns(4)
m[0].metric("Suggestions shown", shown)
m[1].metric("Entries suggested", len(stats))
accepted = sum(s.accepted for s in stats)
m[2].metric("Acceptance rate", f"{accepted / shown:.0%}" if shown else "–")
m[3].metric("Marked wrong", sum(s.wrong for s in stats))

rate = st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="percent")


def _row(s) -> dict:
    return {"Code": s.code, "Title": s.title, "Brand": s.brand, "Appliance": s.appliance, "Suggested": s.suggested,
            "Used": s.used, "Edited": s.edited, "Wrong": s.wrong, "Acceptance rate": s.acceptance_rate,
            "Edit rate": s.edit_rate, "Retired": "yes" if s.retired else ""}


st.subheader("Entries agents reject most")
if rejected:
    st.dataframe([{**_row(s), "Wrong rate": s.wrong_rate} for s in rejected], hide_index=True, width="stretch",
                 column_config={"Acceptance rate": rate, "Edit rate": rate, "Wrong rate": rate},
                 key="fb_rejected_table")
else:
    st.info("No suggestion was marked wrong in this period.", icon=":material/thumb_up:")

st.subheader("Per entry")
if stats:
    st.dataframe([_row(s) for s in stats], hide_index=True, width="stretch",
                 column_config={"Acceptance rate": rate, "Edit rate": rate}, key="fb_stats_table")
else:
    st.info("No suggestion was shown in this period.", icon=":material/query_stats:")
