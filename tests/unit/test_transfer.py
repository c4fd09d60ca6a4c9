"""Bulk export and import: exact round trips (CSV and YAML), the dry run, one transaction,
broken files, version checks and roles."""

from __future__ import annotations

import csv
import io

import pytest
import yaml
from kb_helpers import ckb, new_entry, settings, template_db, users  # noqa: F401  (fixtures)

from diagnostics.errors import KnowledgeBaseError, PermissionDenied, ValidationError
from diagnostics.knowledge import transfer
from diagnostics.knowledge.curation import Curation
from diagnostics.knowledge.store import snapshot_of
from diagnostics.knowledge.models import Entry


def _tricky_entries(ckb, km) -> list[int]:
    """Entries whose text exercises quoting: commas, quotes, unicode, a retired one, a
    missing reply, a YAML-numeric code."""
    cur = Curation(ckb)
    a = cur.create(km, new_entry(title='Pump "blocked", or slow; 50% water', steps=["Unplug, then wait", "Öffnen: ñ ✓"],
                                 meaning="Line one, with a comma.", reply_es="", reply_missing=["es"]))
    b = cur.create(km, new_entry(code="227", brand="Acme", appliance="boiler", aliases=[], causes=[],
                                 safety=[], title="Numeric code"))
    cur.retire(km, b.id)
    return [a.id, b.id]


@pytest.mark.parametrize("fmt", ["csv", "yaml"])
def test_export_round_trips_exactly(ckb, users, fmt):
    km = users["manager"]
    ids = _tricky_entries(ckb, km)
    text = transfer.export_entries(ckb, fmt)
    plan = transfer.plan_import(ckb, km, text, fmt)
    assert plan.counts == {"added": 0, "changed": 0, "unchanged": len(plan.rows), "invalid": 0}
    with ckb.transaction() as s:
        stored = {e.id: snapshot_of(e) for e in s.query(Entry)}
    assert len(plan.rows) == len(stored)
    for row in plan.rows:  # every field read back equals the stored value
        snap = stored[row.entry_id]
        assert {k: v for k, v in row.data.items() if k != "retired"} == {k: snap[k] for k in transfer.CONTENT_COLUMNS}
        assert row.data["retired"] == snap["deleted"]
    assert plan.rows[-1].data["retired"] is True and plan.rows[-1].entry_id == ids[1]
    res = transfer.apply_import(ckb, km, plan)
    assert (res.added, res.changed) == (0, 0)
    assert transfer.export_entries(ckb, fmt) == text  # byte-identical


def test_csv_and_yaml_shapes(ckb, users):
    _tricky_entries(ckb, users["manager"])
    rows = list(csv.DictReader(io.StringIO(transfer.export_entries(ckb, "csv"), newline="")))
    assert list(rows[0]) == list(transfer.COLUMNS)
    tricky = next(r for r in rows if r["title"].startswith('Pump "blocked"'))
    assert tricky["steps"] == "Unplug, then wait\nÖffnen: ñ ✓" and tricky["reply_missing"] == "es"
    assert tricky["technician"] == "false" and tricky["retired"] == "false"
    doc = yaml.safe_load(transfer.export_entries(ckb, "yaml"))
    assert doc["format"] == "telltale-kb" and doc["entries"][-1]["code"] == "227"  # still text, not a number
    live = transfer.export_entries(ckb, "csv", include_retired=False)
    assert "Numeric code" not in live


def _edited_csv(ckb) -> tuple[str, int]:
    """The export with one title changed, one new row and one bad DTC; returns (text, changed id)."""
    rows = list(csv.DictReader(io.StringIO(transfer.export_entries(ckb, "csv"), newline="")))
    changed = next(r for r in rows if r["code"] == "F.28")
    changed["title"] = "Ignition lock-out (imported)"
    bad = next(r for r in rows if r["code"] == "P0420")
    bad["code"] = "P04200"
    new = {c: "" for c in transfer.COLUMNS}
    new.update({"code": "E77", "family": "appliance", "brand": "Acme", "appliance": "washer", "title": "New from CSV",
                "meaning": "Added by an import.", "steps": "Unplug it.\nCall us.", "severity": "low",
                "technician": "false", "reply_en": "Please unplug it.", "reply_es": "Desenchúfela.", "source": "test",
                "verified": "false", "retired": "false"})
    rows.append(new)
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=transfer.COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue(), int(changed["id"])


