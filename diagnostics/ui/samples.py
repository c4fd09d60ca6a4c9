"""The bundled sample media as the panel lists them (name, path, expected answer)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MEDIA_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".heif",
                  ".avif", ".mp4", ".mov", ".3gp", ".ogg", ".opus", ".oga", ".amr", ".m4a", ".mp3", ".wav"}
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


def list_samples() -> list[Sample]:
    """Samples from :func:`diagnostics.api.load_samples` (the manifest), else every
    media file in ``sample_media/`` without expected answers.  Never raises: an
    unreadable manifest gives the plain file list (logged)."""
    from .. import api
    from ..config import SAMPLE_MEDIA_DIR

    try:
        rows = api.load_samples()
        out = []
        for r in rows:
            p = Path(r.path)
            try:
                name = str(p.relative_to(SAMPLE_MEDIA_DIR))
            except ValueError:
                name = p.name
            out.append(Sample(name, p, r.expected or ""))
        if out:
            return out
    except Exception as exc:  # noqa: BLE001 - fall back to listing the folder
        log.warning("sample manifest not readable: %s", exc)
    if not SAMPLE_MEDIA_DIR.is_dir():
        return []
    return [Sample(str(p.relative_to(SAMPLE_MEDIA_DIR)), p, None)
            for p in sorted(SAMPLE_MEDIA_DIR.rglob("*")) if p.is_file() and p.suffix.lower() in MEDIA_SUFFIXES]
