"""Session state of the panel: results that survive reruns.

Streamlit reruns the page script on every widget change.  A diagnosis is expensive, so
it is kept in ``st.session_state`` keyed by a hash of exactly what was analysed (file
bytes, names and the customer's text), never recomputed on a rerun and never lost
when another widget changes (TEST-INPUTS T12).  The functions here take the session
mapping as an argument so they are testable without a running app.
"""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass, field

from ..schema import Diagnosis

CASES_KEY = "tt_cases"
CURRENT_KEY = "tt_current_case"
REPLY_EDITS_KEY = "tt_reply_edits"
MAX_CASES = 6
"""Diagnoses kept per browser session (each holds its images; older ones are dropped)."""


@dataclass
class Case:
    """One analysed case as kept in the session.

    Attributes:
        key: :func:`case_key` of the inputs.
        names: file names analysed, in upload order.
        text: the customer's typed text that was analysed.
        diagnosis: the result.
        seconds: wall time of the run, seconds.
        error: friendly message when the run failed as a whole (then ``diagnosis`` is empty).
        hint: what to do about ``error``.
        media_bytes: per file (upload order), the uploaded bytes of videos and recordings
            for the players, ``b""`` for photos (their pixels are in the diagnosis).
        kb_revision: :func:`diagnostics.api.kb_revision` when the case was analysed
            (``None``: unknown); a kept case made on older knowledge is analysed again
            when the agent presses Diagnose.
    """

    key: str
    names: list[str]
    text: str
    diagnosis: Diagnosis = field(default_factory=Diagnosis)
    seconds: float = 0.0
    error: str = ""
    hint: str = ""
    media_bytes: list[bytes] = field(default_factory=list)
    kb_revision: tuple | None = None

    def bytes_for(self, index: int, name: str) -> bytes | None:
        """The uploaded bytes of file ``index`` when it is a video/recording named ``name``."""
        if 0 <= index < len(self.media_bytes) and index < len(self.names) and self.names[index] == name:
            return self.media_bytes[index] or None
        return None


def case_key(files: Sequence[tuple[str, bytes]], text: str = "") -> str:
    """Stable key of one set of inputs: SHA-256 over every file's name and bytes and
    the customer's text (whitespace-trimmed), as 16 hex characters.

    Two uploads of the same photos with the same text give the same key, so a rerun
    finds the earlier result instead of analysing again.
    """
    h = hashlib.sha256()
    for name, data in files:
        h.update(name.encode("utf-8", "replace"))
        h.update(b"\0")
        h.update(hashlib.sha256(data).digest())
    h.update(b"\1")
    h.update(text.strip().encode("utf-8", "replace"))
    return h.hexdigest()[:16]


def player_bytes(files: Sequence[tuple[str, bytes]], diagnosis: Diagnosis) -> list[bytes]:
    """For :attr:`Case.media_bytes`: each file's bytes when its result is a video or a
    recording (``MediaResult.kind``), else ``b""``.  ``diagnosis.media`` is in upload order."""
    out = []
    for i, (_name, data) in enumerate(files):
        m = diagnosis.media[i] if i < len(diagnosis.media) else None
        out.append(data if m is not None and m.kind in ("video", "audio") and not m.error else b"")
    return out


def store_case(session: MutableMapping, case: Case) -> None:
    """Keep ``case`` in the session and make it the one shown; drops the oldest cases
    beyond :data:`MAX_CASES`, and forgets reply edits of the replaced case."""
    cases: dict[str, Case] = session.setdefault(CASES_KEY, {})
    cases.pop(case.key, None)
    cases[case.key] = case
    while len(cases) > MAX_CASES:
        cases.pop(next(iter(cases)))
    session[CURRENT_KEY] = case.key
    edits: dict = session.setdefault(REPLY_EDITS_KEY, {})
    for k in [k for k in edits if k[0] == case.key]:
        edits.pop(k)


def get_case(session: MutableMapping, key: str) -> Case | None:
    """The stored case for ``key`` or ``None``."""
    return session.get(CASES_KEY, {}).get(key)


def current_case(session: MutableMapping) -> Case | None:
    """The case on show (the last one analysed), or ``None``."""
    key = session.get(CURRENT_KEY)
    return get_case(session, key) if key else None


def reply_edit(session: MutableMapping, key: str, language: str) -> str | None:
    """The agent's edited reply for case ``key`` in ``language``, if any."""
    return session.get(REPLY_EDITS_KEY, {}).get((key, language))


def save_reply_edit(session: MutableMapping, key: str, language: str, text: str) -> None:
    """Remember the agent's edited reply for case ``key`` in ``language``."""
    session.setdefault(REPLY_EDITS_KEY, {})[(key, language)] = text
