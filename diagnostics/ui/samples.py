"""The bundled sample media as the panel lists them (name, path, expected answer)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MEDIA_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".heif",
                  ".avif", ".mp4", ".mov", ".3gp", ".webm", ".mkv", ".ogg", ".opus", ".oga", ".amr", ".m4a",
                  ".aac", ".mp3", ".wav"}
"""File suffixes listed from ``sample_media/`` when no manifest can be read."""


@dataclass(frozen=True)
class Sample:
    """One sample file.

    Attributes:
        name: file name shown in the picker (path relative to ``sample_media/``).
        path: absolute path.
        expected: expected code(s) as written in the manifest (``""`` = no code;
            ``None`` = not in a manifest).
    """

    name: str
    path: Path
    expected: str | None


AV_MANIFEST = ("av", "expected.csv")
"""Manifest of the sample videos and voice notes, relative to ``sample_media/``."""
DASHBOARD_MANIFEST = ("dashboards", "expected.csv")
"""Manifest of the sample dashboard and router photos (lit indicators), relative to ``sample_media/``."""


def _rows_to_samples(rows, root: Path) -> list[Sample]:
    out = []
    for r in rows:
        p = Path(r.path)
        try:
            name = str(p.relative_to(root))
        except ValueError:
            name = p.name
        out.append(Sample(name, p, r.expected or ""))
    return out


def list_samples() -> list[Sample]:
    """Samples from :func:`diagnostics.api.load_samples` (the photo manifest) followed by
    those of ``sample_media/dashboards/expected.csv`` (dashboards and routers: lit
    indicators) and ``sample_media/av/expected.csv`` (videos and voice notes), else every media
    file in ``sample_media/`` without expected answers.  Never raises: an unreadable
    manifest is skipped (logged), and with none readable the plain file list is given."""
    from .. import api
    from ..config import SAMPLE_MEDIA_DIR
    from ..evaluation import read_manifest

    out: list[Sample] = []
    try:
        out += _rows_to_samples(api.load_samples(), SAMPLE_MEDIA_DIR)
    except Exception as exc:  # noqa: BLE001 - fall back to listing the folder
        log.warning("sample manifest not readable: %s", exc)
    for extra, what in ((DASHBOARD_MANIFEST, "dashboard"), (AV_MANIFEST, "video/voice")):
        manifest = SAMPLE_MEDIA_DIR.joinpath(*extra)
        if manifest.is_file():
            try:
                out += _rows_to_samples(read_manifest(manifest), SAMPLE_MEDIA_DIR)
            except Exception as exc:  # noqa: BLE001
                log.warning("%s manifest not readable: %s", what, exc)
    if out:
        seen: set[str] = set()
        return [s for s in out if not (s.name in seen or seen.add(s.name))]
    if not SAMPLE_MEDIA_DIR.is_dir():
        return []
    return [Sample(str(p.relative_to(SAMPLE_MEDIA_DIR)), p, None)
            for p in sorted(SAMPLE_MEDIA_DIR.rglob("*")) if p.is_file() and p.suffix.lower() in MEDIA_SUFFIXES]
