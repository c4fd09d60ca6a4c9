"""Shared fixtures: settings on a temporary SQLite file, one knowledge base and one
pipeline per test session (engines load once), sample-media manifest."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from diagnostics.config import Settings  # noqa: E402


@pytest.fixture(scope="session")
def session_settings(tmp_path_factory) -> Settings:
    data = tmp_path_factory.mktemp("telltale-data")
    return Settings(data_dir=data)


@pytest.fixture(scope="session")
def kb(session_settings):
    from diagnostics.knowledge.store import KnowledgeBase

    return KnowledgeBase.open(session_settings)


@pytest.fixture(scope="session")
def pipeline(session_settings, kb):
    from diagnostics.pipeline import Pipeline

    return Pipeline(session_settings, kb)


@pytest.fixture(scope="session")
def sample_rows():
    from diagnostics.evaluation import read_manifest

    return read_manifest(REPO / "sample_media" / "expected.csv")
