"""Knowledge base: migrations, seeds, lookup by alias, history, validation, unmapped codes."""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from diagnostics.config import Settings
from diagnostics.errors import KnowledgeBaseError, ValidationError
from diagnostics.knowledge.keys import match_key
from diagnostics.knowledge.migrate import HEAD_REVISION
from diagnostics.knowledge.seeding import load_seed_entries
from diagnostics.knowledge.store import KnowledgeBase
from diagnostics.knowledge.validation import OBD2_CODE, SEVERITIES
from diagnostics.schema import FAMILIES

# The shared code list (/tmp/codes.md): (code as customers see it, brand or "", appliance or "", family).
SHARED_CODES = [
    *[(c, "Samsung", "washer", "appliance") for c in ["4C", "4E", "E1", "5C", "5E", "E2", "UE", "Ub", "UB", "E4", "dC",
                                                    "dE", "DE", "ED", "LC", "LE1", "SUd", "Sud", "SD", "5UD", "3E",
                                                    "HE", "tE", "E21"]],
    *[(c, "LG", "washer", "appliance") for c in ["OE", "IE", "UE", "dE", "LE", "tE", "PE", "FE", "CL"]],
    ("E18", "Bosch", "washer", "appliance"), ("F21", "Bosch", "washer", "appliance"),
    *[(c, "Bosch", "dishwasher", "appliance") for c in ["E15", "E24", "E25", "E22", "E09", "E21"]],
    *[(c, "Whirlpool", "washer", "appliance") for c in ["F21", "F20", "F02"]],
    *[(c, "Vaillant", "boiler", "appliance") for c in ["F.22", "F.28", "F.29", "F.75", "F.54", "F.00"]],
    *[(c, "Worcester Bosch", "boiler", "appliance") for c in ["EA", "227", "A1", "281", "E9"]],
    *[(c, "Baxi", "boiler", "appliance") for c in ["E133", "E119", "E110"]],
    *[(c, "HP", "printer", "printer") for c in ["50.1", "50.2", "50.3", "50.4", "49.4C02", "13.20", "79.00", "59.F0"]],
    *[(c, "", "", "router") for c in ["651", "691", "678", "720", "DNS_PROBE_FINISHED_NO_INTERNET", "T3", "T4"]],
    *[(c, "", "", "windows_stop") for c in [
        "0x000000EF", "CRITICAL_PROCESS_DIED", "0x0000000A", "IRQL_NOT_LESS_OR_EQUAL", "0x00000019", "BAD_POOL_HEADER",
        "0x00000050", "PAGE_FAULT_IN_NONPAGED_AREA", "0x0000007E", "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED", "0x0000007B",
        "INACCESSIBLE_BOOT_DEVICE", "0x00000133", "DPC_WATCHDOG_VIOLATION", "0x0000001E", "KMODE_EXCEPTION_NOT_HANDLED",
        "0x0000003B", "SYSTEM_SERVICE_EXCEPTION", "0x00000124", "WHEA_UNCORRECTABLE_ERROR", "0x000000D1",
        "DRIVER_IRQL_NOT_LESS_OR_EQUAL", "0x0000009F", "DRIVER_POWER_STATE_FAILURE", "0x000000C2", "BAD_POOL_CALLER",
        "0x0000001A", "MEMORY_MANAGEMENT", "0x000000F4", "CRITICAL_OBJECT_TERMINATION"]],
    *[(c, "", "", "obd2") for c in ["P0171", "P0172", "P0174", "P0300", "P0301", "P0302", "P0420", "P0430", "P0128",
                                    "P0442", "P0455", "P0456", "P0401", "P0113", "P0118", "P0335", "P0340", "P0505",
                                    "P0700", "P0101", "U0100", "B0001", "C0035"]],
]


def _settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture(scope="module")
def kb(tmp_path_factory) -> KnowledgeBase:
    """One seeded, read-only-by-convention knowledge base for the lookup tests."""
    base = KnowledgeBase.open(_settings(tmp_path_factory.mktemp("kb_ro")))
    yield base
    base.close()


@pytest.fixture(scope="module")
def seeded_db_file(tmp_path_factory) -> Path:
    """A freshly migrated and seeded SQLite file, copied by :func:`fresh` (faster than re-seeding)."""
    settings = _settings(tmp_path_factory.mktemp("kb_template"))
    KnowledgeBase.open(settings).close()
    return Path(settings.data_dir) / "telltale.db"


