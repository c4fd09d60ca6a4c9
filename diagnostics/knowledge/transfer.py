"""Bulk export and import of knowledge-base entries as CSV or YAML.

Formats (both round-trip exactly: exporting, importing that file and exporting again gives
the same bytes, and the import plan says every row is unchanged):

* **CSV** (UTF-8, RFC 4180 quoting, header row, ``\\n`` line ends): one row per entry, columns
  :data:`COLUMNS`.  List fields (``aliases``, ``causes``, ``steps``, ``safety``,
  ``reply_missing``) hold one item per line inside the cell (spreadsheets show a multi-line
  cell); booleans are ``true``/``false``; ``retired`` is ``true`` for a retired entry.
* **YAML**: ``{"format": "telltale-kb", "version": 1, "entries": [ {...}, ... ]}`` with the
  same keys per entry (lists as YAML lists), the same shape as the seed files.

``id`` and ``version`` are what the exporting database had.  On import a row is matched to
an entry by ``id`` when that id exists here, else by scope (family, brand, appliance, model
scope, code); when matched by id, a ``version`` that differs from the stored one means the
entry was edited since the export and the row is invalid (nothing is overwritten).
Rows with an empty ``id`` are new entries.  Entries absent from the file are left alone.

Import is two steps: :func:`plan_import` is the dry run (every row: added, changed,
unchanged or invalid with its reasons, nothing written); :func:`apply_import` writes a plan
in one transaction -- any invalid row, or any entry changed since the dry run, and nothing
is written.  A file that cannot be parsed raises :class:`~diagnostics.errors.ValidationError`
and changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, insert, select

from ..auth import KB_IMPORT, require
from ..errors import DiagnosticsError, ValidationError
from .diffing import diff_snapshots
from .keys import match_key
from .models import Alias, Entry, EntryVersion, UnmappedCode, utcnow
from .store import apply_fields, entry_columns, snapshot_from_clean, snapshot_of
from .unmapped import resolve_keys
from .validation import clean_entry

FORMATS = ("csv", "yaml")
COLUMNS = ("id", "version", "code", "family", "brand", "appliance", "model_scope", "aliases", "title", "meaning",
           "causes", "steps", "safety", "severity", "technician", "reply_en", "reply_es", "reply_missing", "source",
           "verified", "retired")
"""CSV header / YAML keys, in order."""

ADDED, CHANGED, UNCHANGED, INVALID = "added", "changed", "unchanged", "invalid"
MAX_IMPORT_BYTES = 50 * 1024 * 1024
LIST_COLUMNS = ("aliases", "causes", "steps", "safety", "reply_missing")
BOOL_COLUMNS = ("technician", "verified", "retired")
INT_COLUMNS = ("id", "version")
CONTENT_COLUMNS = tuple(c for c in COLUMNS if c not in ("id", "version", "retired"))
YAML_FORMAT_TAG = "telltale-kb"


@dataclass
class PlanRow:
    """One row of an import dry run.

    Attributes:
        row: 1-based data row number in the file (CSV: the header is row 0, so row 1 is the
            file's second line; YAML: position in ``entries``).
        status: ``added``, ``changed``, ``unchanged`` or ``invalid``.
        code: the row's code as written (for display).
        entry_id: the matched entry (``None`` for added and unmatched invalid rows).
        reasons: why a row is invalid, as ``{field: message}`` (empty otherwise).
        changes: for ``changed`` rows, what would change
            (:class:`diagnostics.knowledge.curation.FieldChange`).
        data: the row's cleaned fields (what would be written).
        base_version: stored version seen at dry-run time (``changed``/``unchanged``).
    """

    row: int
    status: str
    code: str = ""
    entry_id: int | None = None
    reasons: dict[str, str] = field(default_factory=dict)
    changes: list = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    base_version: int | None = None

    @property
    def reason_text(self) -> str:
        """``"code: ...; steps: ..."`` (empty when valid)."""
        return "; ".join(f"{f}: {m}" for f, m in self.reasons.items())


@dataclass
class ImportPlan:
    """Result of a dry run (:func:`plan_import`).

    Attributes:
        fmt: ``csv`` or ``yaml``.
        rows: one :class:`PlanRow` per data row, in file order.
        digest: SHA-256 of the file's bytes (shown with the confirmation).
        db_state: ``(entries, highest id, sum of versions)`` seen by the dry run; applying
            is refused when the knowledge base no longer matches it.
    """

    fmt: str
    rows: list[PlanRow]
    digest: str = ""
    db_state: tuple[int, int, int] = (0, 0, 0)

    def of(self, status: str) -> list[PlanRow]:
        """Rows with this status."""
        return [r for r in self.rows if r.status == status]

    @property
    def counts(self) -> dict[str, int]:
        """``{"added": n, "changed": n, "unchanged": n, "invalid": n}``."""
        return {s: len(self.of(s)) for s in (ADDED, CHANGED, UNCHANGED, INVALID)}

    @property
    def ok(self) -> bool:
        """True when no row is invalid (the plan may be applied)."""
        return not self.of(INVALID)

    def summary(self) -> str:
        """``"3 added, 1 changed, 170 unchanged, 0 invalid"``."""
        c = self.counts
        return ", ".join(f"{c[s]} {s}" for s in (ADDED, CHANGED, UNCHANGED, INVALID))


@dataclass(frozen=True)
class ImportResult:
    """What :func:`apply_import` wrote.

    Attributes:
        added: entries created.
        changed: entries updated (a new version each, action ``import``).
        unchanged: rows that needed nothing.
        entry_ids: ids of the added and changed entries, in file order.
    """

    added: int
    changed: int
    unchanged: int
    entry_ids: tuple[int, ...] = ()


def detect_format(path: str | Path, fmt: str | None = None) -> str:
    """``fmt`` if given, else from the file name (``.csv`` -> csv, ``.yaml``/``.yml`` -> yaml).

    Raises:
        ValidationError: unknown format or extension.
    """
    if fmt:
        f = fmt.strip().lower()
        f = "yaml" if f == "yml" else f
        if f not in FORMATS:
            raise ValidationError(f"format: '{fmt}' is not one of csv, yaml.", detail="format")
        return f
    suffix = Path(str(path)).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    raise ValidationError(f"format: cannot tell the format of '{Path(str(path)).name}'; name it .csv or .yaml, "
                          "or say --format csv|yaml.", detail="format")


def _row_of(e: Entry) -> dict[str, Any]:
    snap = snapshot_of(e)
    out = {c: snap.get(c) for c in CONTENT_COLUMNS}
    out["id"], out["version"], out["retired"] = e.id, e.version, bool(e.deleted)
    return {c: out[c] for c in COLUMNS}


def _rows(kb, include_retired: bool) -> list[dict[str, Any]]:
    with kb.transaction("be exported") as s:
        q = select(Entry).order_by(Entry.id)
        if not include_retired:
            q = q.where(Entry.deleted.is_(False))
        return [_row_of(e) for e in s.scalars(q)]


def _cell(column: str, value: Any) -> str:
    if column in LIST_COLUMNS:
        return "\n".join(value or [])
    if column in BOOL_COLUMNS:
        return "true" if value else "false"
    return "" if value is None else str(value)


def export_entries(kb, fmt: str, *, include_retired: bool = True) -> str:
    """Every entry (by id) as CSV or YAML text.

    Args:
        kb: an open :class:`~diagnostics.knowledge.store.KnowledgeBase`.
        fmt: ``csv`` or ``yaml``.
        include_retired: also export retired entries (``retired: true``).

    Raises:
        ValidationError: unknown format.
        KnowledgeBaseError: the database could not be read.
    """
    fmt = detect_format("", fmt)
    rows = _rows(kb, include_retired)
    if fmt == "csv":
        buf = io.StringIO(newline="")
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow([_cell(c, r[c]) for c in COLUMNS])
        return buf.getvalue()
    doc = {"format": YAML_FORMAT_TAG, "version": 1, "entries": rows}
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


def export_to_file(kb, fmt: str, path: str | Path, *, include_retired: bool = True) -> int:
    """Write :func:`export_entries` to ``path`` (UTF-8); returns the number of entries.

    Raises:
        ValidationError: unknown format; KnowledgeBaseError: database read failed;
        DiagnosticsError: the file could not be written.
    """
    text = export_entries(kb, fmt, include_retired=include_retired)
    try:
        Path(path).write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise DiagnosticsError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
    if fmt.lower().startswith("y"):
        return len(yaml.safe_load(text)["entries"])
    return max(0, sum(1 for _ in csv.reader(io.StringIO(text, newline=""))) - 1)


# ------------------------------------------------------------------ parsing
def _decode(content: bytes | str) -> str:
    if isinstance(content, str):
        data = content
    else:
        if len(content) > MAX_IMPORT_BYTES:
            raise ValidationError(f"file: larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB; split it.", detail="file")
        try:
            data = bytes(content).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(f"file: not UTF-8 text (byte {exc.start}); save it as UTF-8 and try again.",
                                  detail="file") from exc
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError(f"file: larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB; split it.", detail="file")
    if not data.strip():
        raise ValidationError("file: the file is empty.", detail="file")
    return data


def _csv_value(column: str, cell: str) -> Any:
    if column in LIST_COLUMNS:
        return [line.strip() for line in cell.replace("\r\n", "\n").split("\n") if line.strip()]
    if column in BOOL_COLUMNS:
        low = cell.strip().lower()
        if low in ("true", "yes", "1"):
            return True
        if low in ("false", "no", "0"):
            return False
        if low == "":
            return None
        return cell  # left as text: validation says "must be true or false"
    if column in INT_COLUMNS:
        c = cell.strip()
        if not c:
            return None
        return int(c) if c.isdigit() else cell
    return cell


def _parse_csv(text: str) -> list[dict[str, Any]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except (csv.Error, StopIteration) as exc:
        raise ValidationError(f"file: the CSV header could not be read ({exc}).", detail="file") from exc
    header = [h.strip() for h in header]
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise ValidationError(f"file: unknown column(s) {', '.join(unknown)}; the columns are {', '.join(COLUMNS)}.",
                              detail="file")
    for need in ("code", "family"):
        if need not in header:
            raise ValidationError(f"file: the CSV has no '{need}' column.", detail="file")
    if len(set(header)) != len(header):
        raise ValidationError("file: a column name appears twice in the header.", detail="file")
    rows: list[dict[str, Any]] = []
    try:
        for cells in reader:
            n = len(rows) + 1
            if not any(c.strip() for c in cells):
                continue  # a blank line
            if len(cells) != len(header):
                raise ValidationError(f"file: row {n} (line {reader.line_num}) has {len(cells)} cells, the header "
                                      f"has {len(header)}.", detail="file")
            rows.append({h: _csv_value(h, c) for h, c in zip(header, cells)})
    except csv.Error as exc:
        raise ValidationError(f"file: CSV error near line {reader.line_num}: {exc}.", detail="file") from exc
    return rows


class _TextLoader(yaml.SafeLoader):
    """Safe YAML loader for imports: an unquoted number stays the text as written
    (``code: 010`` is the code ``010``, not 8; ``0x1E``, ``1:20``, ``50.10`` likewise),
    because every field that looks numeric here is a code or a text.  Booleans and nulls
    are resolved as usual."""


_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _refuse_aliases(text: str) -> None:
    """A YAML alias (``*name``) can expand a small file into gigabytes (a "billion laughs"
    file); an exported file never uses them, so an import that does is refused before it
    is built."""
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                raise ValidationError(f"file: YAML aliases (*name) are not accepted (line {mark.line + 1}); "
                                      "write each value out in full.", detail="file")
    except yaml.YAMLError:
        return  # reported with its line by the loader below


def _parse_yaml(text: str) -> list[dict[str, Any]]:
    _refuse_aliases(text)
    try:
        doc = yaml.load(text, Loader=_TextLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ValidationError(f"file: not valid YAML{where}.", detail="file") from exc
    entries = doc.get("entries") if isinstance(doc, dict) else doc
    if not isinstance(entries, list):
        raise ValidationError("file: the YAML needs an 'entries:' list.", detail="file")
    rows = []
    for i, item in enumerate(entries, 1):
        if not isinstance(item, dict):
            raise ValidationError(f"file: entry {i} is not a mapping of field names to values.", detail="file")
        unknown = [k for k in item if k not in COLUMNS]
        if unknown:
            raise ValidationError(f"file: entry {i} has unknown field(s) {', '.join(map(str, unknown))}.",
                                  detail="file")
        row = dict(item)
        for k, v in row.items():  # numbers arrive as text (_TextLoader); id and version are numbers
            if k in INT_COLUMNS and isinstance(v, str) and v.strip().isdigit():
                row[k] = int(v.strip())
        rows.append(row)
    return rows


def parse_file(content: bytes | str, fmt: str) -> list[dict[str, Any]]:
    """Rows of an import file as raw dicts (types as written; not validated).

    Raises:
        ValidationError: the file is not valid UTF-8 / CSV / YAML, lacks required columns
            (``code``, ``family``), has unknown columns, or is larger than
            :data:`MAX_IMPORT_BYTES`; the message says what and where (line/row).
    """
    fmt = detect_format("", fmt)
    text = _decode(content)
    return _parse_csv(text) if fmt == "csv" else _parse_yaml(text)


# ------------------------------------------------------------------ planning
def _scope3(d: dict[str, Any]) -> tuple[str, str, str]:
    return (d.get("family") or "", (d.get("brand") or "").strip().lower(), (d.get("appliance") or "").strip().lower())


def _models(d: dict[str, Any]) -> str:
    return (d.get("model_scope") or "").strip().lower()


class _KeyIndex:
    """Code and alias match keys of live entries per (family, brand, appliance), with each
    holder's model scope; mirrors :func:`diagnostics.knowledge.store.scope_collisions`."""

    def __init__(self):
        self._by: dict[tuple, dict[str, dict[Any, str]]] = {}
        self._owner: dict[Any, tuple[tuple, set[str]]] = {}

    @staticmethod
    def keys_of(d: dict[str, Any]) -> tuple[str, dict[str, str]]:
        return match_key(d["code"]), {match_key(a): a for a in d.get("aliases") or []}

    def add(self, ref: Any, d: dict[str, Any], code: str) -> None:
        ck, ak = self.keys_of(d)
        scope = _scope3(d)
        keys = {ck, *ak}
        slot = self._by.setdefault(scope, {})
        for k in keys:
            slot.setdefault(k, {})[ref] = _models(d)
        self._owner[ref] = (scope, keys, code)

    def remove(self, ref: Any) -> None:
        if ref not in self._owner:
            return
        scope, keys, _code = self._owner.pop(ref)
        for k in keys:
            self._by.get(scope, {}).get(k, {}).pop(ref, None)

    def clashes(self, ref: Any, d: dict[str, Any]) -> dict[str, str]:
        ck, ak = self.keys_of(d)
        slot = self._by.get(_scope3(d), {})
        mine = _models(d)
        errors: dict[str, str] = {}

        def holders(k):
            return [r for r, ms in slot.get(k, {}).items() if r != ref and (not mine or not ms or ms == mine)]

        def name(r):
            code = self._owner[r][2]
            return f"entry {r} ({code})" if isinstance(r, int) else f"row {r[1]} ({code})"

        h = holders(ck)
        if h:
            errors["code"] = f"{d['code']} already exists in this scope ({name(h[0])})"
        clash = [(a, holders(k)) for k, a in ak.items() if k != ck and holders(k)]
        if clash:
            errors["aliases"] = "; ".join(f"{a} already belongs to {name(hs[0])}" for a, hs in clash)
        return errors


def _db_state(s) -> tuple[int, int, int]:
    n, top, vsum = s.execute(select(func.count(), func.max(Entry.id), func.sum(Entry.version))).one()
    return int(n or 0), int(top or 0), int(vsum or 0)


def _content(snapshot: dict[str, Any]) -> dict[str, Any]:
    d = {c: snapshot.get(c) for c in CONTENT_COLUMNS}
    d["reply_missing"] = list(d.get("reply_missing") or [])
    return d


def plan_import(kb, user, content: bytes | str, fmt: str) -> ImportPlan:
    """Dry run: classify every row, write nothing.

    Args:
        kb: the knowledge base.
        user: acting user (needs ``kb.import``).
        content: the file's bytes or text.
        fmt: ``csv`` or ``yaml``.

    Raises:
        PermissionDenied: not a knowledge manager.
        ValidationError: the file cannot be parsed (nothing else is reported then).
    """
    require(user, KB_IMPORT)
    fmt = detect_format("", fmt)
    raw = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    rows = parse_file(raw, fmt)
    with kb.transaction("be read") as s:
        state = _db_state(s)
        entries = {e.id: snapshot_of(e) for e in s.scalars(select(Entry))}
        plan_rows = _classify(rows, entries)
    return ImportPlan(fmt=fmt, rows=plan_rows, digest=hashlib.sha256(raw).hexdigest(), db_state=state)


def _classify(rows: list[dict[str, Any]], entries: dict[int, dict[str, Any]]) -> list[PlanRow]:
    index = _KeyIndex()
    by_scope: dict[tuple, int] = {}
    for eid, snap in entries.items():
        if not snap["deleted"]:
            index.add(eid, snap, snap["code"])
        by_scope.setdefault(_scope3(snap) + (_models(snap), match_key(snap["code"])), eid)
    out: list[PlanRow] = []
    seen_ids: dict[int, int] = {}
    seen_scopes: dict[tuple, int] = {}
    for n, raw in enumerate(rows, 1):
        raw = dict(raw)
        rid, version, retired = raw.pop("id", None), raw.pop("version", None), raw.pop("retired", None)
        code = str(raw.get("code") or "")
        reasons: dict[str, str] = {}
        if rid is not None and not isinstance(rid, int):
            reasons["id"] = f"'{rid}' is not a whole number"
            rid = None
        if version is not None and not isinstance(version, int):
            reasons["version"] = f"'{version}' is not a whole number"
            version = None
        if retired is None:
            retired = False
        if not isinstance(retired, bool):
            reasons["retired"] = "must be true or false"
            retired = False
        target = rid if rid in entries else None
        if target is None:
            probe = {"family": raw.get("family") or "", "brand": raw.get("brand") or "",
                     "appliance": raw.get("appliance") or "", "model_scope": raw.get("model_scope") or ""}
            if isinstance(raw.get("code"), str) and all(isinstance(v, str) for v in probe.values()):
                target = by_scope.get(_scope3(probe) + (_models(probe), match_key(raw["code"])))
        if target is not None and target in seen_ids:
            reasons["id"] = f"entry {target} is already changed by row {seen_ids[target]} of this file"
        base = entries.get(target) if target is not None else None
        merged = {**_content(base), **raw} if base is not None else raw
        clean, errors = clean_entry(merged, require_flags=True)
        for f, m in errors.items():
            reasons.setdefault(f, m)
        status = ADDED if base is None else UNCHANGED
        changes: list = []
        if not reasons and base is not None:
            after = {**base, **clean, "deleted": retired}
            changes = diff_snapshots(base, after)
            status = CHANGED if changes else UNCHANGED
            if changes and rid == target and version is not None and version != base["version"]:
                reasons["version"] = (f"entry {target} was changed since this file was exported (file has version "
                                      f"{version}, the knowledge base has {base['version']}); export again")
        if not reasons:
            ref = target if target is not None else ("row", n)
            scope_key = _scope3(clean) + (_models(clean), match_key(clean["code"]))
            if scope_key in seen_scopes:
                reasons["code"] = f"{clean['code']} appears twice in this file (row {seen_scopes[scope_key]})"
            elif not retired:
                index.remove(ref)
                clash = index.clashes(ref, clean)
                if clash:
                    reasons.update(clash)
                    if base is not None and not base["deleted"]:
                        index.add(ref, base, base["code"])
                else:
                    index.add(ref, clean, clean["code"])
            else:
                index.remove(ref)
            seen_scopes.setdefault(scope_key, n)
        if target is not None:
            seen_ids.setdefault(target, n)
        if reasons:
            out.append(PlanRow(row=n, status=INVALID, code=code, entry_id=target, reasons=reasons))
            continue
        data = {**{c: clean[c] for c in CONTENT_COLUMNS}, "retired": retired}
        out.append(PlanRow(row=n, status=status, code=clean["code"], entry_id=target, changes=changes, data=data,
                           base_version=base["version"] if base is not None else None))
    return out


def apply_import(kb, user, plan: ImportPlan) -> ImportResult:
    """Write a dry-run plan in one transaction (each added/changed entry gets a version
    row by ``user`` with action ``import``).

    Raises:
        PermissionDenied: not a knowledge manager.
        ValidationError: the plan has invalid rows, or an entry changed since the dry run
            (the message names it); nothing is written.
        KnowledgeBaseError: the database write failed; nothing is written.
    """
    actor = require(user, KB_IMPORT)
    bad = plan.of(INVALID)
    if bad:
        listed = "; ".join(f"row {r.row}: {r.reason_text}" for r in bad[:5])
        raise ValidationError(f"import: {len(bad)} row{'s are' if len(bad) != 1 else ' is'} invalid ({listed}"
                              f"{'; ...' if len(bad) > 5 else ''}). Fix the file and run the dry run again; "
                              "nothing was imported.", detail="import")
    note = f"import {plan.fmt} sha256:{plan.digest[:16]}"
    ids: list[int] = []
    n_add = n_change = 0
    with kb.transaction("import the entries", write=True) as s:
        if _db_state(s) != tuple(plan.db_state):
            raise ValidationError("import: the knowledge base changed since the dry run; run the dry run again. "
                                  "Nothing was imported.", detail="import")
        now = utcnow()
        added = [r for r in plan.rows if r.status == ADDED]
        resolved: list[tuple[list[str], int]] = []
        new_ids: list[int] = []
        if added:  # bulk inserts (Core, RETURNING): 10,000 rows in a few seconds
            meta = {"version": 1, "created_at": now, "updated_at": now, "updated_by": actor.username}
            new_ids = list(s.scalars(insert(Entry).returning(Entry.id, sort_by_parameter_order=True),
                                     [{**entry_columns(r.data), **meta, "deleted": bool(r.data["retired"])}
                                      for r in added]))
            alias_rows, version_rows = [], []
            for r, eid in zip(added, new_ids):
                keys = [match_key(r.data["code"])]
                for a in r.data["aliases"]:
                    alias_rows.append({"entry_id": eid, "alias": a, "match_key": match_key(a)})
                    keys.append(match_key(a))
                version_rows.append({"entry_id": eid, "version": 1, "action": "import", "changed_by": actor.username,
                                     "changed_at": now, "note": note,
                                     "snapshot": snapshot_from_clean(r.data, eid, 1, r.data["retired"])})
                if not r.data["retired"]:
                    resolved.append((keys, eid))
            if alias_rows:
                s.execute(insert(Alias), alias_rows)
            s.execute(insert(EntryVersion), version_rows)
        added_iter = iter(new_ids)
        for r in plan.rows:
            if r.status == ADDED:
                ids.append(next(added_iter))
                n_add += 1
            elif r.status == CHANGED:
                e = s.get(Entry, r.entry_id)
                if e is None or e.version != r.base_version:
                    raise ValidationError(f"import: entry {r.entry_id} changed since the dry run; run it again. "
                                          "Nothing was imported.", detail="import")
                apply_fields(e, {k: v for k, v in r.data.items() if k != "retired"})
                e.deleted = bool(r.data["retired"])
                e.version += 1
                e.updated_at, e.updated_by = now, actor.username
                s.flush()
                s.add(EntryVersion(entry_id=e.id, version=e.version, snapshot=snapshot_of(e), action="import",
                                   changed_by=actor.username, changed_at=now, note=note))
                if not e.deleted:
                    resolved.append(([e.match_key] + [a.match_key for a in e.aliases], e.id))
                ids.append(e.id)
                n_change += 1
        open_keys = set(s.scalars(select(UnmappedCode.match_key).where(UnmappedCode.resolved_entry_id.is_(None))))
        for keys, eid in resolved:
            if open_keys.intersection(keys):
                resolve_keys(s, keys, eid, actor.username, now)
    kb.invalidate_caches()
    return ImportResult(added=n_add, changed=n_change, unchanged=len(plan.of(UNCHANGED)), entry_ids=tuple(ids))