def test_dry_run_lists_added_changed_unchanged_invalid_and_writes_nothing(ckb, users):
    km = users["manager"]
    text, f28_id = _edited_csv(ckb)
    n = ckb.count()
    plan = transfer.plan_import(ckb, km, text.encode("utf-8"), "csv")
    c = plan.counts
    assert (c["added"], c["changed"], c["invalid"]) == (1, 1, 1) and c["unchanged"] == n - 2
    changed = plan.of("changed")[0]
    old_title = ckb.get(f28_id).title
    assert changed.entry_id == f28_id and [ch.text for ch in changed.changes] == [
        f"Title: \u201c{old_title}\u201d \u2192 \u201cIgnition lock-out (imported)\u201d"]
    invalid = plan.of("invalid")[0]
    assert "SAE J2012" in invalid.reasons["code"] and invalid.row == [r.row for r in plan.rows
                                                                      if r.code == "P04200"][0]
    assert plan.of("added")[0].row == len(plan.rows)
    assert ckb.count() == n and ckb.lookup("E77") == [] and ckb.get(f28_id).version == 1  # a dry run
    with pytest.raises(ValidationError) as err:
        transfer.apply_import(ckb, km, plan)
    assert "1 row is invalid" in err.value.user_message and "nothing was imported" in err.value.user_message
    assert ckb.count() == n and ckb.lookup("E77") == [] and ckb.get(f28_id).version == 1


def test_apply_writes_in_one_transaction_and_a_failing_row_rolls_everything_back(ckb, users):
    km = users["manager"]
    text, f28_id = _edited_csv(ckb)
    text = text.replace("P04200", "P0420")
    plan = transfer.plan_import(ckb, km, text, "csv")
    assert plan.ok and plan.summary().startswith("1 added, 1 changed")
    n = ckb.count()
    # a row that the database itself refuses at write time (NOT NULL title), after the others
    broken = transfer.ImportPlan(fmt=plan.fmt, rows=list(plan.rows), digest=plan.digest, db_state=plan.db_state)
    last = broken.rows[-1]
    broken.rows[-1] = transfer.PlanRow(row=last.row, status="added", code="E78",
                                      data={**last.data, "code": "E78", "title": None})
    with pytest.raises(KnowledgeBaseError):
        transfer.apply_import(ckb, km, broken)
    assert ckb.count() == n and ckb.get(f28_id).version == 1 and ckb.lookup("E77") == []
    res = transfer.apply_import(ckb, km, plan)
    assert (res.added, res.changed, res.unchanged) == (1, 1, n - 1)
    assert ckb.get(f28_id).title == "Ignition lock-out (imported)" and ckb.lookup("E77")[0].steps == ["Unplug it.", "Call us."]
    hist = ckb.history(f28_id)
    assert hist[-1]["action"] == "import" and hist[-1]["changed_by"] == "km"
    new_id = res.entry_ids[-1]
    with ckb.transaction() as s:  # the bulk-inserted history snapshot equals the entry's own
        assert ckb.history(new_id)[0]["snapshot"] == snapshot_of(s.get(Entry, new_id))


def test_apply_refused_when_the_knowledge_base_changed_since_the_dry_run(ckb, users):
    km = users["manager"]
    text, _ = _edited_csv(ckb)
    plan = transfer.plan_import(ckb, km, text.replace("P04200", "P0420"), "csv")
    e = ckb.lookup("P0300")[0]
    ckb.save_entry({"id": e.id, "title": "edited meanwhile"}, author="km2", expected_version=e.version)
    n = ckb.count()
    with pytest.raises(ValidationError) as err:
        transfer.apply_import(ckb, km, plan)
    assert "changed since the dry run" in err.value.user_message
    assert ckb.count() == n and ckb.lookup("E77") == []


def test_row_edited_since_export_is_invalid(ckb, users):
    km = users["manager"]
    old = transfer.export_entries(ckb, "csv")
    e = ckb.lookup("F.28")[0]
    ckb.save_entry({"id": e.id, "title": "Newer title"}, author="km2", expected_version=e.version)
    rows = list(csv.DictReader(io.StringIO(old, newline="")))
    next(r for r in rows if r["code"] == "F.28")["severity"] = "critical"
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=transfer.COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    plan = transfer.plan_import(ckb, km, buf.getvalue(), "csv")
    bad = [r for r in plan.of("invalid") if r.entry_id == e.id]
    assert bad and "changed since this file was exported" in bad[0].reasons["version"]


