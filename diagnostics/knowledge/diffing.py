"""Readable differences between two snapshots of an entry (history and edit conflicts).

A snapshot is the dict stored in ``entry_versions.snapshot``: the entry's fields, its
``aliases``, ``version`` and ``deleted`` (shown as "retired").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DIFF_FIELDS = ("code", "family", "brand", "appliance", "model_scope", "aliases", "title", "meaning", "causes",
               "steps", "safety", "severity", "technician", "reply_en", "reply_es", "reply_missing", "source",
               "verified", "retired")
"""Fields compared, in the order changes are listed."""

FIELD_LABELS = {
    "code": "Code", "family": "Family", "brand": "Brand", "appliance": "Appliance", "model_scope": "Models",
    "aliases": "Aliases", "title": "Title", "meaning": "Meaning", "causes": "Causes", "steps": "Steps",
    "safety": "Safety notes", "severity": "Severity", "technician": "Needs a technician",
    "reply_en": "Reply (English)", "reply_es": "Reply (Spanish)", "reply_missing": "Replies marked missing",
    "source": "Source", "verified": "Checked against the manual", "retired": "Retired",
}
"""Field -> label a person reads (diffs, form labels)."""

_LONG = 80  # texts longer than this are shortened in a one-line diff


def _short(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    s = "" if v is None else str(v)
    s = " ".join(s.split())
    return s if len(s) <= _LONG else s[: _LONG - 1] + "\u2026"


@dataclass(frozen=True)
class FieldChange:
    """One field's change between two versions.

    Attributes:
        field: field name (``"steps"``, ``"severity"``, ``"retired"``).
        before: value before (``None`` when the entry was created).
        after: value after.
    """

    field: str
    before: Any
    after: Any

    @property
    def label(self) -> str:
        """The field's label (``"Safety notes"``)."""
        return FIELD_LABELS.get(self.field, self.field)

    @property
    def text(self) -> str:
        """A readable line, plain text: ``Severity: medium -> high``; for lists the items
        added and removed (``Steps: added "Check the filter"; removed "Call us"``), or
        ``reordered``; for a created entry ``Title: "Drain error"``."""
        if isinstance(self.after, list) or isinstance(self.before, list):
            before = list(self.before or [])
            after = list(self.after or [])
            added = [a for a in after if a not in before]
            removed = [b for b in before if b not in after]
            parts = []
            if added:
                parts.append("added " + ", ".join(f"\u201c{_short(a)}\u201d" for a in added))
            if removed:
                parts.append("removed " + ", ".join(f"\u201c{_short(r)}\u201d" for r in removed))
            if not parts:
                parts.append("reordered")
            return f"{self.label}: {'; '.join(parts)}"
        if self.before is None:
            return f"{self.label}: \u201c{_short(self.after)}\u201d"
        return f"{self.label}: \u201c{_short(self.before)}\u201d \u2192 \u201c{_short(self.after)}\u201d"


def _value(snapshot: dict[str, Any], f: str) -> Any:
    if f == "retired":
        return bool(snapshot.get("retired", snapshot.get("deleted", False)))
    v = snapshot.get(f)
    if f in ("aliases", "causes", "steps", "safety", "reply_missing"):
        return list(v or [])
    if f in ("technician", "verified"):
        return bool(v)
    return "" if v is None else v


def diff_snapshots(before: dict[str, Any] | None, after: dict[str, Any]) -> list[FieldChange]:
    """Changes from snapshot ``before`` to ``after``, in :data:`DIFF_FIELDS` order.

    Args:
        before: older snapshot, or ``None`` for a creation (then every non-empty field of
            ``after`` is listed, ``before`` values ``None``).
        after: newer snapshot.

    Returns:
        One :class:`FieldChange` per differing field (empty when equal).
    """
    out: list[FieldChange] = []
    for f in DIFF_FIELDS:
        b = None if before is None else _value(before, f)
        a = _value(after, f)
        if before is None:
            if a not in ("", [], False):
                out.append(FieldChange(f, None, a))
        elif a != b:
            out.append(FieldChange(f, b, a))
    return out
