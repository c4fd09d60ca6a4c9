"""Shared set-up for the curation tests: a seeded knowledge base with one user per role,
built once per test module and copied for each test (faster than re-seeding and hashing)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from diagnostics.auth import AuthService, User
from diagnostics.config import Settings
from diagnostics.knowledge.store import KnowledgeBase

PASSWORD = "correct-horse-battery"
USERNAMES = {"manager": "km", "agent": "ag", "reviewer": "rv"}


def new_entry(**changes) -> dict:
    """A valid entry that is not in the seed data (E77, Acme washer)."""
    data = {
        "code": "E77", "aliases": ["E-77"], "family": "appliance", "brand": "Acme", "appliance": "washer",
        "model_scope": "", "title": "Test fault", "meaning": "A fault used by the tests.", "causes": ["a cause"],
        "steps": ["first step", "second step"], "safety": ["unplug first"], "severity": "medium",
        "technician": False, "reply_en": "Please unplug it (E77).", "reply_es": "Desenchúfela, por favor (E77).",
        "reply_missing": [], "source": "unit test", "verified": False,
    }
    data.update(changes)
    return data


@pytest.fixture(scope="module")
def template_db(tmp_path_factory) -> Path:
    """A migrated, seeded SQLite file with users km and km2 (managers), ag (agent), rv (reviewer)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("curation_template"))
    kb = KnowledgeBase.open(settings)
    auth = AuthService(kb)
    km = auth.create_user(USERNAMES["manager"], PASSWORD, "manager")
    auth.create_user(USERNAMES["agent"], PASSWORD, "agent", by=km)
    auth.create_user(USERNAMES["reviewer"], PASSWORD, "reviewer", by=km)
    auth.create_user("km2", PASSWORD, "manager", by=km)
    kb.close()
    return Path(settings.data_dir) / "telltale.db"


@pytest.fixture()
def settings(tmp_path, template_db) -> Settings:
    s = Settings(data_dir=tmp_path / "data")
    Path(s.data_dir).mkdir(parents=True)
    shutil.copyfile(template_db, Path(s.data_dir) / "telltale.db")
    return s


@pytest.fixture()
def ckb(settings) -> KnowledgeBase:
    """A writable copy of the template knowledge base."""
    base = KnowledgeBase.open(settings)
    yield base
    base.close()


@pytest.fixture()
def users(ckb) -> dict[str, User]:
    """role -> :class:`User` (``manager``, ``agent``, ``reviewer``), plus ``km2`` a second manager."""
    auth = AuthService(ckb)
    out = {role: auth.get_user(name) for role, name in USERNAMES.items()}
    out["manager2"] = auth.get_user("km2")
    return out