@pytest.mark.parametrize("content,fmt,words", [
    (b"\xff\xfe\x00garbage", "csv", "not UTF-8"),
    (b"", "csv", "empty"),
    (b"code,family,title\nE1,appliance\n", "csv", "has 2 cells"),
    (b"code,family,colour\nE1,appliance,red\n", "csv", "unknown column"),
    (b"title,meaning\nx,y\n", "csv", "no 'code' column"),
    (b"entries:\n  - code: [unclosed\n", "yaml", "not valid YAML"),
    (b"entries: 5\n", "yaml", "'entries:' list"),
    (b"entries:\n  - code: E1\n    colour: red\n", "yaml", "unknown field"),
    # a "billion laughs" file: 9 levels of aliases would expand to gigabytes
    ("".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['x'] * 9)}]\n"
             for p, c in zip([""] + list("abcdefgh"), "abcdefghi")).encode()
     + b"entries: [{code: *i, family: appliance}]\n", "yaml", "aliases"),
])
def test_broken_files_change_nothing(ckb, users, content, fmt, words):
    n = ckb.count()
    with pytest.raises(ValidationError) as err:
        transfer.plan_import(ckb, users["manager"], content, fmt)
    assert words in err.value.user_message
    assert ckb.count() == n


def test_yaml_import_adds_and_unquoted_numbers_are_codes(ckb, users):
    km = users["manager"]
    doc = {"entries": [{**new_entry(), "code": 2270, "aliases": [], "brand": "Acme"}]}
    plan = transfer.plan_import(ckb, km, yaml.safe_dump(doc), "yaml")
    assert plan.counts["added"] == 1 and plan.rows[0].data["code"] == "2270"
    transfer.apply_import(ckb, km, plan)
    assert ckb.lookup("2270")[0].brand == "Acme"


def test_yaml_numbers_are_read_as_written(ckb, users):
    """YAML 1.1 reads 010 as 8, 0x1E as 30, 1:20 as 80 and 50.10 as a float; a code is
    the text as written."""
    km = users["manager"]
    rows = []
    for code in ("010", "0x1E", "1:20", "50.10"):
        e = new_entry(code=code, aliases=[], brand="Acme", family="printer" if "." in code else "appliance")
        rows.append("- " + yaml.safe_dump(e, allow_unicode=True).replace("\n", "\n  ").rstrip()
                    .replace(f"code: '{code}'", f"code: {code}"))
    plan = transfer.plan_import(ckb, km, "entries:\n" + "\n".join(rows) + "\n", "yaml")
    assert [r.data["code"] for r in plan.rows] == ["010", "0x1E", "1:20", "50.10"]


def test_control_characters_are_refused_so_exports_round_trip(ckb, users):
    km = users["manager"]
    bad = new_entry(code="E81", meaning="zero\u2028line\x85next")
    plan = transfer.plan_import(ckb, km, yaml.safe_dump({"entries": [bad]}, allow_unicode=True), "yaml")
    assert plan.rows[0].status == "invalid" and "control character" in plan.rows[0].reasons["meaning"]


def test_duplicate_rows_and_alias_clashes_in_one_file(ckb, users):
    km = users["manager"]
    doc = {"entries": [new_entry(), new_entry(title="again"), new_entry(code="E79", aliases=["E 77"])]}
    plan = transfer.plan_import(ckb, km, yaml.safe_dump(doc, allow_unicode=True), "yaml")
    assert [r.status for r in plan.rows] == ["added", "invalid", "invalid"]
    assert "appears twice" in plan.rows[1].reasons["code"] and "row 1" in plan.rows[2].reasons["aliases"]


def test_import_resolves_unmapped_codes(ckb, users):
    ckb.record_unmapped("E77", "appliance", "E77", "photo.jpg")
    plan = transfer.plan_import(ckb, users["manager"], yaml.safe_dump({"entries": [new_entry()]}), "yaml")
    transfer.apply_import(ckb, users["manager"], plan)
    assert all(u["code"] != "E77" for u in ckb.list_unmapped())


@pytest.mark.parametrize("role", ["agent", "reviewer"])
def test_only_managers_import(ckb, users, role):
    text = transfer.export_entries(ckb, "csv")
    with pytest.raises(PermissionDenied):
        transfer.plan_import(ckb, users[role], text, "csv")
    plan = transfer.plan_import(ckb, users["manager"], text, "csv")
    with pytest.raises(PermissionDenied):
        transfer.apply_import(ckb, users[role], plan)


def test_detect_format():
    assert transfer.detect_format("kb.CSV") == "csv" and transfer.detect_format("kb.yml") == "yaml"
    assert transfer.detect_format("kb.txt", "yml") == "yaml"
    with pytest.raises(ValidationError):
        transfer.detect_format("kb.txt")