@pytest.fixture()
def fresh(tmp_path, seeded_db_file) -> KnowledgeBase:
    """A seeded knowledge base the test may write to (its own copy of the seeded file)."""
    settings = _settings(tmp_path)
    Path(settings.data_dir).mkdir(parents=True)
    shutil.copyfile(seeded_db_file, Path(settings.data_dir) / "telltale.db")
    base = KnowledgeBase.open(settings)
    yield base
    base.close()


def _new_entry(**changes) -> dict:
    data = {
        "code": "E77", "aliases": ["E-77"], "family": "appliance", "brand": "Acme", "appliance": "washer",
        "title": "Test fault", "meaning": "A fault used by the tests.", "causes": ["a cause"],
        "steps": ["first step", "second step"], "safety": ["unplug first"], "severity": "medium",
        "technician": False, "reply_en": "Please unplug it.", "reply_es": "Desenchúfela, por favor.",
        "source": "unit test", "verified": False,
    }
    data.update(changes)
    return data


# ---------------------------------------------------------------- opening, migration, seeding
def test_open_creates_sqlite_file_migrates_to_head_and_seeds(tmp_path):
    settings = _settings(tmp_path)
    base = KnowledgeBase.open(settings)
    try:
        assert (tmp_path / "data" / "telltale.db").is_file()
        with base.engine.connect() as conn:
            assert conn.execute(text("select version_num from alembic_version")).scalar() == HEAD_REVISION
        assert base.count() >= 130
        assert base.count() == len(load_seed_entries())
    finally:
        base.close()


def test_migration_matches_models(kb):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from diagnostics.knowledge.models import Base

    with kb.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == []
    assert set(inspect(kb.engine).get_table_names()) >= {"entries", "aliases", "entry_versions", "unmapped_codes"}


def test_reopening_does_not_duplicate_seeds(tmp_path):
    settings = _settings(tmp_path)
    first = KnowledgeBase.open(settings)
    n = first.count()
    first.close()
    second = KnowledgeBase.open(settings)
    try:
        assert second.count() == n
        assert len(second.lookup("F.28")) == 1
    finally:
        second.close()


def test_open_bad_url_raises_knowledge_base_error(tmp_path):
    with pytest.raises(KnowledgeBaseError) as err:
        KnowledgeBase.open(Settings(data_dir=tmp_path, database_url="not a url"))
    assert "DATABASE_URL" in err.value.user_message


def test_open_unwritable_location_raises_knowledge_base_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(KnowledgeBaseError):
        KnowledgeBase.open(Settings(data_dir=blocker / "sub"))


def test_bad_seed_file_is_reported_with_entry_and_field(tmp_path):
    seed = tmp_path / "seed"
    seed.mkdir()
    (seed / "bad.yaml").write_text("entries:\n  - {code: P9999, family: obd2, title: t, meaning: m, steps: [a],"
                                   " reply_en: e, reply_es: s, source: x}\n")
    with pytest.raises(KnowledgeBaseError) as err:
        KnowledgeBase.open(_settings(tmp_path), seed_dir=seed)
    assert "P9999" in err.value.user_message and "code" in err.value.user_message


# ---------------------------------------------------------------- seed content
def test_families_and_brands_covered(kb):
    entries = kb.all_entries()
    assert {e.family for e in entries} == set(FAMILIES)
    washer_brands = {e.brand for e in entries if e.appliance == "washer"}
    assert {"Samsung", "LG", "Bosch", "Whirlpool"} <= washer_brands
    appliances = {e.appliance for e in entries if e.family == "appliance"}
    assert {"washer", "dishwasher", "boiler"} <= appliances
    per_family = {f: len(kb.all_entries(f)) for f in FAMILIES}
    assert all(n >= 10 for n in per_family.values()), per_family


def test_every_entry_is_complete_and_honest(kb):
    entries = kb.all_entries()
    for e in entries:
        where = f"{e.brand} {e.appliance} {e.code}"
        assert e.title and e.meaning, where
        assert e.steps and all(s.strip() for s in e.steps), where
        assert e.reply_en.strip() and e.reply_es.strip() and e.reply_en != e.reply_es, where
        assert e.source.strip(), where
        assert e.verified is False, where  # nothing here was checked against a manufacturer's manual
        assert e.severity in SEVERITIES and isinstance(e.technician, bool), where
        names = [e.code, *e.aliases]
        assert any(n in e.reply_en for n in names), f"reply_en should name the code: {where}"
    # no filler repeated across entries
    assert len({e.meaning for e in entries}) == len(entries)
    assert len({e.reply_en for e in entries}) == len(entries)
    assert len({e.reply_es for e in entries}) == len(entries)


