"""Read the seed entries shipped with the repo (``diagnostics/knowledge/seed/*.yaml``).

Each YAML file holds ``entries:``, a list of mappings with the fields of
:class:`diagnostics.schema.KBEntry` (without ``id``).  The YAML files are the source of
truth for seeding; the database becomes the source of truth once curators edit it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import KnowledgeBaseError

SEED_DIR = Path(__file__).resolve().parent / "seed"


def load_seed_entries(seed_dir: Path = SEED_DIR) -> list[dict[str, Any]]:
    """Return all seed entries, files in name order, entries in file order.

    Each dict gets no extra keys; the file name is not stored.

    Raises:
        KnowledgeBaseError: a seed file is missing, unreadable or not the expected shape.
    """
    files = sorted(Path(seed_dir).glob("*.yaml"))
    if not files:
        raise KnowledgeBaseError(f"No seed files found in {seed_dir}.")
    out: list[dict[str, Any]] = []
    for path in files:
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise KnowledgeBaseError(f"Seed file {path.name} could not be read.", detail=str(exc)) from exc
        entries = (doc or {}).get("entries") if isinstance(doc, dict) else None
        if not isinstance(entries, list):
            raise KnowledgeBaseError(f"Seed file {path.name} has no 'entries' list.")
        for e in entries:
            if not isinstance(e, dict):
                raise KnowledgeBaseError(f"Seed file {path.name} has an entry that is not a mapping.")
            out.append(dict(e))
    return out
