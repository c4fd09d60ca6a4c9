"""Typed settings, read from the environment in exactly one place (:meth:`Settings.from_env`).

Environment variables (all optional):

``DATABASE_URL``            SQLAlchemy URL of the knowledge base (default: SQLite file ``data/telltale.db``)
``TELLTALE_DATA_DIR``       folder for the SQLite file and other state (default: ``./data``)
``TELLTALE_MAX_BYTES``      largest accepted upload in bytes (default 20 MB)
``TELLTALE_MAX_PIXELS``     largest accepted image in pixels, checked before decoding (default 120 MP)
``TELLTALE_ENGINES``        comma list of reading engines (default ``seven_segment,rapidocr,tesseract``)
``TELLTALE_JOB_BACKEND``    job runner, ``inprocess`` (default)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
SAMPLE_MEDIA_DIR = REPO_DIR / "sample_media"
MODELS_DIR = REPO_DIR / "models"


@dataclass(frozen=True)
class Settings:
    """Frozen run settings.

    Attributes:
        database_url: SQLAlchemy URL of the knowledge base.
        data_dir: folder for local state (SQLite file).
        max_bytes: largest accepted file, bytes (default 20 MB = 20 * 1024 * 1024).
        max_pixels: largest accepted image, pixels (width * height), checked from the
            header before decoding (decompression-bomb guard).
        work_max_side: long side, pixels, to which photos are downscaled for region
            finding; readers work on crops of the full-resolution image.
        engines: names of reading engines to run, in order.
        min_code_confidence: candidates below this confidence (0..1) are not presented
            as findings; the result abstains and asks for a retake instead.
        job_backend: name of the job runner (``inprocess``).
    """

    database_url: str = ""
    data_dir: Path = field(default_factory=lambda: REPO_DIR / "data")
    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 120_000_000
    work_max_side: int = 1600
    engines: tuple[str, ...] = ("seven_segment", "rapidocr", "tesseract")
    min_code_confidence: float = 0.55
    job_backend: str = "inprocess"

    def __post_init__(self) -> None:
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{Path(self.data_dir) / 'telltale.db'}")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Settings":
        """Build settings from ``environ`` (default ``os.environ``)."""
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("TELLTALE_DATA_DIR", str(REPO_DIR / "data")))
        kwargs: dict = {"data_dir": data_dir, "database_url": env.get("DATABASE_URL", "")}
        if "TELLTALE_MAX_BYTES" in env:
            kwargs["max_bytes"] = int(env["TELLTALE_MAX_BYTES"])
        if "TELLTALE_MAX_PIXELS" in env:
            kwargs["max_pixels"] = int(env["TELLTALE_MAX_PIXELS"])
        if env.get("TELLTALE_ENGINES"):
            kwargs["engines"] = tuple(e.strip() for e in env["TELLTALE_ENGINES"].split(",") if e.strip())
        if env.get("TELLTALE_JOB_BACKEND"):
            kwargs["job_backend"] = env["TELLTALE_JOB_BACKEND"]
        return cls(**kwargs)

    def with_(self, **changes) -> "Settings":
        """Copy with some fields changed."""
        return replace(self, **changes)