def test_safety_notes_where_they_matter(kb):
    for e in kb.all_entries("appliance"):
        if e.appliance == "boiler":
            text_ = " ".join(e.safety).lower()
            assert "smell gas" in text_ and "casing" in text_, e.code
        elif e.code != "CL":
            assert any("unplug" in s.lower() for s in e.safety), (e.brand, e.code)
    for e in kb.all_entries("obd2"):
        assert any("red warning light" in s for s in e.safety), e.code
        assert OBD2_CODE.match(e.code)


@pytest.mark.parametrize("code,brand,appliance,family", SHARED_CODES)
def test_shared_code_list_is_in_the_knowledge_base(kb, code, brand, appliance, family):
    found = kb.lookup(code, family=family)
    assert found, code
    if brand:
        assert any(e.brand == brand and e.appliance == appliance for e in found), [(e.brand, e.code) for e in found]


def test_all_seed_entries_pass_save_entry_validation(tmp_path):
    seed = tmp_path / "seed"
    seed.mkdir()
    (seed / "one.yaml").write_text(
        "entries:\n  - {code: ZZ1, family: appliance, title: t, meaning: m, steps: [a], reply_en: e,"
        " reply_es: s, source: x}\n")
    # in-memory SQLite: same validation path, without 170 disk syncs
    base = KnowledgeBase.open(Settings(data_dir=tmp_path, database_url="sqlite://"), seed_dir=seed)
    try:
        raw = load_seed_entries()
        for data in raw:
            saved = base.save_entry(data, author="seed-check")
            assert saved.version == 1 and saved.code
        assert base.count() == len(raw) + 1
    finally:
        base.close()


# ---------------------------------------------------------------- lookup
@pytest.mark.parametrize("spelling", ["F28", "F.28", "f 28", "F-28"])
def test_lookup_vaillant_f28_by_any_spelling(kb, spelling):
    found = kb.lookup(spelling)
    assert [(e.brand, e.code) for e in found] == [("Vaillant", "F.28")]
    assert found[0].appliance == "boiler" and found[0].severity == "high"


def test_lookup_windows_stop_code_by_hex_and_name(kb):
    ids = {kb.lookup(s)[0].id for s in ["0xef", "0x000000EF", "0xEF", "CRITICAL_PROCESS_DIED", "critical_process_died"]}
    assert len(ids) == 1
    entry = kb.get(ids.pop())
    assert entry.code == "0x000000EF" and "CRITICAL_PROCESS_DIED" in entry.aliases
    assert [e.code for e in kb.lookup("0x7b")] == ["0x0000007B"]


def test_lookup_same_code_several_brands(kb):
    assert {e.brand for e in kb.lookup("UE")} >= {"Samsung", "LG"}
    assert {(e.brand, e.appliance) for e in kb.lookup("E21")} >= {("Samsung", "washer"), ("Bosch", "dishwasher")}
    assert {e.brand for e in kb.lookup("F21")} >= {"Bosch", "Whirlpool"}


def test_lookup_alias_display_forms(kb):
    assert [e.code for e in kb.lookup("227")] == [e.code for e in kb.lookup("EA")] == ["EA"]
    assert [e.code for e in kb.lookup("5E", family="appliance") if e.appliance == "washer"] == ["5C"]
    assert kb.lookup("ub")[0].code == "UE"


def test_lookup_family_filter_and_misses(kb):
    assert kb.lookup("UE", family="obd2") == []
    assert kb.lookup("P0420", family="obd2")[0].title.startswith("Catalyst")
    assert kb.lookup("ZZ999") == []
    assert kb.lookup("  ") == []


def test_lookup_returns_detached_copies(kb):
    a = kb.lookup("P0300")[0]
    a.steps.append("mutated")
    assert "mutated" not in kb.lookup("P0300")[0].steps


