"""The knowledge base: error-code entries, aliases, change history and unmapped codes.

One :class:`KnowledgeBase` per database URL holds one SQLAlchemy engine and a
``sessionmaker``; every method opens a short-lived session, so one instance can be
shared by Streamlit's threads.  SQLite (default, a file under ``Settings.data_dir``)
and PostgreSQL (``DATABASE_URL``) are supported; the schema is created and upgraded
by Alembic (:mod:`diagnostics.knowledge.migrate`).

Codes and aliases are compared by :func:`diagnostics.knowledge.keys.match_key`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete, event, func, or_, select, text, union, update
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ..config import Settings
from ..errors import DiagnosticsError, EditConflict, KnowledgeBaseError, ValidationError
from ..schema import KBEntry
from .keys import match_key
from .migrate import upgrade_to_head
from .models import Alias, Entry, EntryVersion, UnmappedCode, UnmappedExample, utcnow
from .seeding import SEED_DIR, load_seed_entries
from .validation import normalise_entry

SEED_AUTHOR = "seed"
_ENTRY_FIELDS = ("code", "family", "brand", "appliance", "model_scope", "title", "meaning", "causes",
                 "steps", "safety", "severity", "technician", "reply_en", "reply_es", "reply_missing", "source",
                 "verified")


def _iso(dt: datetime | None) -> str:
    if dt is None:
        return ""
    if dt.tzinfo is None:  # SQLite gives naive datetimes back; they were stored as UTC
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.isoformat()


def _snapshot(e: Entry) -> dict[str, Any]:
    d = {f: getattr(e, f) for f in _ENTRY_FIELDS}
    d["causes"], d["steps"], d["safety"] = list(e.causes or []), list(e.steps or []), list(e.safety or [])
    d["reply_missing"] = list(e.reply_missing or [])
    d["aliases"] = [a.alias for a in e.aliases]
    d["id"], d["version"], d["deleted"] = e.id, e.version, bool(e.deleted)
    return d


def _to_kbentry(e: Entry) -> KBEntry:
    return KBEntry(
        id=e.id, code=e.code, family=e.family, title=e.title, meaning=e.meaning,
        aliases=[a.alias for a in e.aliases], brand=e.brand, appliance=e.appliance,
        model_scope=e.model_scope, causes=list(e.causes or []), steps=list(e.steps or []),
        safety=list(e.safety or []), severity=e.severity, technician=bool(e.technician),
        reply_en=e.reply_en, reply_es=e.reply_es, source=e.source, verified=bool(e.verified),
        version=e.version,
    )


def snapshot_of(e: Entry) -> dict[str, Any]:
    """The JSON snapshot of an ORM entry as history stores it (fields, ``aliases``, ``id``,
    ``version``, ``deleted``)."""
    return _snapshot(e)


def to_kbentry(e: Entry) -> KBEntry:
    """A detached :class:`~diagnostics.schema.KBEntry` copy of an ORM entry."""
    return _to_kbentry(e)


def iso_utc(dt: datetime | None) -> str:
    """ISO-8601 UTC text of a stored time (SQLite returns naive UTC datetimes); "" for ``None``."""
    return _iso(dt)


class KnowledgeBase:
    """Error-code knowledge base over SQLAlchemy.

    Build it with :meth:`open`.  All methods are thread-safe (short sessions, one engine).
    Database failures raise :class:`KnowledgeBaseError`; bad data raises
    :class:`ValidationError`, and nothing is stored in that case.
    """

    def __init__(self, engine: Engine, *, url_label: str = ""):
        self.engine = engine
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False)
        self._url_label = url_label or engine.url.render_as_string(hide_password=True)
        self._keys_lock = threading.Lock()
        self._key_cache: tuple[dict[str, set[str]], dict[str, str]] | None = None
        # unmapped-code thumbnails older than this are deleted (Settings.unmapped_retention_days)
        self.thumbnail_retention_days = 30

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, settings: Settings, *, seed_dir: Path = SEED_DIR) -> "KnowledgeBase":
        """Open the knowledge base at ``settings.database_url``.

        Creates ``settings.data_dir`` (and the SQLite file's folder) for SQLite URLs,
        upgrades the schema to the newest Alembic revision, and seeds it from
        ``seed_dir/*.yaml`` when the entries table is empty (a second open adds nothing).

        Raises:
            KnowledgeBaseError: the database cannot be reached, migrated or seeded.
        """
        url = settings.database_url
        try:
            parsed = make_url(url)
        except Exception as exc:  # sqlalchemy.exc.ArgumentError and friends
            raise KnowledgeBaseError("The knowledge-base address (DATABASE_URL) is not a valid database URL.",
                                     detail=str(exc)) from exc
        label = parsed.render_as_string(hide_password=True)
        try:
            kwargs: dict[str, Any] = {"pool_pre_ping": True}
            if parsed.get_backend_name() == "sqlite":
                db = parsed.database or ""
                if db and db != ":memory:" and not db.startswith("file:"):
                    Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
                Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
                kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
            engine = create_engine(url, **kwargs)
            if parsed.get_backend_name() == "sqlite":
                event.listen(engine, "connect", _sqlite_connect)
                event.listen(engine, "begin", _sqlite_begin)
        except (OSError, SQLAlchemyError, ImportError) as exc:
            raise KnowledgeBaseError(f"The knowledge base at {label} could not be opened.", detail=str(exc)) from exc
        kb = cls(engine, url_label=label)
        kb.thumbnail_retention_days = int(getattr(settings, "unmapped_retention_days", 30))
        try:
            upgrade_to_head(engine)
        except Exception as exc:  # alembic raises several unrelated types
            engine.dispose()
            raise KnowledgeBaseError(f"The knowledge base at {label} could not be upgraded to the current schema.",
                                     detail=str(exc)) from exc
        try:
            if not kb.seed_if_empty(seed_dir):
                kb.add_new_seed_entries(seed_dir)
        except DiagnosticsError:
            engine.dispose()
            raise
        return kb

    def close(self) -> None:
        """Release the engine's connections."""
        self.engine.dispose()

    @contextmanager
    def _session(self, what: str, write: bool = False) -> Iterator[Session]:
        """Short transaction; ``write=True`` takes SQLite's write lock at BEGIN (IMMEDIATE), so
        concurrent writers queue (busy timeout) instead of failing with "database is locked"."""
        try:
            with self._sessions() as s, s.begin():
                if write:
                    s.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
                yield s
        except DiagnosticsError:
            raise
        except SQLAlchemyError as exc:
            raise KnowledgeBaseError(f"The knowledge base could not {what} ({self._url_label}).",
                                     detail=str(exc)) from exc

    def transaction(self, what: str = "be read", write: bool = False):
        """A short transaction for the curation modules (auth, curation, transfer, feedback):
        ``with kb.transaction("save the entry", write=True) as session: ...`` commits on
        success and rolls back on any error.

        Args:
            what: what is being done, for the error message ("could not <what>").
            write: take SQLite's write lock at BEGIN (writers queue instead of failing).

        Raises:
            KnowledgeBaseError: the database failed (wrapping ``SQLAlchemyError``);
                :class:`DiagnosticsError` raised inside passes through unchanged.
        """
        return self._session(what, write)

    def invalidate_caches(self) -> None:
        """Drop cached key tables after a write made outside :meth:`save_entry` (curation,
        import), so the next lookup and look-alike repair see the change."""
        self._invalidate()

    def seed_if_empty(self, seed_dir: Path = SEED_DIR) -> int:
        """Insert the seed entries when the entries table is empty, in one transaction.

        Returns:
            Number of entries inserted (0 when the table already had rows).

        Raises:
            KnowledgeBaseError: seed files unreadable, or a seed entry is invalid (the
                message names the entry and field), or the database write failed.
        """
        with self._session("be seeded", write=True) as s:
            # take the write lock first (a no-op UPDATE), so two processes opening an empty
            # database at once seed it only once: the second then sees the first one's rows
            s.execute(text("UPDATE alembic_version SET version_num = version_num"))
            if s.scalar(select(func.count()).select_from(Entry)):
                return 0
            raw = load_seed_entries(seed_dir)
            scopes: set[tuple] = set()
            n = 0
            for i, data in enumerate(raw):
                clean = _clean_seed(i, data)
                scope = _scope_key(clean)
                if scope in scopes:
                    raise KnowledgeBaseError(f"Seed entry {i + 1} ({clean['code']}) duplicates another entry of the same brand and appliance.")
                scopes.add(scope)
                self._insert(s, clean, SEED_AUTHOR)
                n += 1
        self._invalidate()
        return n

    def add_new_seed_entries(self, seed_dir: Path = SEED_DIR) -> int:
        """Insert seed entries that a database seeded by an older release lacks (new seed
        files, new codes).  Entries already there, edited or deleted by a knowledge manager
        (same family, brand, appliance and code), are left as they are.

        Returns:
            Number of entries inserted.

        Raises:
            KnowledgeBaseError: as :meth:`seed_if_empty`.
        """
        with self._session("be seeded", write=True) as s:
            s.execute(text("UPDATE alembic_version SET version_num = version_num"))
            have = {(f, (b or "").strip().lower(), (a or "").strip().lower(), k)
                    for f, b, a, k in s.execute(select(Entry.family, Entry.brand, Entry.appliance, Entry.match_key))}
            n = 0
            for i, data in enumerate(load_seed_entries(seed_dir)):
                clean = _clean_seed(i, data)
                fam, brand, appliance, _models, key = _scope_key(clean)
                scope = (fam, brand, appliance, key)  # a seed entry is identified without its model scope
                if scope in have:
                    continue
                have.add(scope)
                self._insert(s, clean, SEED_AUTHOR)
                n += 1
        if n:
            self._invalidate()
        return n

    # ------------------------------------------------------------------ reading
    def lookup(self, code: str, family: str | None = None) -> list[KBEntry]:
        """Entries whose code or any alias has the same :func:`match_key` as ``code``.

        Args:
            code: a code as read or typed (``"F28"``, ``"0xef"``, ``"critical_process_died"``).
            family: restrict to one family (see :data:`diagnostics.schema.FAMILIES`).

        Returns:
            Matching entries (deleted ones excluded): entries whose own code matches
            first, then alias matches; within each, by brand and id.  Empty when none.
        """
        key = match_key(code or "")
        if not key:
            return []
        with self._session("be searched") as s:
            # ids from both indexes (entries.match_key, aliases.match_key), then rows by primary
            # key: an OR over the two would make SQLite scan every live entry (10,000 -> 5 ms)
            ids = union(select(Entry.id).where(Entry.match_key == key),
                        select(Alias.entry_id).where(Alias.match_key == key))
            q = select(Entry).where(Entry.id.in_(ids), Entry.deleted.is_(False))
            if family:
                q = q.where(Entry.family == family)
            rows = s.scalars(q).all()
            rows = sorted(rows, key=lambda e: (e.match_key != key, e.brand.lower(), e.id))
            return [_to_kbentry(e) for e in rows]

    def known_keys(self) -> dict[str, set[str]]:
        """Family -> set of match keys of every code and alias (for look-alike repair).

        Cached; the cache is dropped on every write.  Returns a copy the caller may modify.
        """
        return {f: set(k) for f, k in self._key_tables()[0].items()}

    def canonical_codes(self) -> dict[str, str]:
        """Match key -> how the knowledge base writes that same code (``F28`` -> ``F.28``,
        ``SUD`` -> ``SUd``, ``DE`` -> ``dE``).  Only spellings of the *same* key: an alias
        is never translated into its entry's main code (``E4`` stays ``E4``).  Keys written
        in more than one way are left out.  Cached like :meth:`known_keys`.
        """
        return dict(self._key_tables()[1])

    def _key_tables(self) -> tuple[dict[str, set[str]], dict[str, str]]:
        """``(family -> match keys, match key -> spelling)`` from one read of the codes and
        aliases of live entries; cached until the next write."""
        with self._keys_lock:
            if self._key_cache is None:
                keys: dict[str, set[str]] = {}
                codes: dict[str, set[str]] = {}
                aliases: dict[str, set[str]] = {}
                with self._session("be read") as s:
                    live = Entry.deleted.is_(False)
                    for fam, key, code in s.execute(select(Entry.family, Entry.match_key, Entry.code).where(live)):
                        keys.setdefault(fam, set()).add(key)
                        codes.setdefault(key, set()).add(code)
                    q = select(Entry.family, Alias.match_key, Alias.alias).join(Alias, Alias.entry_id == Entry.id).where(live)
                    for fam, key, alias in s.execute(q):
                        keys.setdefault(fam, set()).add(key)
                        aliases.setdefault(key, set()).add(alias)
                # an entry's own code spelling wins over alias spellings of the same key
                merged = {**aliases, **codes}
                self._key_cache = (keys, {k: next(iter(v)) for k, v in merged.items() if len(v) == 1})
            return self._key_cache

    def _invalidate(self) -> None:
        with self._keys_lock:
            self._key_cache = None

    def get(self, entry_id: int) -> KBEntry:
        """The entry with this id.

        Raises:
            KnowledgeBaseError: no such entry (or it was deleted).
        """
        with self._session("be read") as s:
            e = s.get(Entry, entry_id)
            if e is None or e.deleted:
                raise KnowledgeBaseError(f"There is no knowledge-base entry with id {entry_id}.")
            return _to_kbentry(e)

    def all_entries(self, family: str | None = None) -> list[KBEntry]:
        """Every live entry (optionally one family), ordered by family, brand, code."""
        with self._session("be read") as s:
            q = select(Entry).where(Entry.deleted.is_(False))
            if family:
                q = q.where(Entry.family == family)
            q = q.order_by(Entry.family, Entry.brand, Entry.appliance, Entry.code, Entry.id)
            return [_to_kbentry(e) for e in s.scalars(q).all()]

    def count(self) -> int:
        """Number of live (not deleted) entries."""
        with self._session("be read") as s:
            return int(s.scalar(select(func.count()).select_from(Entry).where(Entry.deleted.is_(False))) or 0)

    def search_text(self, query: str, limit: int = 50) -> list[KBEntry]:
        """Case-insensitive substring search over code, aliases, title, meaning and brand.

        Entries whose code/alias match key equals the query's come first.

        Args:
            query: free text (``"drain"``, ``"vaillant"``, ``"f28"``); blank gives ``[]``.
            limit: most results returned.
        """
        q = (query or "").strip().lower()
        if not q:
            return []
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        # "critical process died" should find CRITICAL_PROCESS_DIED: a space also matches "_"
        pattern = pattern.replace(" ", "_") if " " in q else pattern
        key = match_key(q)
        with self._session("be searched") as s:
            alias_ids = select(Alias.entry_id).where(or_(func.lower(Alias.alias).like(pattern, escape="\\"),
                                                         Alias.match_key == key))
            cond = or_(
                func.lower(Entry.code).like(pattern, escape="\\"),
                func.lower(Entry.title).like(pattern, escape="\\"),
                func.lower(Entry.meaning).like(pattern, escape="\\"),
                func.lower(Entry.brand).like(pattern, escape="\\"),
                Entry.match_key == key,
                Entry.id.in_(alias_ids),
            )
            rows = s.scalars(select(Entry).where(Entry.deleted.is_(False), cond)).all()
            exact_alias = {r for r in s.scalars(select(Alias.entry_id).where(Alias.match_key == key))}
            rows = sorted(rows, key=lambda e: (not (e.match_key == key or e.id in exact_alias),
                                               e.family, e.brand.lower(), e.code))
            return [_to_kbentry(e) for e in rows[: max(0, int(limit))]]

    def history(self, entry_id: int) -> list[dict[str, Any]]:
        """Every recorded change of an entry, oldest first.

        Returns:
            ``[{"version": int, "action": "create"|"update"|"delete", "changed_by": str,
            "changed_at": ISO-8601 UTC str, "snapshot": dict}]``; empty for an unknown id.
        """
        with self._session("be read") as s:
            q = select(EntryVersion).where(EntryVersion.entry_id == entry_id).order_by(EntryVersion.version)
            return [{"version": v.version, "action": v.action, "changed_by": v.changed_by,
                     "changed_at": _iso(v.changed_at), "snapshot": dict(v.snapshot)} for v in s.scalars(q)]

    # ------------------------------------------------------------------ writing
    def save_entry(self, data: dict[str, Any], *, author: str, expected_version: int | None = None) -> KBEntry:
        """Create an entry (no ``data["id"]``) or update one (``data["id"]`` set).

        For an update, fields missing from ``data`` keep their stored values.  Each save
        bumps ``version`` and records a row in ``entry_versions`` with ``author``.

        Args:
            data: entry fields (see :mod:`diagnostics.knowledge.validation`).
            author: who makes the change (user name or e-mail); required.
            expected_version: the version the editor opened; an update is refused when the
                stored version differs (someone else saved in between).

        Raises:
            ValidationError: invalid data, unknown id, duplicate code in the same scope, or a
                stale ``expected_version``; nothing is stored.
            KnowledgeBaseError: the database write failed.
        """
        author = (author or "").strip()
        if not author:
            raise ValidationError("author: say who is making this change.", detail="author")
        if not isinstance(data, dict):
            raise ValidationError("An entry must be a mapping of field names to values.")
        try:
            result = self._save(data, author, expected_version)
        except KnowledgeBaseError as exc:
            if isinstance(exc.__cause__, IntegrityError):  # a concurrent save took the same version number
                raise ValidationError("version: this entry was changed by someone else at the same moment. "
                                      "Reload it and make your change again.", detail="version") from exc
            raise
        self._invalidate()
        return result

    def _save(self, data: dict[str, Any], author: str, expected_version: int | None) -> KBEntry:
        entry_id = data.get("id")
        with self._session("save the entry", write=True) as s:
            if entry_id is None:
                clean = normalise_entry(data)
                self._check_scope(s, clean, None)
                e = self._insert(s, clean, author)
            else:
                e = s.get(Entry, entry_id)
                if e is None or e.deleted:
                    raise ValidationError(f"id: there is no knowledge-base entry with id {entry_id}.", detail="id")
                if expected_version is not None and expected_version != e.version:
                    raise edit_conflict(s, e, expected_version)
                merged = _snapshot(e)
                merged.pop("deleted")
                merged.update({k: v for k, v in data.items() if k != "version"})
                clean = normalise_entry(merged)
                self._check_scope(s, clean, e.id)
                self._apply(e, clean)
                e.version += 1
                e.updated_at = utcnow()
                e.updated_by = author
                s.flush()
                s.add(EntryVersion(entry_id=e.id, version=e.version, snapshot=_snapshot(e), action="update",
                                   changed_by=author, changed_at=e.updated_at))
            s.flush()
            return _to_kbentry(e)

    def delete_entry(self, entry_id: int, *, author: str) -> None:
        """Soft-delete an entry: it disappears from lookups; its history keeps a ``delete`` row.

        Raises:
            ValidationError: no author, or no live entry with this id.
            KnowledgeBaseError: the database write failed.
        """
        author = (author or "").strip()
        if not author:
            raise ValidationError("author: say who is making this change.", detail="author")
        with self._session("delete the entry", write=True) as s:
            e = s.get(Entry, entry_id)
            if e is None or e.deleted:
                raise ValidationError(f"id: there is no knowledge-base entry with id {entry_id}.", detail="id")
            e.deleted = True
            e.version += 1
            e.updated_at = utcnow()
            e.updated_by = author
            s.add(EntryVersion(entry_id=e.id, version=e.version, snapshot=_snapshot(e), action="delete",
                               changed_by=author, changed_at=e.updated_at))
        self._invalidate()

    def record_unmapped(self, code: str, family: str, text_as_read: str, source: str = "",
                        thumbnail: bytes | None = None) -> None:
        """Count one sighting of a code the knowledge base does not know (upsert by match key).

        A sighting reopens an item that was resolved (its entry was retired since) or
        dismissed.

        Args:
            code: normalised code (``"E77"``); its match key identifies the row.
            family: family guess from the extractor.
            text_as_read: characters as the engine read them (kept as an example, 255 chars max).
            source: media name or channel it came from.
            thumbnail: optional small JPEG around the code
                (:func:`diagnostics.knowledge.unmapped.make_thumbnail`); the newest
                ``MAX_THUMBS_PER_CODE`` per code are kept, none older than
                :attr:`thumbnail_retention_days`.

        Raises:
            ValidationError: ``code`` has no letters or digits.
            KnowledgeBaseError: the database write failed.
        """
        key = match_key(code or "")
        if not key:
            raise ValidationError("code: an unmapped code needs letters or digits.", detail="code")
        now = utcnow()
        values: dict[str, Any] = {"count": UnmappedCode.count + 1, "last_seen": now, "resolved_entry_id": None,
                                  "resolved_at": None, "resolved_by": "", "dismissed": False}
        if family:
            values["family"] = family[:32]
        if text_as_read:
            values["example"] = text_as_read[:255]
        if source:
            values["last_source"] = source[:255]
        # one atomic UPDATE (count = count + 1), else INSERT; a concurrent INSERT of the same
        # key loses on the unique index and is retried as an UPDATE
        for attempt in range(2):
            try:
                with self._session("record the unmapped code", write=True) as s:
                    res = s.execute(update(UnmappedCode).where(UnmappedCode.match_key == key).values(**values))
                    if res.rowcount == 0:
                        s.add(UnmappedCode(match_key=key[:64], code=code.strip()[:64], family=(family or "")[:32],
                                           count=1, first_seen=now, last_seen=now,
                                           example=(text_as_read or "")[:255], last_source=(source or "")[:255]))
                        s.flush()
                    if thumbnail:
                        self._add_thumbnail(s, key[:64], bytes(thumbnail), source, now)
                return
            except KnowledgeBaseError as exc:
                if attempt == 0 and isinstance(exc.__cause__, IntegrityError):
                    continue
                raise

    def _add_thumbnail(self, s: Session, key: str, jpeg: bytes, source: str, now: datetime) -> None:
        from .unmapped import MAX_THUMBS_PER_CODE, jpeg_size, prune_thumbnails

        uid = s.scalar(select(UnmappedCode.id).where(UnmappedCode.match_key == key))
        w, h = jpeg_size(jpeg)
        s.add(UnmappedExample(unmapped_id=uid, jpeg=jpeg, width=w, height=h, source=(source or "")[:255], seen_at=now))
        s.flush()
        keep = select(UnmappedExample.id).where(UnmappedExample.unmapped_id == uid).order_by(
            UnmappedExample.seen_at.desc(), UnmappedExample.id.desc()).limit(MAX_THUMBS_PER_CODE)
        s.execute(delete(UnmappedExample).where(UnmappedExample.unmapped_id == uid,
                                                UnmappedExample.id.not_in(keep.scalar_subquery())))
        prune_thumbnails(s, self.thumbnail_retention_days, now)

    def list_unmapped(self) -> list[dict[str, Any]]:
        """Open unmapped codes (not yet resolved by an entry or dismissed), most frequent first.
        Thumbnails and resolved items: :class:`diagnostics.knowledge.unmapped.UnmappedQueue`.

        Returns:
            ``[{"code", "match_key", "family", "count", "first_seen", "last_seen",
            "example", "source"}]`` with ISO-8601 UTC times.
        """
        with self._session("be read") as s:
            q = select(UnmappedCode).where(UnmappedCode.resolved_entry_id.is_(None), UnmappedCode.dismissed.is_(False))
            q = q.order_by(UnmappedCode.count.desc(), UnmappedCode.last_seen.desc())
            return [{"code": u.code, "match_key": u.match_key, "family": u.family, "count": u.count,
                     "first_seen": _iso(u.first_seen), "last_seen": _iso(u.last_seen),
                     "example": u.example, "source": u.last_source} for u in s.scalars(q)]

    # ------------------------------------------------------------------ helpers
    def _check_scope(self, s: Session, clean: dict[str, Any], own_id: int | None) -> None:
        errors = scope_collisions(s, clean, own_id)
        if errors:
            field, message = next(iter(errors.items()))
            raise ValidationError(f"{field}: {message}", detail=field)

    @staticmethod
    def _apply(e: Entry, clean: dict[str, Any]) -> None:
        for f in _ENTRY_FIELDS:
            setattr(e, f, clean[f])
        e.match_key = match_key(clean["code"])
        wanted = {match_key(a): a for a in clean["aliases"]}
        for a in list(e.aliases):
            if a.match_key not in wanted:
                e.aliases.remove(a)
            else:
                a.alias = wanted.pop(a.match_key)
        for k, a in wanted.items():
            e.aliases.append(Alias(alias=a, match_key=k))

    def _insert(self, s: Session, clean: dict[str, Any], author: str) -> Entry:
        now = utcnow()
        e = Entry(version=1, deleted=False, created_at=now, updated_at=now, updated_by=author)
        self._apply(e, clean)
        s.add(e)
        s.flush()
        s.add(EntryVersion(entry_id=e.id, version=1, snapshot=_snapshot(e), action="create",
                           changed_by=author, changed_at=now))
        return e


def snapshot_from_clean(clean: dict[str, Any], entry_id: int, version: int, deleted: bool) -> dict[str, Any]:
    """The snapshot :func:`snapshot_of` gives for an entry written from ``clean`` (validated
    fields) -- for bulk inserts that skip the ORM objects."""
    d = {f: clean[f] for f in _ENTRY_FIELDS}
    for f in ("causes", "steps", "safety", "reply_missing"):
        d[f] = list(d[f] or [])
    d["aliases"] = list(clean["aliases"])
    d["id"], d["version"], d["deleted"] = entry_id, version, bool(deleted)
    return d


def entry_columns(clean: dict[str, Any]) -> dict[str, Any]:
    """Column values of the ``entries`` row for validated fields ``clean`` (match key included;
    aliases are rows of their own)."""
    d = {f: clean[f] for f in _ENTRY_FIELDS}
    d["match_key"] = match_key(clean["code"])
    return d


def apply_fields(e: Entry, clean: dict[str, Any]) -> None:
    """Copy validated fields (:func:`~diagnostics.knowledge.validation.normalise_entry`
    output) onto an ORM entry, match key and aliases included."""
    KnowledgeBase._apply(e, clean)


def _clean_seed(i: int, data: dict[str, Any]) -> dict[str, Any]:
    """Validated, normalised seed entry ``i``; an invalid one names itself in the error."""
    try:
        return normalise_entry(data)
    except ValidationError as exc:
        raise KnowledgeBaseError(f"Seed entry {i + 1} ({data.get('code', '?')}) is invalid: {exc.user_message}") from exc


def _scope_key(d: dict[str, Any]) -> tuple[str, str, str, str, str]:
    return (d["family"], d["brand"].strip().lower(), d["appliance"].strip().lower(),
            (d.get("model_scope") or "").strip().lower(), match_key(d["code"]))


def scope_of(d: dict[str, Any]) -> tuple[str, str, str, str]:
    """An entry's scope: ``(family, brand, appliance, model scope)``, lower-case, stripped.
    Codes and aliases are unique within a scope; an empty model scope means every model of
    that brand and appliance, so it overlaps every model scope (see :func:`scope_collisions`)."""
    return _scope_key(d)[:4]


def scope_collisions(s: Session, clean: dict[str, Any], own_id: int | None) -> dict[str, str]:
    """``{field: message}`` when ``clean``'s code or an alias is already the code or an alias
    of another live entry in an overlapping scope (same family, brand and appliance; same
    model scope, or either one empty = all models); empty when none.  ``own_id`` (the entry being edited) is not a collision with itself."""
    code_key = match_key(clean["code"])
    alias_keys = {match_key(a): a for a in clean.get("aliases", [])}
    keys = {code_key, *alias_keys}
    fam, brand, appliance, models = scope_of(clean)
    alias_ids = select(Alias.entry_id).where(Alias.match_key.in_(keys))
    q = select(Entry).where(Entry.deleted.is_(False), Entry.family == fam,
                            func.lower(func.trim(Entry.brand)) == brand,
                            func.lower(func.trim(Entry.appliance)) == appliance,
                            or_(Entry.match_key.in_(keys), Entry.id.in_(alias_ids)))
    if models:  # an entry without a model scope covers every model, so it overlaps any model scope
        q = q.where(or_(func.lower(func.trim(Entry.model_scope)) == models, func.trim(Entry.model_scope) == ""))
    if own_id is not None:
        q = q.where(Entry.id != own_id)
    errors: dict[str, str] = {}
    where = " ".join(p for p in (clean["brand"], clean["appliance"], clean.get("model_scope", "")) if p) or clean["family"]
    for other in s.scalars(q.order_by(Entry.id)):
        theirs = {other.match_key} | {a.match_key for a in other.aliases}
        if code_key in theirs and "code" not in errors:
            errors["code"] = (f"{clean['code']} already exists for {where} (entry {other.id}, {other.code}); "
                              "edit that entry instead")
        clash = [a for k, a in alias_keys.items() if k in theirs and k != code_key]
        if clash and "aliases" not in errors:
            errors["aliases"] = (f"{', '.join(clash)} already belong{'s' if len(clash) == 1 else ''} to entry "
                                 f"{other.id} ({other.code}) for {where}")
    return errors


def edit_conflict(s: Session, e: Entry, expected_version: int) -> EditConflict:
    """The :class:`EditConflict` for a save based on ``expected_version`` while ``e`` is at a
    newer version: who saved, when, and what changed since (readable diff)."""
    from .diffing import diff_snapshots

    versions = {v.version: v for v in s.scalars(select(EntryVersion).where(
        EntryVersion.entry_id == e.id, EntryVersion.version.in_([expected_version, e.version])))}
    base = versions.get(expected_version)
    last = versions.get(e.version)
    changes = diff_snapshots(dict(base.snapshot), _snapshot(e)) if base is not None else []
    who = (last.changed_by if last is not None else e.updated_by) or "someone"
    when = _iso(last.changed_at if last is not None else e.updated_at)
    listed = "; ".join(c.text for c in changes[:6]) or "no field changes"
    return EditConflict(
        f"version: entry {e.code} was changed by {who} since you opened it (you opened version {expected_version}, "
        f"it is now version {e.version}): {listed}. Nothing was overwritten; reload it and make your change again.",
        entry_id=e.id, your_version=expected_version, current_version=e.version, changed_by=who, changed_at=when,
        changes=changes, current=_snapshot(e))


def _sqlite_connect(dbapi_conn, _record) -> None:
    # Let SQLAlchemy emit BEGIN itself (pysqlite's own transaction handling skips DDL and
    # cannot take the write lock early); see SQLAlchemy's "Serializable isolation" notes.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _sqlite_begin(conn) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {'IMMEDIATE' if mode == 'IMMEDIATE' else 'DEFERRED'}")
