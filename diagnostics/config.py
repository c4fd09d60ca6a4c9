"""Typed settings, read from the environment in exactly one place (:meth:`Settings.from_env`).

Environment variables (all optional):

``DATABASE_URL``            SQLAlchemy URL of the knowledge base (default: SQLite file ``data/telltale.db``)
``TELLTALE_DATA_DIR``       folder for the SQLite file and other state (default: ``./data``)
``TELLTALE_MAX_BYTES``      largest accepted upload in bytes (default 20 MB)
``TELLTALE_MAX_PIXELS``     largest accepted image in pixels, checked before decoding (default 120 MP)
``TELLTALE_ENGINES``        comma list of reading engines (default ``seven_segment,rapidocr,tesseract``)
``TELLTALE_JOB_BACKEND``    job runner, ``inprocess`` (default)
``TELLTALE_LIGHTS``         ``0`` turns off the lit-indicator stage (tell-tales, status lights); default on
``TELLTALE_CLASSIFIER_DIR`` folder of the tell-tale symbol classifier (default ``models/telltale-classifier``)
``TELLTALE_SESSION_TTL_S``  panel sign-in session lifetime, seconds (default 28800 = 8 h)
``TELLTALE_UNMAPPED_RETENTION_DAYS``  days example thumbnails of unmapped codes are kept (default 30)
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
        lights: run the lit-indicator stage on photos (car tell-tales, router status
            lights; :mod:`diagnostics.telltales`).
        telltale_classifier_dir: folder of the tell-tale symbol classifier (``None``: the
            shipped ``models/telltale-classifier``).
        telltale_min_score: classifier probability (0..1) at or above which a tell-tale
            symbol is named; below it a lit symbol is reported as unrecognised.
        session_ttl_s: lifetime of a panel sign-in session, seconds, counted from sign-in
            (default 8 h, one working shift).
        unmapped_retention_days: example thumbnails of unmapped codes (small crops of
            customer photos) older than this many days are deleted.
    """

    database_url: str = ""
    data_dir: Path = field(default_factory=lambda: REPO_DIR / "data")
    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 120_000_000
    work_max_side: int = 1600
    engines: tuple[str, ...] = ("seven_segment", "rapidocr", "tesseract")
    min_code_confidence: float = 0.55
    job_backend: str = "inprocess"
    lights: bool = True
    telltale_classifier_dir: Path | None = None
    telltale_min_score: float = 0.5
    session_ttl_s: int = 8 * 3600
    unmapped_retention_days: int = 30

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
        if env.get("TELLTALE_LIGHTS"):
            kwargs["lights"] = env["TELLTALE_LIGHTS"].strip().lower() not in ("0", "false", "no", "off")
        if env.get("TELLTALE_CLASSIFIER_DIR"):
            kwargs["telltale_classifier_dir"] = Path(env["TELLTALE_CLASSIFIER_DIR"])
        if env.get("TELLTALE_SESSION_TTL_S"):
            kwargs["session_ttl_s"] = int(env["TELLTALE_SESSION_TTL_S"])
        if env.get("TELLTALE_UNMAPPED_RETENTION_DAYS"):
            kwargs["unmapped_retention_days"] = int(env["TELLTALE_UNMAPPED_RETENTION_DAYS"])
        return cls(**kwargs)

    def with_(self, **changes) -> "Settings":
        """Copy with some fields changed."""
        return replace(self, **changes)