def test_known_keys(kb):
    keys = kb.known_keys()
    assert set(keys) == set(FAMILIES)
    assert {"F28", "F22", "UE", "UB", "5C", "5E", "SUD", "227", "EA"} <= keys["appliance"]
    assert {"0XEF", "CRITICAL_PROCESS_DIED", "0X7B"} <= keys["windows_stop"]
    assert {"P0420", "U0100", "C0035"} <= keys["obd2"]
    assert {match_key("50.4"), match_key("49.4C02")} <= keys["printer"]
    assert "P0420" not in keys["appliance"]
    keys["obd2"].add("XXX")  # a copy: the cache is not changed
    assert "XXX" not in kb.known_keys()["obd2"]


def test_search_text(kb):
    vaillant = kb.search_text("vaillant")
    assert vaillant and all(e.brand == "Vaillant" for e in vaillant)
    assert kb.search_text("critical process died")[0].code == "0x000000EF"
    assert kb.search_text("F28")[0].code == "F.28"
    assert len(kb.search_text("drain", limit=3)) == 3
    assert kb.search_text("") == []
    assert kb.search_text("100%") == []  # LIKE wildcards are escaped


# ---------------------------------------------------------------- writing, versions, history
def test_save_entry_create_update_and_history(fresh):
    created = fresh.save_entry(_new_entry(), author="ana@example.com")
    assert created.version == 1 and created.aliases == ["E-77"]
    assert "E77" in fresh.known_keys()["appliance"]  # cache invalidated on write
    updated = fresh.save_entry({"id": created.id, "title": "Renamed", "aliases": ["E 77", "E077"]},
                               author="bo@example.com", expected_version=1)
    assert updated.version == 2 and updated.title == "Renamed" and updated.meaning == created.meaning
    assert fresh.lookup("E077")[0].id == created.id
    hist = fresh.history(created.id)
    assert [(h["version"], h["action"], h["changed_by"]) for h in hist] == [
        (1, "create", "ana@example.com"), (2, "update", "bo@example.com")]
    assert hist[0]["snapshot"]["title"] == "Test fault" and hist[1]["snapshot"]["title"] == "Renamed"
    assert re.match(r"\d{4}-\d\d-\d\dT", hist[1]["changed_at"])


def test_stale_version_is_refused_and_nothing_changes(fresh):
    e = fresh.lookup("F.28")[0]
    fresh.save_entry({"id": e.id, "title": "Ignition failure (edited)"}, author="carla", expected_version=e.version)
    with pytest.raises(ValidationError) as err:
        fresh.save_entry({"id": e.id, "title": "Other edit"}, author="dan", expected_version=e.version)
    assert "changed by carla since you opened it" in err.value.user_message
    now = fresh.get(e.id)
    assert now.title == "Ignition failure (edited)" and now.version == e.version + 1
    assert len(fresh.history(e.id)) == 2


@pytest.mark.parametrize("changes,field", [
    ({"reply_es": ""}, "reply_es"),
    ({"family": "toaster"}, "family"),
    ({"severity": "urgent"}, "severity"),
    ({"family": "obd2", "code": "P9420"}, "code"),
    ({"family": "obd2", "code": "X0420"}, "code"),
    ({"family": "windows_stop", "code": "CRITICAL_PROCESS_DIED"}, "code"),
    ({"steps": []}, "steps"),
    ({"steps": "unplug it"}, "steps"),
    ({"causes": ["ok", ""]}, "causes"),
    ({"technician": "yes"}, "technician"),
    ({"titel": "typo"}, "titel"),
    ({"code": "..."}, "code"),
])
def test_invalid_data_raises_and_stores_nothing(fresh, changes, field):
    before = fresh.count()
    with pytest.raises(ValidationError) as err:
        fresh.save_entry(_new_entry(**changes), author="eve")
    assert err.value.user_message.startswith(field)
    assert fresh.count() == before and fresh.lookup("E77") == []


def test_invalid_update_leaves_entry_unchanged(fresh):
    e = fresh.lookup("P0420")[0]
    with pytest.raises(ValidationError):
        fresh.save_entry({"id": e.id, "severity": "terrible", "title": "Changed"}, author="eve", expected_version=e.version)
    assert fresh.get(e.id) == e and len(fresh.history(e.id)) == 1


def test_duplicate_code_in_same_scope_refused_other_brand_allowed(fresh):
    with pytest.raises(ValidationError) as err:
        fresh.save_entry(_new_entry(code="UE", brand="samsung", appliance="washer"), author="fay")
    assert "already exists" in err.value.user_message
    other = fresh.save_entry(_new_entry(code="UE", brand="Beko", appliance="washer"), author="fay")
    assert {e.brand for e in fresh.lookup("UE")} >= {"Samsung", "LG", "Beko"} and other.version == 1


