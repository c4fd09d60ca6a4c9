"""Fixtures for the panel tests.

Every test runs on its own copy of a seeded SQLite knowledge base (``TELLTALE_DATA_DIR``
points at a temporary folder) holding one account per role and an open session for each,
so a test signs in by putting that session's token into ``st.session_state`` (the app
checks it against the database on every run, as in production).  The passwords are test
constants, not secrets.

``fake_backend`` patches :func:`diagnostics.api.diagnose` with hand-built results
(``ui_fakes.py``) so pages run without the engines."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import ui_fakes
from ui_fakes import FakeRow, failed_diagnosis, fake_diagnosis

PASSWORD = "test-password-1"
ACCOUNTS = {"manager": "km", "manager2": "km2", "agent": "ag", "reviewer": "rv"}


@pytest.fixture(scope="session")
def ui_template(tmp_path_factory):
    """A migrated, seeded database file with the :data:`ACCOUNTS` and one open session each.

    Returns:
        ``(path of telltale.db, {role: session token})``.
    """
    from diagnostics.auth import AuthService
    from diagnostics.config import Settings
    from diagnostics.knowledge.store import KnowledgeBase

    data = tmp_path_factory.mktemp("ui-template")
    kb = KnowledgeBase.open(Settings(data_dir=data))
    auth = AuthService(kb, session_ttl_s=24 * 3600)
    km = auth.create_user(ACCOUNTS["manager"], PASSWORD, "manager")
    for role, name in ACCOUNTS.items():
        if role != "manager":
            auth.create_user(name, PASSWORD, "manager" if role == "manager2" else role, by=km)
    tokens = {role: auth.sign_in(name, PASSWORD).token for role, name in ACCOUNTS.items()}
    kb.close()
    return Path(data) / "telltale.db", tokens


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path, ui_template):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("TELLTALE_DEMO_USERS", raising=False)
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(ui_template[0], data / "telltale.db")
    monkeypatch.setenv("TELLTALE_DATA_DIR", str(data))
    ui_fakes.TOKENS.clear()
    ui_fakes.TOKENS.update(ui_template[1])


@pytest.fixture
def tokens(ui_template) -> dict[str, str]:
    """role -> a live session token (``manager``, ``manager2``, ``agent``, ``reviewer``)."""
    return dict(ui_template[1])


@pytest.fixture
def app_as(tokens):
    """``app_as(role)`` -> an :class:`AppTest` of the app signed in as that role, already run
    once (``role=None``: nobody signed in)."""
    def make(role: str | None, timeout: float = 30):
        at = ui_fakes.signed_in_app(role, timeout)
        at.run()
        assert not at.exception, at.exception
        return at

    return make


@pytest.fixture
def fake_backend(monkeypatch, tmp_path):
    """Patch diagnostics.api so the Diagnose page runs against hand-built results.

    Returns a dict with ``calls`` (list of (names, text) per diagnose call) and the sample path.
    """
    from diagnostics import api

    sample = tmp_path / "washer_e21.png"
    from PIL import Image

    Image.fromarray(np.full((60, 80, 3), 90, np.uint8)).save(sample)
    calls: list = []

    def diagnose(files, *, settings=None, progress=None, text=""):
        calls.append(([n for n, _ in files], text))
        if progress:
            progress(0.5, "reading")
            progress(1.0, "done")
        if files and files[0][1][:4] != b"\x89PNG":
            return failed_diagnosis(files[0][0])
        return fake_diagnosis(files[0][0] if files else "text")

    monkeypatch.setattr(api, "diagnose", diagnose)
    monkeypatch.setattr(api, "load_samples", lambda: [FakeRow(sample, "E21")])
    import diagnostics.ui.components as comp

    monkeypatch.setattr(comp, "compose", lambda d, language: f"[{language}] {d.reply}")
    return {"calls": calls, "sample": sample}

