"""Agents' feedback on suggestions, and the per-entry figures managers read.

Flow: after a diagnosis is shown, the panel calls :meth:`Feedback.record_diagnosis`
(stores the findings -- codes, confidences, quality issues, no pixels -- and one row per
suggestion shown, with its rank); the agent then marks each suggestion with
:meth:`Feedback.record_verdict`: ``used`` (sent as is), ``edited`` (sent after changing the
reply or steps) or ``wrong`` (with the right code or entry when known).  A later verdict on
the same suggestion replaces the earlier one.  Media is stored only when the agent keeps it
(:meth:`Feedback.keep_media`).

Figures per entry over a period (:meth:`Feedback.entry_stats`), the usual agent-assist
measures:

* ``suggested`` -- times the entry was shown as a suggestion;
* ``acceptance_rate`` -- (used + edited) / suggested;
* ``edit_rate`` -- edited / (used + edited): of the accepted suggestions, the share the
  agent had to change;
* ``wrong`` -- times marked wrong; ``wrong_rate`` = wrong / suggested.

:meth:`Feedback.most_rejected` lists the entries agents mark wrong most.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import case, func, select

from ..auth import DIAGNOSE, FEEDBACK_GIVE, KB_READ, METRICS_VIEW, require
from ..errors import ValidationError
from ..schema import Diagnosis
from .models import DiagnosisRecord, Entry, KeptMedia, ShownSuggestion, utcnow

VERDICTS = ("used", "edited", "wrong")
MAX_NOTE_CHARS = 2000
MAX_KEPT_BYTES = 20 * 1024 * 1024  # Settings.max_bytes default: the largest upload accepted at all


def _utc(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=timezone.utc)


def findings_of(diagnosis: Diagnosis) -> dict[str, Any]:
    """The findings of a diagnosis as stored with feedback: codes, per-file candidates and
    quality issues, unmapped codes, suggestions (entry id, rank, code, confidence); no pixels,
    no audio, no transcript text beyond what the codes came from."""
    media = []
    for m in diagnosis.media:
        media.append({
            "name": m.name, "kind": m.kind, "size": list(m.size), "error": m.error,
            "quality_issues": list(m.quality.issues),
            "candidates": [{"code": c.code, "family": c.family, "confidence": float(c.confidence),
                            "text_as_read": c.text_as_read, "engines": list(c.engines),
                            "bbox": list(c.bbox) if c.bbox else None} for c in m.candidates],
        })
    return {
        "codes": list(diagnosis.codes),
        "media": media,
        "unmapped": [c.code for c in diagnosis.unmapped],
        "suggestions": [{"entry_id": sg.entry.id, "rank": i, "code": sg.candidate.code,
                         "confidence": float(sg.confidence)} for i, sg in enumerate(diagnosis.suggestions, 1)],
    }


@dataclass(frozen=True)
class ShownItem:
    """A suggestion shown for a recorded diagnosis.

    Attributes:
        entry_id: the entry suggested.
        rank: 1-based position in the list shown.
        code: the code it answered.
        confidence: suggestion confidence ``[0, 1]``.
        verdict: ``""`` (none yet), ``used``, ``edited`` or ``wrong``.
        right_code: for ``wrong``: the code the agent says was right ("" if unknown).
        right_entry_id: for ``wrong``: the entry the agent says was right (``None`` if unknown).
        note: the agent's free text (shown back as text, never as HTML).
        verdict_by: user name of who gave the verdict.
    """

    entry_id: int
    rank: int
    code: str
    confidence: float
    verdict: str = ""
    right_code: str = ""
    right_entry_id: int | None = None
    note: str = ""
    verdict_by: str = ""


@dataclass(frozen=True)
class EntryStats:
    """Feedback figures of one entry over a period.

    Attributes:
        entry_id, code, title, brand, appliance: the entry (current values).
        suggested: times shown.
        used, edited, wrong: verdict counts.
        retired: the entry is retired now.
    """

    entry_id: int
    code: str
    title: str
    brand: str
    appliance: str
    suggested: int
    used: int
    edited: int
    wrong: int
    retired: bool = False

    @property
    def accepted(self) -> int:
        """used + edited."""
        return self.used + self.edited

    @property
    def acceptance_rate(self) -> float:
        """(used + edited) / suggested, ``[0, 1]``; 0.0 when never suggested."""
        return self.accepted / self.suggested if self.suggested else 0.0

    @property
    def edit_rate(self) -> float:
        """edited / (used + edited), ``[0, 1]``; 0.0 when never accepted."""
        return self.edited / self.accepted if self.accepted else 0.0

    @property
    def wrong_rate(self) -> float:
        """wrong / suggested, ``[0, 1]``; 0.0 when never suggested."""
        return self.wrong / self.suggested if self.suggested else 0.0


class Feedback:
    """Feedback storage and figures on one knowledge base.

    Args:
        kb: an open :class:`diagnostics.knowledge.store.KnowledgeBase`.
    """

    def __init__(self, kb):
        self.kb = kb

    def record_diagnosis(self, user, diagnosis: Diagnosis) -> str:
        """Store a diagnosis' findings and the suggestions shown (one row per distinct entry,
        best rank kept).

        Args:
            user: the agent (needs ``diagnose``).
            diagnosis: as returned by :func:`diagnostics.api.diagnose`.

        Returns:
            The diagnosis id (32 hex characters) to pass to :meth:`record_verdict`.

        Raises:
            PermissionDenied: the user may not diagnose (a reviewer).
        """
        actor = require(user, DIAGNOSE)
        did = uuid.uuid4().hex
        now = utcnow()
        findings = findings_of(diagnosis)
        with self.kb.transaction("record the diagnosis", write=True) as s:
            s.add(DiagnosisRecord(id=did, agent=actor.username, created_at=now, findings=findings))
            s.flush()
            seen: set[int] = set()
            for rank, sg in enumerate(diagnosis.suggestions, 1):
                if sg.entry.id in seen:
                    continue
                seen.add(sg.entry.id)
                s.add(ShownSuggestion(diagnosis_id=did, entry_id=sg.entry.id, entry_version=sg.entry.version,
                                      rank=rank, confidence=float(sg.confidence), code=sg.candidate.code[:64],
                                      shown_at=now))
        return did

    def _diagnosis(self, s, diagnosis_id: str) -> DiagnosisRecord:
        rec = s.get(DiagnosisRecord, str(diagnosis_id or ""))
        if rec is None:
            raise ValidationError(f"diagnosis: there is no recorded diagnosis {diagnosis_id!r}.", detail="diagnosis")
        return rec

    def findings(self, user, diagnosis_id: str) -> dict[str, Any]:
        """The stored findings JSON of a diagnosis: ``{"codes": [...], "media": [{"name",
        "kind", "size", "candidates": [...], "quality_issues": [...]}], "unmapped": [...],
        "agent", "created_at"}``.

        Raises:
            PermissionDenied: needs ``kb.read``.  ValidationError: unknown id.
        """
        require(user, KB_READ)
        from .store import iso_utc

        with self.kb.transaction("be read") as s:
            rec = self._diagnosis(s, diagnosis_id)
            return {**dict(rec.findings), "agent": rec.agent, "created_at": iso_utc(rec.created_at)}

    def shown(self, user, diagnosis_id: str) -> list[ShownItem]:
        """The suggestions shown for a diagnosis with their verdicts, by rank.

        Raises:
            PermissionDenied: needs ``kb.read``.  ValidationError: unknown id.
        """
        require(user, KB_READ)
        with self.kb.transaction("be read") as s:
            self._diagnosis(s, diagnosis_id)
            q = select(ShownSuggestion).where(ShownSuggestion.diagnosis_id == diagnosis_id).order_by(
                ShownSuggestion.rank)
            return [_item(r) for r in s.scalars(q)]

    def record_verdict(self, user, diagnosis_id: str, entry_id: int, verdict: str, *, right_code: str = "",
                       right_entry_id: int | None = None, note: str = "") -> ShownItem:
        """Mark one shown suggestion.

        Args:
            user: the agent (needs ``feedback.give``).
            diagnosis_id: from :meth:`record_diagnosis`.
            entry_id: the suggested entry being marked.
            verdict: ``used``, ``edited`` or ``wrong``.
            right_code: with ``wrong``: the right code if known (64 chars max).
            right_entry_id: with ``wrong``: the right entry if known (must exist).
            note: optional free text (2000 chars max), stored as plain text.

        Raises:
            PermissionDenied: a reviewer (or no user).
            ValidationError: unknown verdict, diagnosis, or an entry not shown for it;
                ``right_*`` given with a verdict other than ``wrong``; unknown right entry.
        """
        actor = require(user, FEEDBACK_GIVE)
        if verdict not in VERDICTS:
            raise ValidationError(f"verdict: '{verdict}' is not one of {', '.join(VERDICTS)}.", detail="verdict")
        right_code = (right_code or "").strip()
        note = note or ""
        if verdict != "wrong" and (right_code or right_entry_id is not None):
            raise ValidationError("right_code: say what the right code or entry is only when marking a suggestion "
                                  "wrong.", detail="right_code")
        if len(right_code) > 64:
            raise ValidationError("right_code: at most 64 characters.", detail="right_code")
        if not isinstance(note, str) or len(note) > MAX_NOTE_CHARS:
            raise ValidationError(f"note: at most {MAX_NOTE_CHARS} characters of text.", detail="note")
        with self.kb.transaction("record the feedback", write=True) as s:
            self._diagnosis(s, diagnosis_id)
            row = s.scalar(select(ShownSuggestion).where(ShownSuggestion.diagnosis_id == diagnosis_id,
                                                         ShownSuggestion.entry_id == entry_id))
            if row is None:
                raise ValidationError(f"entry: entry {entry_id} was not suggested in this diagnosis.", detail="entry")
            if right_entry_id is not None and s.get(Entry, right_entry_id) is None:
                raise ValidationError(f"right_entry_id: there is no entry {right_entry_id}.", detail="right_entry_id")
            row.verdict, row.right_code, row.right_entry_id = verdict, right_code, right_entry_id
            row.note, row.verdict_by, row.verdict_at = note, actor.username, utcnow()
            s.flush()
            return _item(row)

    def keep_media(self, user, diagnosis_id: str, name: str, data: bytes) -> None:
        """Keep a customer file with a diagnosis (only when the agent chooses to).

        Raises:
            PermissionDenied: needs ``feedback.give``.  ValidationError: unknown diagnosis,
            empty file, or larger than ``Settings.max_bytes`` of the default settings (20 MB).
        """
        actor = require(user, FEEDBACK_GIVE)
        if not data:
            raise ValidationError("file: the file is empty.", detail="file")
        if len(data) > MAX_KEPT_BYTES:
            raise ValidationError("file: larger than 20 MB, too large to keep.", detail="file")
        with self.kb.transaction("keep the file", write=True) as s:
            self._diagnosis(s, diagnosis_id)
            s.add(KeptMedia(diagnosis_id=diagnosis_id, name=(name or "")[:255], data=bytes(data),
                            kept_by=actor.username, kept_at=utcnow()))

    def kept_media(self, user, diagnosis_id: str) -> list[tuple[str, bytes]]:
        """``(name, bytes)`` of files kept with a diagnosis.

        Raises:
            PermissionDenied: needs ``kb.read``.
        """
        require(user, KB_READ)
        with self.kb.transaction("be read") as s:
            q = select(KeptMedia).where(KeptMedia.diagnosis_id == diagnosis_id).order_by(KeptMedia.id)
            return [(m.name, bytes(m.data)) for m in s.scalars(q)]

    def entry_stats(self, user, *, since: datetime | None = None, until: datetime | None = None,
                    entry_ids: list[int] | None = None) -> list[EntryStats]:
        """Figures per entry for suggestions shown in ``[since, until)`` (UTC; ``None`` = open
        end), entries never suggested in the period left out; most suggested first.

        Raises:
            PermissionDenied: needs ``metrics.view`` (managers and reviewers).
        """
        require(user, METRICS_VIEW)
        return self._stats(_utc(since), _utc(until), entry_ids)

    def _stats(self, since, until, entry_ids) -> list[EntryStats]:
        sv = ShownSuggestion.verdict
        q = select(ShownSuggestion.entry_id, func.count(),
                   func.sum(case((sv == "used", 1), else_=0)), func.sum(case((sv == "edited", 1), else_=0)),
                   func.sum(case((sv == "wrong", 1), else_=0))).group_by(ShownSuggestion.entry_id)
        if since is not None:
            q = q.where(ShownSuggestion.shown_at >= since)
        if until is not None:
            q = q.where(ShownSuggestion.shown_at < until)
        if entry_ids is not None:
            q = q.where(ShownSuggestion.entry_id.in_(list(entry_ids)))
        with self.kb.transaction("be read") as s:
            counts = {eid: (int(n), int(u or 0), int(ed or 0), int(w or 0)) for eid, n, u, ed, w in s.execute(q)}
            entries = {e.id: e for e in s.scalars(select(Entry).where(Entry.id.in_(list(counts))))} if counts else {}
            out = []
            for eid, (n, u, ed, w) in counts.items():
                e = entries.get(eid)
                out.append(EntryStats(entry_id=eid, code=e.code if e else "", title=e.title if e else "",
                                      brand=e.brand if e else "", appliance=e.appliance if e else "",
                                      suggested=n, used=u, edited=ed, wrong=w, retired=bool(e.deleted) if e else True))
        return sorted(out, key=lambda x: (-x.suggested, x.entry_id))

    def most_rejected(self, user, *, since: datetime | None = None, until: datetime | None = None,
                      limit: int = 20, min_suggested: int = 1) -> list[EntryStats]:
        """Entries agents mark wrong most: by wrong count, then wrong rate, then suggested;
        only entries with at least one ``wrong`` and ``min_suggested`` showings.

        Raises:
            PermissionDenied: needs ``metrics.view``.
        """
        require(user, METRICS_VIEW)
        rows = [r for r in self._stats(_utc(since), _utc(until), None)
                if r.wrong > 0 and r.suggested >= max(1, int(min_suggested))]
        rows.sort(key=lambda r: (-r.wrong, -r.wrong_rate, -r.suggested, r.entry_id))
        return rows[: max(0, int(limit))]


def _item(r: ShownSuggestion) -> ShownItem:
    return ShownItem(entry_id=r.entry_id, rank=r.rank, code=r.code, confidence=float(r.confidence),
                     verdict=r.verdict, right_code=r.right_code, right_entry_id=r.right_entry_id, note=r.note,
                     verdict_by=r.verdict_by)
