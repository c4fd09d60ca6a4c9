"""Curation of the knowledge base by knowledge managers: search, edit, versions, retire.

Everything the panel's knowledge-manager pages do goes through :class:`Curation`:

* :meth:`Curation.search` -- browse and search (code, alias, family, brand, free text),
  filter (family, severity, unverified source, retired), paginated;
* :meth:`Curation.get` -- one entry with its state (retired or live, who changed it last);
* :meth:`Curation.validate` -- every field's problem at once, ``{field: message}``, for
  messages next to the fields (:func:`diagnostics.knowledge.validation.field_errors` plus
  the database checks: code and aliases unique in their scope);
* :meth:`Curation.create`, :meth:`Curation.update` (optimistic concurrency:
  ``expected_version``; a stale one raises :class:`~diagnostics.errors.EditConflict`
  with the other person's change as a readable diff), :meth:`Curation.duplicate_draft` /
  :meth:`Curation.duplicate` (a sibling model), :meth:`Curation.retire` /
  :meth:`Curation.restore`;
* :meth:`Curation.history` -- every version: who, when, what changed (a readable diff);
  :meth:`Curation.restore_version` brings any version's content back as a new version;
* :meth:`Curation.try_entry` -- run the real pipeline on a photo and say whether the
  product reaches this entry.

"Retired" is the store's soft delete (``entries.deleted``): a retired entry is hidden from
lookups, suggestions, the symptom search and look-alike repair, and its history is kept.

Scope: an entry's code and every alias are unique within its scope
``(family, brand, appliance, model_scope)`` (case-insensitive; codes compared by
:func:`~diagnostics.knowledge.keys.match_key`), so a sibling model (another
``model_scope``) may carry the same code with other steps.

Every method takes the acting :class:`diagnostics.auth.User` first and checks its
permission (:data:`~diagnostics.auth.KB_READ` to read, :data:`~diagnostics.auth.KB_EDIT` to
change), raising :class:`~diagnostics.errors.PermissionDenied`.  History rows record the
user's ``username``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.exc import IntegrityError

from ..auth import KB_EDIT, KB_READ, require
from ..errors import EditConflict, FieldErrors, KnowledgeBaseError, ValidationError
from ..schema import FAMILIES, Diagnosis, KBEntry
from .keys import match_key
from .models import Alias, Entry, EntryVersion, utcnow
from .store import apply_fields, edit_conflict, iso_utc, scope_collisions, snapshot_of, to_kbentry
from .unmapped import resolve_keys
from .validation import SEVERITIES, clean_entry
from .diffing import FIELD_LABELS, FieldChange, diff_snapshots  # noqa: F401  (re-exported for the panel)

RETIRED_LIVE = "live"
RETIRED_ONLY = "retired"
RETIRED_ALL = "all"

# fields a knowledge manager edits, in form order (see diagnostics.knowledge.validation)
EDITABLE_FIELDS = ("code", "family", "brand", "appliance", "model_scope", "aliases", "title", "meaning", "causes",
                   "steps", "safety", "severity", "technician", "reply_en", "reply_es", "reply_missing", "source",
                   "verified")




@dataclass(frozen=True)
class SearchQuery:
    """What to look for; every part optional (all empty = browse everything live).

    Attributes:
        text: free text, case-insensitive substring of code, aliases, title, meaning, brand,
            appliance or model scope; an exact code/alias match (by match key) ranks first.
        code: code or alias, matched by :func:`~diagnostics.knowledge.keys.match_key`
            (``"f28"`` finds ``F.28``); a prefix of the key also matches (``"P04"``).
        family: one of :data:`diagnostics.schema.FAMILIES`, or "" for all.
        brand: brand, case-insensitive exact (``"samsung"``), or "" for all.
        severity: one of ``low|medium|high|critical``, or "".
        unverified_only: only entries with ``verified = False`` (source not checked against
            a manufacturer's manual).
        retired: ``"live"`` (default), ``"retired"`` or ``"all"``.
        page: 1-based page number.
        per_page: entries per page (1-200).
    """

    text: str = ""
    code: str = ""
    family: str = ""
    brand: str = ""
    severity: str = ""
    unverified_only: bool = False
    retired: str = RETIRED_LIVE
    page: int = 1
    per_page: int = 25


@dataclass
class EntryRecord:
    """An entry as a knowledge manager sees it.

    Attributes:
        entry: the fields (:class:`~diagnostics.schema.KBEntry`; ``entry.version`` is what
            to pass back as ``expected_version``).
        retired: True when retired (hidden from suggestions).
        reply_missing: languages (``"en"``, ``"es"``) whose reply is knowingly missing.
        created_at: ISO-8601 UTC.
        updated_at: ISO-8601 UTC of the last change.
        updated_by: user name of the last change (``"seed"`` for shipped entries).
    """

    entry: KBEntry
    retired: bool = False
    reply_missing: list[str] = field(default_factory=list)
    created_at: str = ""
    updated_at: str = ""
    updated_by: str = ""

    @property
    def id(self) -> int:
        return self.entry.id

    @property
    def version(self) -> int:
        return self.entry.version

    def form_data(self) -> dict[str, Any]:
        """The editable fields as a dict (keys :data:`EDITABLE_FIELDS`), ready for a form
        or for :meth:`Curation.update`."""
        d = {f: getattr(self.entry, f) for f in EDITABLE_FIELDS if f != "reply_missing"}
        d["aliases"], d["causes"] = list(d["aliases"]), list(d["causes"])
        d["steps"], d["safety"] = list(d["steps"]), list(d["safety"])
        d["reply_missing"] = list(self.reply_missing)
        return d


@dataclass
class SearchPage:
    """One page of search results.

    Attributes:
        items: the entries on this page.
        total: entries matching in all pages.
        page: this page (1-based).
        per_page: page size.
    """

    items: list[EntryRecord]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """Number of pages (at least 1)."""
        return max(1, -(-self.total // max(1, self.per_page)))


@dataclass
class VersionInfo:
    """One version in an entry's history.

    Attributes:
        version: 1, 2, ...
        action: ``create``, ``update``, ``retire``, ``restore``, ``restore_version``,
            ``import`` (and ``delete`` from older releases, the same as ``retire``).
        changed_by: user name (``"seed"`` for shipped entries).
        changed_at: ISO-8601 UTC.
        changes: what changed from the previous version (for version 1, every non-empty field).
        snapshot: the whole entry after this change (dict of fields, ``aliases`` included).
        note: free text given with the change (a restore says which version it brought back).
    """

    version: int
    action: str
    changed_by: str
    changed_at: str
    changes: list[FieldChange]
    snapshot: dict[str, Any]
    note: str = ""

    @property
    def summary(self) -> str:
        """One line: ``v3 update by ana at 2026-12-01T10:00:00+00:00: Severity: medium -> high; ...``."""
        what = "; ".join(c.text for c in self.changes) or "no field changes"
        note = f" ({self.note})" if self.note else ""
        return f"v{self.version} {self.action} by {self.changed_by} at {self.changed_at}{note}: {what}"


@dataclass
class TryResult:
    """Whether the product reaches an entry from given media ("Try it").

    Attributes:
        reached: True when the entry is among the suggestions.
        rank: its 1-based position among the suggestions (``None`` when not reached).
        codes_read: codes presented as findings, best first.
        explanation: a sentence for the manager (``"Reached: suggestion 1 of 2, from 5E read
            at 0.97"`` or ``"Not reached: the photo gave E4, which is not this entry's code or
            an alias"``).
        diagnosis: the full :class:`~diagnostics.schema.Diagnosis` (for evidence drawing).
    """

    reached: bool
    rank: int | None
    codes_read: list[str]
    explanation: str
    diagnosis: Diagnosis


def _record(e: Entry) -> EntryRecord:
    return EntryRecord(entry=to_kbentry(e), retired=bool(e.deleted), reply_missing=list(e.reply_missing or []),
                       created_at=iso_utc(e.created_at), updated_at=iso_utc(e.updated_at), updated_by=e.updated_by)


def _content(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The editable fields of a snapshot (older snapshots lack ``reply_missing``)."""
    d = {f: snapshot[f] for f in EDITABLE_FIELDS if f in snapshot}
    d.setdefault("reply_missing", [])
    return d


def _like(text: str) -> str:
    q = text.strip().lower()
    pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    # "critical process died" should find CRITICAL_PROCESS_DIED: a space also matches "_"
    return pattern.replace(" ", "_") if " " in q else pattern


class Curation:
    """Knowledge-manager operations on one knowledge base.

    Args:
        kb: an open :class:`diagnostics.knowledge.store.KnowledgeBase`.  Changes made here
            drop its caches, so a pipeline built on the same ``kb`` sees them at once.
    """

    def __init__(self, kb):
        self.kb = kb

    # ------------------------------------------------------------------ reading
    def search(self, user, query: SearchQuery = SearchQuery()) -> SearchPage:
        """Search and filter entries; ordered exact code/alias matches first, then family,
        brand, appliance, code.

        Raises:
            PermissionDenied: the user may not read the knowledge base.
            ValidationError: a filter value that is not allowed (unknown family, severity,
                retired mode, page < 1).
        """
        require(user, KB_READ)
        q = query
        if q.family and q.family not in FAMILIES:
            raise ValidationError(f"family: '{q.family}' is not one of {', '.join(FAMILIES)}.", detail="family")
        if q.severity and q.severity not in SEVERITIES:
            raise ValidationError(f"severity: '{q.severity}' is not one of {', '.join(SEVERITIES)}.", detail="severity")
        if q.retired not in (RETIRED_LIVE, RETIRED_ONLY, RETIRED_ALL):
            raise ValidationError("retired: choose live, retired or all.", detail="retired")
        if int(q.page) < 1 or not 1 <= int(q.per_page) <= 200:
            raise ValidationError("page: pages start at 1 and hold 1-200 entries.", detail="page")
        conds = []
        if q.retired == RETIRED_LIVE:
            conds.append(Entry.deleted.is_(False))
        elif q.retired == RETIRED_ONLY:
            conds.append(Entry.deleted.is_(True))
        if q.family:
            conds.append(Entry.family == q.family)
        if q.brand.strip():
            conds.append(func.lower(Entry.brand) == q.brand.strip().lower())
        if q.severity:
            conds.append(Entry.severity == q.severity)
        if q.unverified_only:
            conds.append(Entry.verified.is_(False))
        exact_key = ""
        if q.code.strip():
            key = match_key(q.code)
            if not key:
                raise ValidationError("code: type letters or digits of a code.", detail="code")
            exact_key = key
            prefix = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            alias_ids = select(Alias.entry_id).where(Alias.match_key.like(prefix, escape="\\"))
            conds.append(or_(Entry.match_key.like(prefix, escape="\\"), Entry.id.in_(alias_ids)))
        if q.text.strip():
            pattern = _like(q.text)
            key = match_key(q.text)
            exact_key = exact_key or key
            alias_ids = select(Alias.entry_id).where(or_(func.lower(Alias.alias).like(pattern, escape="\\"),
                                                         Alias.match_key == key))
            conds.append(or_(*(func.lower(c).like(pattern, escape="\\") for c in
                               (Entry.code, Entry.title, Entry.meaning, Entry.brand, Entry.appliance,
                                Entry.model_scope)),
                             Entry.match_key == key, Entry.id.in_(alias_ids)))
        order = [Entry.family, func.lower(Entry.brand), func.lower(Entry.appliance), Entry.code, Entry.id]
        if exact_key:
            exact_alias = select(Alias.entry_id).where(Alias.match_key == exact_key)
            order.insert(0, case((or_(Entry.match_key == exact_key, Entry.id.in_(exact_alias)), 0), else_=1))
        with self.kb.transaction("be searched") as s:
            total = int(s.scalar(select(func.count()).select_from(Entry).where(*conds)) or 0)
            rows = s.scalars(select(Entry).where(*conds).order_by(*order)
                             .offset((int(q.page) - 1) * int(q.per_page)).limit(int(q.per_page))).all()
            return SearchPage(items=[_record(e) for e in rows], total=total, page=int(q.page),
                              per_page=int(q.per_page))

    def get(self, user, entry_id: int) -> EntryRecord:
        """One entry, live or retired.

        Raises:
            PermissionDenied: the user may not read the knowledge base.
            ValidationError: no entry with this id (``detail="id"``).
        """
        require(user, KB_READ)
        with self.kb.transaction("be read") as s:
            return _record(self._entry(s, entry_id))

    def brands(self, user) -> list[str]:
        """Distinct brands of live and retired entries, sorted (for a filter box)."""
        require(user, KB_READ)
        with self.kb.transaction("be read") as s:
            names = {b.strip() for b in s.scalars(select(Entry.brand).distinct()) if b and b.strip()}
        return sorted(names, key=str.lower)

    @staticmethod
    def _entry(s, entry_id: int) -> Entry:
        e = s.get(Entry, entry_id) if isinstance(entry_id, int) and not isinstance(entry_id, bool) else None
        if e is None:
            raise ValidationError(f"id: there is no knowledge-base entry with id {entry_id}.", detail="id")
        return e

    def validate(self, data: dict[str, Any], *, entry_id: int | None = None) -> dict[str, str]:
        """Every problem with ``data`` as ``{field: message}`` (empty = valid), without saving.

        Checks :func:`diagnostics.knowledge.validation.field_errors` (code grammar of its
        family, e.g. an OBD-II DTC must match ``^[PBCU][0-3][0-9A-F]{3}$``; steps present;
        severity and technician flag set; each reply present or marked missing; ...) and the
        database: the code and aliases must not collide with another live entry in the same
        scope (family, brand, appliance, model scope).

        Args:
            data: the form's fields (:data:`EDITABLE_FIELDS`); for an update, the full form.
            entry_id: the entry being edited (its own code/aliases are not collisions).
        """
        with self.kb.transaction("be read") as s:
            return self._check(s, data, entry_id)[1]

    @staticmethod
    def _check(s, data: dict[str, Any], own_id: int | None) -> tuple[dict[str, Any], dict[str, str]]:
        data = {k: v for k, v in (data or {}).items() if k not in ("id", "version")}
        clean, errors = clean_entry(data, require_flags=True)
        if not ({"code", "family", "aliases", "brand", "appliance", "model_scope"} & set(errors)) and clean:
            for f, m in scope_collisions(s, clean, own_id).items():
                errors.setdefault(f, m)
        return clean, errors

    def history(self, user, entry_id: int) -> list[VersionInfo]:
        """Every version of an entry, newest first, each with its readable diff.

        Raises:
            PermissionDenied: the user may not read the knowledge base.
            ValidationError: no entry with this id.
        """
        require(user, KB_READ)
        with self.kb.transaction("be read") as s:
            self._entry(s, entry_id)
            rows = s.scalars(select(EntryVersion).where(EntryVersion.entry_id == entry_id)
                             .order_by(EntryVersion.version)).all()
            out: list[VersionInfo] = []
            prev: dict[str, Any] | None = None
            for v in rows:
                snap = dict(v.snapshot)
                out.append(VersionInfo(version=v.version, action=v.action, changed_by=v.changed_by,
                                       changed_at=iso_utc(v.changed_at), changes=diff_snapshots(prev, snap),
                                       snapshot=snap, note=v.note or ""))
                prev = snap
        return out[::-1]

    def diff(self, before: dict[str, Any] | None, after: dict[str, Any]) -> list[FieldChange]:
        """Field changes from snapshot ``before`` to ``after`` (``before=None``: creation),
        in :data:`EDITABLE_FIELDS` order, then ``retired``."""
        return diff_snapshots(before, after)

    # ------------------------------------------------------------------ writing helpers
    def _write(self, what: str, fn):
        """Run ``fn(session)`` in one write transaction, drop the kb caches after; a concurrent
        save that took the same version number (unique index) becomes an :class:`EditConflict`."""
        try:
            with self.kb.transaction(what, write=True) as s:
                result = fn(s)
        except KnowledgeBaseError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                raise EditConflict("version: this entry was changed by someone else at the same moment. "
                                   "Nothing was overwritten; reload it and make your change again.") from exc
            raise
        self.kb.invalidate_caches()
        return result

    @staticmethod
    def _version(s, e: Entry, action: str, author: str, note: str) -> None:
        now = utcnow()
        e.version += 1
        e.updated_at = now
        e.updated_by = author
        s.flush()
        s.add(EntryVersion(entry_id=e.id, version=e.version, snapshot=snapshot_of(e), action=action,
                           changed_by=author, changed_at=now, note=(note or "")[:2000]))

    @staticmethod
    def _insert(s, clean: dict[str, Any], author: str, note: str, action: str = "create") -> Entry:
        now = utcnow()
        e = Entry(version=1, deleted=False, created_at=now, updated_at=now, updated_by=author)
        apply_fields(e, clean)
        s.add(e)
        s.flush()
        s.add(EntryVersion(entry_id=e.id, version=1, snapshot=snapshot_of(e), action=action, changed_by=author,
                           changed_at=now, note=(note or "")[:2000]))
        resolve_keys(s, [e.match_key] + [a.match_key for a in e.aliases], e.id, author, now)
        return e

    # ------------------------------------------------------------------ writing
    def create(self, user, data: dict[str, Any], *, note: str = "") -> EntryRecord:
        """Create an entry (version 1, action ``create``).  Any unmapped-queue item with the
        same code (match key) is marked resolved by this entry.

        Args:
            user: acting user (needs ``kb.edit``).
            data: the fields (:data:`EDITABLE_FIELDS`; missing ones take defaults, but
                ``technician`` and ``severity`` must be given explicitly).
            note: optional free text stored with the version.

        Raises:
            PermissionDenied: not a knowledge manager.
            FieldErrors: ``errors`` maps each invalid field to its message; nothing stored.
        """
        actor = require(user, KB_EDIT)

        def run(s):
            clean, errors = self._check(s, data, None)
            if errors:
                raise FieldErrors(errors)
            return _record(self._insert(s, clean, actor.username, note))

        return self._write("save the entry", run)

    def update(self, user, entry_id: int, data: dict[str, Any], *, expected_version: int,
               note: str = "") -> EntryRecord:
        """Save an edit as a new version.

        Args:
            user: acting user (needs ``kb.edit``).
            entry_id: the entry.
            data: changed fields (missing ones keep their stored values).
            expected_version: the version the editor opened (``EntryRecord.version``).
            note: optional free text stored with the version.

        Returns:
            The saved entry (version + 1).  Saving identical content stores nothing and
            returns the entry unchanged.

        Raises:
            PermissionDenied: not a knowledge manager.
            EditConflict: someone saved after ``expected_version``; carries their version,
                who/when, and their changes as :class:`FieldChange` items. Nothing overwritten.
            FieldErrors: invalid fields; nothing stored.
            ValidationError: no entry with this id, or it is retired (restore it first).
        """
        actor = require(user, KB_EDIT)
        return self._write("save the entry", lambda s: self._update(s, actor.username, entry_id, data,
                                                                    expected_version, "update", note))

    def _update(self, s, author: str, entry_id: int, data: dict[str, Any], expected_version: int | None,
                action: str, note: str) -> EntryRecord:
        e = self._entry(s, entry_id)
        if expected_version is not None and expected_version != e.version:
            raise edit_conflict(s, e, expected_version)
        if e.deleted:
            raise ValidationError(f"id: entry {e.id} ({e.code}) is retired; restore it before editing.", detail="id")
        before = snapshot_of(e)
        merged = _content(before)
        merged.update({k: v for k, v in (data or {}).items() if k not in ("id", "version")})
        clean, errors = self._check(s, merged, e.id)
        if errors:
            raise FieldErrors(errors)
        if not diff_snapshots(before, {**before, **clean}):
            return _record(e)  # nothing changed: no new version
        apply_fields(e, clean)
        self._version(s, e, action, author, note)
        resolve_keys(s, [e.match_key] + [a.match_key for a in e.aliases], e.id, author)
        return _record(e)

    def duplicate_draft(self, user, entry_id: int) -> dict[str, Any]:
        """The form data for a sibling-model copy of an entry (all :data:`EDITABLE_FIELDS`,
        ``model_scope`` emptied, ``verified`` False) -- not saved; pass it to :meth:`create`
        after changing the model scope, brand or appliance.

        Raises:
            PermissionDenied: not a knowledge manager.
            ValidationError: no entry with this id.
        """
        require(user, KB_EDIT)
        with self.kb.transaction("be read") as s:
            data = _content(snapshot_of(self._entry(s, entry_id)))
        data["model_scope"] = ""
        data["verified"] = False
        return data

    def duplicate(self, user, entry_id: int, changes: dict[str, Any]) -> EntryRecord:
        """Copy an entry into a new one with ``changes`` applied (e.g. ``{"model_scope":
        "WW80 series"}``); the copy's first version notes where it came from.

        Raises:
            PermissionDenied: not a knowledge manager.
            FieldErrors: the copy is invalid -- e.g. ``code`` collides because nothing in the
                scope was changed.
            ValidationError: no entry with this id.
        """
        actor = require(user, KB_EDIT)

        def run(s):
            src = self._entry(s, entry_id)
            data = {**_content(snapshot_of(src)), "verified": False}
            data.update({k: v for k, v in (changes or {}).items() if k not in ("id", "version")})
            clean, errors = self._check(s, data, None)
            if errors:
                raise FieldErrors(errors)
            note = f"duplicated from entry {src.id} ({src.code}, version {src.version})"
            return _record(self._insert(s, clean, actor.username, note))

        return self._write("save the entry", run)

    def retire(self, user, entry_id: int, *, expected_version: int | None = None, note: str = "") -> EntryRecord:
        """Retire an entry: hidden from suggestions and lookups at once, kept with its history
        (new version, action ``retire``).

        Raises:
            PermissionDenied: not a knowledge manager.
            EditConflict: ``expected_version`` given and stale.
            ValidationError: no such entry, or already retired.
        """
        actor = require(user, KB_EDIT)

        def run(s):
            e = self._entry(s, entry_id)
            if expected_version is not None and expected_version != e.version:
                raise edit_conflict(s, e, expected_version)
            if e.deleted:
                raise ValidationError(f"id: entry {e.id} ({e.code}) is already retired.", detail="id")
            e.deleted = True
            self._version(s, e, "retire", actor.username, note)
            return _record(e)

        return self._write("retire the entry", run)

    def restore(self, user, entry_id: int, *, expected_version: int | None = None, note: str = "") -> EntryRecord:
        """Bring a retired entry back into suggestions (new version, action ``restore``).

        Raises:
            PermissionDenied: not a knowledge manager.
            EditConflict: ``expected_version`` given and stale.
            FieldErrors: another live entry now holds its code or an alias in the same scope.
            ValidationError: no such entry, or it is not retired.
        """
        actor = require(user, KB_EDIT)

        def run(s):
            e = self._entry(s, entry_id)
            if expected_version is not None and expected_version != e.version:
                raise edit_conflict(s, e, expected_version)
            if not e.deleted:
                raise ValidationError(f"id: entry {e.id} ({e.code}) is not retired.", detail="id")
            errors = scope_collisions(s, snapshot_of(e), e.id)
            if errors:
                raise FieldErrors(errors)
            e.deleted = False
            self._version(s, e, "restore", actor.username, note)
            return _record(e)

        return self._write("restore the entry", run)

    def restore_version(self, user, entry_id: int, version: int, *, expected_version: int) -> EntryRecord:
        """Make the content of an earlier ``version`` current again, as a new version
        (action ``restore_version``, note ``"restored version N"``).  The retired state is
        not changed (use :meth:`restore` for that).

        Raises:
            PermissionDenied: not a knowledge manager.
            EditConflict: ``expected_version`` is stale.
            FieldErrors: the old content collides with an entry created since.
            ValidationError: no such entry or version.
        """
        actor = require(user, KB_EDIT)

        def run(s):
            old = s.scalar(select(EntryVersion).where(EntryVersion.entry_id == entry_id,
                                                      EntryVersion.version == version))
            if old is None:
                self._entry(s, entry_id)
                raise ValidationError(f"version: entry {entry_id} has no version {version}.", detail="version")
            return self._update(s, actor.username, entry_id, _content(dict(old.snapshot)), expected_version,
                                "restore_version", f"restored version {version}")

        return self._write("restore the version", run)

    # ------------------------------------------------------------------ try it
    def try_entry(self, user, entry_id: int, files: Sequence[tuple[str, bytes]], pipeline, *,
                  text: str = "") -> TryResult:
        """Run the real pipeline on ``files`` (a sample photo or an upload) and say whether
        this entry is suggested and at which rank.

        Args:
            user: acting user (needs ``kb.edit``: only managers try entries).
            entry_id: the entry to look for.
            files: ``(name, bytes)`` pairs, as :func:`diagnostics.api.diagnose` takes.
            pipeline: a :class:`diagnostics.pipeline.Pipeline` on the same knowledge base.
            text: optional customer text.

        Raises:
            PermissionDenied: not a knowledge manager.
            ValidationError: no entry with this id, or no files.
        """
        require(user, KB_EDIT)
        if not files:
            raise ValidationError("files: choose a sample photo or upload one.", detail="files")
        with self.kb.transaction("be read") as s:
            e = self._entry(s, entry_id)
            keys = {e.match_key} | {a.match_key for a in e.aliases}
            code, retired = e.code, bool(e.deleted)
        d = pipeline.diagnose(list(files), text=text)
        codes = list(d.codes) + [c.code for c in d.unmapped if c.code not in d.codes]
        rank = next((i for i, sg in enumerate(d.suggestions, 1) if sg.entry.id == entry_id), None)
        if rank is not None:
            sg = d.suggestions[rank - 1]
            why = (f"Reached: suggestion {rank} of {len(d.suggestions)}, from {sg.candidate.code} "
                   f"read at {sg.candidate.confidence:.2f}.")
        elif retired:
            why = f"Not reached: entry {code} is retired, so it is never suggested. Restore it first."
        elif not codes:
            why = "Not reached: no code was read from this media."
        elif any(match_key(c) in keys for c in codes):
            why = (f"Not reached: {code} was read, but another entry of the same code was preferred "
                   "or the reading was held back as unsure.")
        else:
            why = (f"Not reached: the media gave {', '.join(codes)}, which is not this entry's code "
                   f"({code}) or one of its aliases.")
        return TryResult(reached=rank is not None, rank=rank, codes_read=codes, explanation=why, diagnosis=d)
