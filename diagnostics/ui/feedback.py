"""The agent's feedback on a diagnosis, drawn on the Diagnose page.

A shown diagnosis is recorded once per case (:meth:`Feedback.record_diagnosis`: the
findings and the suggestions shown, no pixels).  Under each suggestion the agent marks it
**used** (sent as is), **edited** (sent after changes) or **wrong**, with the right code or
entry when known and an optional note; a later mark replaces the earlier one.  The
customer's files are kept with the case only when the agent ticks the opt-in.

What the agent types (right code, note) is shown back as plain text (``st.text``).
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping, Sequence

import streamlit as st

from ..auth import FEEDBACK_GIVE, User
from ..errors import DiagnosticsError
from ..schema import Suggestion
from . import components as ui
from . import state as case_state

log = logging.getLogger(__name__)

RECORDS_KEY = "tt_feedback_records"
"""Session key: ``{(case key, knowledge-base revision): diagnosis id}`` of the diagnoses recorded
(a case analysed again after a knowledge-base change is a new diagnosis)."""
VERDICTS_KEY = "tt_feedback_verdicts"
"""Session key: ``{(diagnosis id, entry id): ShownItem}`` saved in this session."""
KEPT_KEY = "tt_feedback_kept"
"""Session key: ``{diagnosis id: [file names kept]}``."""
VERDICT_LABELS = {"used": "Used as is", "edited": "Used after editing", "wrong": "Wrong"}


def kb_revision() -> tuple[int, int, int] | None:
    """:func:`diagnostics.api.kb_revision`, or ``None`` when it cannot be read (then a kept
    diagnosis is reused as before)."""
    from .. import api

    try:
        return api.kb_revision()
    except Exception as exc:  # noqa: BLE001 - only decides whether to reuse a kept result
        log.warning("knowledge-base revision not readable: %s", exc)
        return None


def recorded_id(session: MutableMapping, case: case_state.Case, user: User, feedback) -> str | None:
    """The diagnosis id of ``case``, recording it on first call (once per case and
    session); ``None`` when it cannot be recorded (the reason is logged)."""
    records: dict = session.setdefault(RECORDS_KEY, {})
    rkey = (case.key, case.kb_revision)
    if rkey in records:
        return records[rkey]
    try:
        did = feedback.record_diagnosis(user, case.diagnosis)
    except Exception as exc:  # noqa: BLE001 - feedback must never hide the result
        log.warning("diagnosis not recorded: %s", exc)
        return None
    records[rkey] = did
    return did


def first_per_entry(suggestions: Sequence[Suggestion]) -> list[tuple[int, Suggestion]]:
    """``(rank, suggestion)`` of the first suggestion of each distinct entry (the ones
    feedback is given on; a second candidate of the same entry is the same advice)."""
    seen: set[int] = set()
    out = []
    for rank, s in enumerate(suggestions, 1):
        if s.entry.id not in seen:
            seen.add(s.entry.id)
            out.append((rank, s))
    return out


def _save(feedback, user: User, did: str, entry_id: int, prefix: str) -> None:
    s = st.session_state
    verdict = s.get(f"{prefix}verdict")
    right_code = (s.get(f"{prefix}right_code") or "").strip() if verdict == "wrong" else ""
    right_entry = s.get(f"{prefix}right_entry") if verdict == "wrong" else None
    note = s.get(f"{prefix}note") or ""
    errors = s.setdefault("tt_feedback_errors", {})
    errors.pop(prefix, None)
    if not verdict:
        errors[prefix] = "Choose used, edited or wrong first."
        return
    try:
        item = feedback.record_verdict(user, did, entry_id, verdict, right_code=right_code,
                                       right_entry_id=right_entry, note=note)
    except DiagnosticsError as exc:
        errors[prefix] = exc.user_message
        return
    s.setdefault(VERDICTS_KEY, {})[(did, entry_id)] = item


def render_verdict(case: case_state.Case, suggestion: Suggestion, rank: int, user: User | None) -> None:
    """Used / edited / wrong controls for one suggestion (nothing for users who may not give
    feedback, or when the diagnosis could not be recorded)."""
    from .. import api

    if user is None or not user.can(FEEDBACK_GIVE) or not case.diagnosis.suggestions:
        return
    firsts = {s.entry.id: r for r, s in first_per_entry(case.diagnosis.suggestions)}
    if firsts.get(suggestion.entry.id) != rank:
        return
    feedback = api.get_feedback()
    did = recorded_id(st.session_state, case, user, feedback)
    if did is None:
        st.caption("Feedback is not available right now.")
        return
    entry_id = suggestion.entry.id
    prefix = f"fb::{did}::{entry_id}::"
    saved = st.session_state.get(VERDICTS_KEY, {}).get((did, entry_id))
    with st.container(border=True):
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        verdict = c1.segmented_control(f"Your verdict on suggestion {rank}", options=list(VERDICT_LABELS),
                                       format_func=VERDICT_LABELS.get, key=f"{prefix}verdict")
        if verdict == "wrong":
            w1, w2 = st.columns(2)
            code = w1.text_input("Right code, if you know it", key=f"{prefix}right_code", max_chars=64)
            options: list = [None]
            labels = {None: "— not sure —"}
            if (code or "").strip():
                try:
                    from ..knowledge.curation import SearchQuery

                    page = api.get_curation().search(user, SearchQuery(text=code.strip(), per_page=20))
                    for r in page.items:
                        if r.id != entry_id:
                            options.append(r.id)
                            scope = " · ".join(x for x in (r.entry.brand, r.entry.appliance, r.entry.model_scope) if x)
                            labels[r.id] = f"{r.entry.code} — {r.entry.title}" + (f" ({scope})" if scope else "")
                except DiagnosticsError:
                    pass
            w2.selectbox("Right entry, if you know it", options=options, format_func=lambda i: labels.get(i, str(i)),
                         key=f"{prefix}right_entry")
        st.text_input("Note (optional)", key=f"{prefix}note", max_chars=2000,
                      placeholder="what you changed, or why it was wrong")
        c2.button("Save feedback", key=f"{prefix}save", on_click=_save, args=(feedback, user, did, entry_id, prefix),
                  icon=":material/rate_review:")
        err = st.session_state.get("tt_feedback_errors", {}).get(prefix)
        if err:
            st.error(ui.md_escape(err), icon=":material/error:")
        if saved is not None:
            line = f"Saved: {VERDICT_LABELS.get(saved.verdict, saved.verdict)} (by {saved.verdict_by})"
            if saved.right_code:
                line += f"; right code: {saved.right_code}"
            if saved.right_entry_id is not None:
                line += f"; right entry: {saved.right_entry_id}"
            st.text(line)
            if saved.note:
                st.text(f"Note: {saved.note}")


def render_keep_media(case: case_state.Case, files: Sequence[tuple[str, bytes]] | None, user: User | None) -> None:
    """Opt-in: keep the customer's files with the recorded diagnosis (for the knowledge
    managers).  ``files`` are the uploaded ``(name, bytes)`` of this case, or ``None`` when
    they are no longer on the page (then nothing can be kept)."""
    from .. import api

    if user is None or not user.can(FEEDBACK_GIVE) or not files:
        return
    did = recorded_id(st.session_state, case, user, api.get_feedback())
    if did is None:
        return
    kept = st.session_state.setdefault(KEPT_KEY, {}).get(did)
    if kept:
        st.caption("Kept with this case: " + ", ".join(ui.md_escape(n) for n in kept))
        return
    agree = st.checkbox("Keep the customer's files with this case (only if the customer agreed)",
                        key=f"fb_keep_ok::{did}", help="Otherwise only the findings are stored, never the files.")
    if agree and st.button("Keep the files", key=f"fb_keep::{did}", icon=":material/save:"):
        try:
            for name, data in files:
                api.get_feedback().keep_media(user, did, name, data)
        except DiagnosticsError as exc:
            st.error(ui.md_escape(exc.user_message))
        else:
            st.session_state[KEPT_KEY][did] = [n for n, _ in files]
            st.rerun()