def test_author_required_and_unknown_id(fresh):
    with pytest.raises(ValidationError):
        fresh.save_entry(_new_entry(), author=" ")
    with pytest.raises(ValidationError) as err:
        fresh.save_entry({"id": 999999, "title": "x"}, author="gus")
    assert err.value.user_message.startswith("id")


def test_delete_entry_soft_and_recorded(fresh):
    e = fresh.lookup("P0455")[0]
    n = fresh.count()
    fresh.delete_entry(e.id, author="hal")
    assert fresh.lookup("P0455") == [] and fresh.count() == n - 1
    assert "P0455" not in fresh.known_keys()["obd2"]
    assert [h["action"] for h in fresh.history(e.id)] == ["create", "delete"]
    with pytest.raises(KnowledgeBaseError):
        fresh.get(e.id)
    with pytest.raises(ValidationError):
        fresh.delete_entry(e.id, author="hal")


# ---------------------------------------------------------------- unmapped codes
def test_record_unmapped_counts_by_match_key(fresh):
    fresh.record_unmapped("E77", "appliance", "E77", source="a.jpg")
    fresh.record_unmapped("E-77", "appliance", "E-7 7", source="b.jpg")
    fresh.record_unmapped("P1234", "obd2", "P1234")
    rows = fresh.list_unmapped()
    assert [(r["match_key"], r["count"]) for r in rows] == [("E77", 2), ("P1234", 1)]
    first = rows[0]
    assert first["code"] == "E77" and first["example"] == "E-7 7" and first["source"] == "b.jpg"
    assert first["first_seen"] <= first["last_seen"]
    with pytest.raises(ValidationError):
        fresh.record_unmapped(" . ", "appliance", "")


def test_concurrent_use_from_threads(fresh):
    errors: list[Exception] = []

    def work(i: int) -> None:
        try:
            for _ in range(5):
                assert fresh.lookup("UE")
                fresh.record_unmapped("X9", "appliance", f"thread {i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert fresh.list_unmapped()[0]["count"] == 20


def test_concurrent_edits_of_one_entry_keep_history_consistent(fresh):
    e = fresh.lookup("P0128")[0]
    outcomes: list[str] = []

    def edit(i: int) -> None:
        try:
            fresh.save_entry({"id": e.id, "title": f"edit {i}"}, author=f"user{i}", expected_version=e.version)
            outcomes.append("saved")
        except ValidationError:
            outcomes.append("refused")

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes.count("saved") == 1 and outcomes.count("refused") == 3
    hist = fresh.history(e.id)
    assert [h["version"] for h in hist] == [1, 2] and fresh.get(e.id).version == 2


def test_simultaneous_first_opens_seed_once(tmp_path):
    settings = _settings(tmp_path)
    opened: list[KnowledgeBase] = []
    errors: list[Exception] = []

    def open_it() -> None:
        try:
            opened.append(KnowledgeBase.open(settings))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    try:
        assert {b.count() for b in opened} == {len(load_seed_entries())}
    finally:
        for b in opened:
            b.close()


def test_new_seed_entries_reach_an_existing_database_without_touching_edits(tmp_path):
    import shutil

    from diagnostics.config import Settings
    from diagnostics.knowledge.seeding import load_seed_entries
    from diagnostics.knowledge.store import SEED_DIR, KnowledgeBase

    old_seed = tmp_path / "seed_old"
    old_seed.mkdir()
    for f in SEED_DIR.glob("*.yaml"):
        if f.name != "beeps.yaml":
            shutil.copy(f, old_seed / f.name)
    settings = Settings(data_dir=tmp_path / "data")
    kb = KnowledgeBase.open(settings, seed_dir=old_seed)
    before = kb.count()
    assert not kb.lookup("BEEP:AMI:3S")
    e = kb.lookup("F.28")[0]
    kb.save_entry({**e.to_dict(), "title": "Edited by a manager"}, author="km", expected_version=e.version)
    kb.close()
    kb2 = KnowledgeBase.open(settings)  # a newer release with beeps.yaml
    assert kb2.lookup("BEEP:AMI:3S")
    assert kb2.count() == before + len(load_seed_entries(SEED_DIR)) - len(load_seed_entries(old_seed))
    assert kb2.lookup("F.28")[0].title == "Edited by a manager"
    kb2.close()
    assert KnowledgeBase.open(settings).count() == kb2.count()  # idempotent
