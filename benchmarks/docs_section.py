"""Write one benchmark's figures into its marked section of ``docs/benchmarks.md``.

Each benchmark owns a section between ``<!-- KEY:start -->`` and ``<!-- KEY:end -->``;
``--write`` replaces that section (or appends it) and leaves the rest of the file alone.
"""

from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def write_section(key: str, body: str, path: Path = DOC) -> Path:
    """Replace (or append) the section marked ``key`` in ``path`` with ``body``.

    Args:
        key: marker name (``"kb-scale"`` -> ``<!-- kb-scale:start -->`` ... ``<!-- kb-scale:end -->``).
        body: the section's markdown, heading included.
        path: the document (default ``docs/benchmarks.md``; created if missing).

    Returns:
        ``path``.
    """
    start, end = f"<!-- {key}:start -->", f"<!-- {key}:end -->"
    doc = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = f"{start}\n{body.strip()}\n{end}"
    if start in doc and end in doc:
        doc = doc[:doc.index(start)] + block + doc[doc.index(end) + len(end):]
    else:
        doc = doc.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(doc, encoding="utf-8")
    return path
