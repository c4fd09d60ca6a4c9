"""Fixtures for the panel tests: a fake backend that the pages reach through
:mod:`diagnostics.api` (patched in-process; AppTest runs the page scripts in this
interpreter).  The hand-built results live in ``ui_fakes.py``."""

from __future__ import annotations

import numpy as np
import pytest
from ui_fakes import FakeKB, FakeRow, failed_diagnosis, fake_diagnosis


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TELLTALE_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def fake_backend(monkeypatch, tmp_path):
    """Patch diagnostics.api so pages run against hand-built results.

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
    monkeypatch.setattr(api, "get_knowledge_base", lambda settings=None: FakeKB())
    import diagnostics.ui.components as comp

    monkeypatch.setattr(comp, "compose", lambda d, language: f"[{language}] {d.reply}")
    return {"calls": calls, "sample": sample}
