"""Score the product on a manifest of photos with expected answers.

Manifest: a CSV with a header and at least the columns ``path,expected`` (more are
kept in ``ManifestRow.extra``).  ``path`` is relative to the manifest's folder (or
absolute); ``expected`` is the error code the photo shows, or the display text when it
shows something that is not a code, or empty when it shows no error code (any code
reported there is a false positive).

Metrics (per photo, one presented answer = the top code of the file):

- exact-match accuracy: photos whose top code equals the expected code (by
  :func:`~diagnostics.knowledge.keys.match_key`); a photo without a code is right when
  no code is presented;
- code precision = correct codes presented / all codes presented; code recall =
  correct codes presented / photos with an expected code;
- abstentions: photos with an expected code where nothing was presented (the product
  asked for a retake instead of guessing);
- false-positive photos: photos where a wrong code was presented.
"""

from __future__ import annotations

import csv
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ManifestError
from .knowledge.keys import match_key


@dataclass
class ManifestRow:
    """One manifest line: ``path`` (absolute), ``expected`` ("" = no code), other columns."""

    path: Path
    expected: str
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class EvalRow:
    """Result for one photo: expected, presented codes, display readings, verdict, seconds."""

    path: str
    expected: str
    expected_is_code: bool
    codes: list[str]
    readings: list[str]
    correct: bool
    false_positive: bool
    abstained: bool
    seconds: float
    error: str = ""


@dataclass
class EvalReport:
    """Aggregate scores; ``rows`` keeps the per-photo detail."""

    rows: list[EvalRow]
    accuracy: float
    precision: float
    recall: float
    abstentions: int
    false_positive_photos: int
    median_seconds: float

    def summary(self) -> str:
        """Human-readable multi-line summary."""
        n = len(self.rows)
        return (
            f"photos: {n}\n"
            f"exact-match accuracy: {self.accuracy:.1%}\n"
            f"code precision: {self.precision:.1%}  recall: {self.recall:.1%}\n"
            f"abstentions: {self.abstentions}  false-positive photos: {self.false_positive_photos} "
            f"({self.false_positive_photos / max(n, 1):.1%})\n"
            f"median seconds per photo: {self.median_seconds:.2f}"
        )


def read_manifest(path: str | Path) -> list[ManifestRow]:
    """Read a manifest CSV.

    Raises:
        ManifestError: file missing, no header, no ``path``/``expected`` columns.
    """
    path = Path(path)
    if not path.is_file():
        raise ManifestError(f"Manifest not found: {path}")
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        cols = [c.strip() for c in (reader.fieldnames or [])]
        if "path" not in cols or "expected" not in cols:
            raise ManifestError(f"{path.name} needs a header with the columns 'path' and 'expected' (found: {', '.join(cols) or 'none'}).")
        rows = []
        for raw in reader:
            raw = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
            if not raw.get("path"):
                continue
            p = Path(raw["path"])
            if not p.is_absolute():
                p = path.parent / p
            extra = {k: v for k, v in raw.items() if k not in ("path", "expected")}
            rows.append(ManifestRow(p, raw.get("expected", ""), extra))
    return rows


def _is_code(expected: str, known: dict[str, set[str]]) -> bool:
    if not expected:
        return False
    from .extract import extract_from_text

    return bool(extract_from_text(expected, known))


def evaluate_manifest(manifest: str | Path, pipeline, *, progress: Callable[[float, str], None] | None = None) -> EvalReport:
    """Run ``pipeline`` over every manifest photo and score it (see module doc).

    Raises:
        ManifestError: unreadable manifest (missing photos are scored as errors).
    """
    rows = read_manifest(manifest)
    known = pipeline.kb.known_keys() if pipeline.kb is not None else {}
    out: list[EvalRow] = []
    for i, row in enumerate(rows):
        if progress:
            progress(i / max(len(rows), 1), f"{row.path.name} ({i + 1}/{len(rows)})")
        t0 = time.perf_counter()
        try:
            data = row.path.read_bytes()
        except OSError as exc:
            out.append(EvalRow(str(row.path), row.expected, bool(row.expected), [], [], False, False, bool(row.expected), 0.0, str(exc)))
            continue
        res = pipeline.analyse_file(row.path.name, data)
        secs = time.perf_counter() - t0
        codes = [c.code for c in sorted(res.candidates, key=lambda c: -c.confidence)]
        readings = [r.text for r in res.readings]
        is_code = _is_code(row.expected, known)
        if is_code:
            correct = bool(codes) and match_key(codes[0]) == match_key(row.expected)
            fp = bool(codes) and not correct
            abstained = not codes
        else:
            fp = bool(codes)
            abstained = False
            if row.expected:  # display text expected, no code
                correct = not codes and any(match_key(t) == match_key(row.expected) for t in readings)
            else:
                correct = not codes
        out.append(EvalRow(str(row.path), row.expected, is_code, codes, readings, correct, fp, abstained, secs, res.error))
    if progress:
        progress(1.0, "done")
    presented = sum(1 for r in out if r.codes)
    tp = sum(1 for r in out if r.expected_is_code and r.correct)
    expected_codes = sum(1 for r in out if r.expected_is_code)
    return EvalReport(
        rows=out,
        accuracy=sum(r.correct for r in out) / max(len(out), 1),
        precision=tp / presented if presented else 1.0,
        recall=tp / expected_codes if expected_codes else 1.0,
        abstentions=sum(r.abstained for r in out),
        false_positive_photos=sum(r.false_positive for r in out),
        median_seconds=statistics.median([r.seconds for r in out]) if out else 0.0,
    )
