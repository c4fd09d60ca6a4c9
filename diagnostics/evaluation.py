"""Score the product on a manifest of photos with expected answers.

Manifest: a CSV with a header and at least the columns ``path,expected`` (more are
kept in ``ManifestRow.extra``).  ``path`` is relative to the manifest's folder (or
absolute); ``expected`` is the error code the photo shows, or the display text when it
shows something that is not a code, or empty when it shows no error code (any code
reported there is a false positive).

Metrics (per file; the presented answer of a file with one expected code is its top code):

- exact-match accuracy: files whose top code equals the expected code (by
  :func:`~diagnostics.knowledge.keys.match_key`), or, with several expected codes
  (``4C;5E``), whose presented codes are exactly those; a file without a code is right
  when no code is presented;
- code precision = distinct correct codes presented / all distinct codes presented;
  code recall = distinct correct codes presented / expected codes;
- abstentions: photos with an expected code where nothing was presented (the product
  asked for a retake instead of guessing);
- false-positive photos: photos where a wrong code was presented.

Lit indicators (optional ``lights`` column, ``;`` between lights): every light that should
be seen, written ``oil_pressure:red`` (tell-tale class and colour; ``unknown:amber`` for an
unrecognised symbol) or ``led:internet:red:steady`` / ``led:lan:off`` / ``led:all:off``
(status lights; :func:`diagnostics.telltales.light_key`).  A light found counts as right
when the same key is expected (class and colour, or label, colour and state); per class
(``oil_pressure``, ``unknown``, ``led:internet``): precision = right / found, recall =
right / expected.  Rows with an empty ``lights`` cell expect no light.
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
    """Result for one file: expected, presented codes, display readings, verdict, seconds."""

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
    kind: str = "image"
    transcript: str = ""
    wer: float | None = None
    lights_expected: list[str] | None = None
    lights_found: list[str] = field(default_factory=list)


@dataclass
class EvalReport:
    """Aggregate scores; ``rows`` keeps the per-file detail."""

    rows: list[EvalRow]
    accuracy: float
    precision: float
    recall: float
    abstentions: int
    false_positive_photos: int
    median_seconds: float
    by_kind: dict[str, float] = field(default_factory=dict)
    mean_wer: float | None = None
    lights: dict[str, dict[str, float]] = field(default_factory=dict)
    lights_precision: float | None = None
    lights_recall: float | None = None

    def summary(self) -> str:
        """Human-readable multi-line summary."""
        n = len(self.rows)
        lines = [
            f"files: {n}",
            f"exact-match accuracy: {self.accuracy:.1%}"
            + ("  (" + ", ".join(f"{k} {v:.1%}" for k, v in sorted(self.by_kind.items())) + ")" if len(self.by_kind) > 1 else ""),
            f"code precision: {self.precision:.1%}  recall: {self.recall:.1%}",
            f"abstentions: {self.abstentions}  files with a wrong code shown: {self.false_positive_photos} "
            f"({self.false_positive_photos / max(n, 1):.1%})",
            f"median seconds per file: {self.median_seconds:.2f}",
        ]
        if self.mean_wer is not None:
            lines.append(f"speech word error rate (mean over files with a transcript): {self.mean_wer:.1%}")
        if self.lights_precision is not None:
            lines.append(f"lights precision: {self.lights_precision:.1%}  recall: {self.lights_recall:.1%}")
            lines.append(f"  {'class':<24} {'found':>5} {'expected':>8} {'right':>5} {'precision':>9} {'recall':>7}")
            for cls, m in sorted(self.lights.items()):
                lines.append(f"  {cls:<24} {int(m['found']):>5} {int(m['expected']):>8} {int(m['tp']):>5} "
                             f"{m['precision']:>9.1%} {m['recall']:>7.1%}")
        return "\n".join(lines)


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


def expected_codes(expected: str) -> list[str]:
    """The codes of an ``expected`` cell: several are separated by ``;``."""
    return [e.strip() for e in expected.split(";") if e.strip()]


def is_expected_code(expected: str, known: dict[str, set[str]]) -> bool:
    """True when ``expected`` names error codes (grammar or knowledge base), False when it
    is display text such as ``12:45`` (or empty)."""
    codes = expected_codes(expected)
    if not codes:
        return False
    from .extract import extract_from_text

    keys = set().union(*known.values()) if known else set()
    return all(match_key(c) in keys or extract_from_text(c, known) for c in codes)


def lights_of(result) -> list[str]:
    """Light keys (:func:`diagnostics.telltales.light_key`) of the ``{"kind": "light"}``
    evidence items of a :class:`~diagnostics.schema.MediaResult`, in order: one per light seen
    (two red lights the classifier did not know are ``unknown:red`` twice)."""
    from .telltales import light_key

    keys = [light_key(e.get("code", "")) for e in result.events if isinstance(e, dict) and e.get("kind") == "light"]
    return [k for k in keys if k]


def lights_scores(rows: list[EvalRow]) -> tuple[dict[str, dict[str, float]], float | None, float | None]:
    """Per-class and overall precision / recall of lights over the rows that have a
    ``lights`` column (see module doc).  Returns ``(per class, precision, recall)``;
    ``({}, None, None)`` when no row has one."""
    from .telltales import light_class

    scored = [r for r in rows if r.lights_expected is not None]
    if not scored:
        return {}, None, None
    per: dict[str, dict[str, float]] = {}
    tp_all = found_all = exp_all = 0
    for r in scored:
        want = [k.strip().lower() for k in r.lights_expected if k.strip()]
        got = list(r.lights_found)
        left = list(want)
        for k in got:
            m = per.setdefault(light_class(k), {"tp": 0, "found": 0, "expected": 0})
            m["found"] += 1
            if k in left:
                left.remove(k)
                m["tp"] += 1
                tp_all += 1
        for k in want:
            per.setdefault(light_class(k), {"tp": 0, "found": 0, "expected": 0})["expected"] += 1
        found_all += len(got)
        exp_all += len(want)
    for m in per.values():
        m["precision"] = m["tp"] / m["found"] if m["found"] else 1.0
        m["recall"] = m["tp"] / m["expected"] if m["expected"] else 1.0
    return per, (tp_all / found_all if found_all else 1.0), (tp_all / exp_all if exp_all else 1.0)


def evaluate_manifest(manifest: str | Path, pipeline, *, progress: Callable[[float, str], None] | None = None) -> EvalReport:
    """Run ``pipeline`` over every manifest file (photos, videos, voice notes) and score it
    (see module doc; several expected codes are separated by ``;``, and then the file is
    right when exactly those codes are presented).  A ``transcript`` column, when filled,
    gives the speech word error rate; a ``lights`` column, the lights' per-class precision
    and recall (:func:`lights_scores`).

    Raises:
        ManifestError: unreadable manifest (missing files are scored as errors).
    """
    rows = read_manifest(manifest)
    known = pipeline.kb.known_keys() if pipeline.kb is not None else {}
    out: list[EvalRow] = []
    tp = presented_n = expected_n = 0
    for i, row in enumerate(rows):
        if progress:
            progress(i / max(len(rows), 1), f"{row.path.name} ({i + 1}/{len(rows)})")
        want = expected_codes(row.expected)
        is_code = is_expected_code(row.expected, known)
        lights = row.extra.get("lights")
        want_lights = None if lights is None else [k for k in lights.split(";") if k.strip()]
        t0 = time.perf_counter()
        try:
            data = row.path.read_bytes()
        except OSError as exc:
            out.append(EvalRow(str(row.path), row.expected, is_code, [], [], False, False, is_code, 0.0, str(exc),
                               lights_expected=want_lights))
            expected_n += len(want) if is_code else 0
            continue
        res = pipeline.analyse_file(row.path.name, data)
        secs = time.perf_counter() - t0
        codes = [c.code for c in sorted(res.candidates, key=lambda c: -c.confidence)]
        readings = [r.text for r in res.readings]
        got = [match_key(c) for c in codes]
        presented_n += len(set(got))
        if is_code:
            keys = {match_key(c) for c in want}
            expected_n += len(keys)
            tp += len(keys & set(got))
            correct = (bool(got) and got[0] in keys) if len(keys) == 1 else set(got) == keys
            fp = any(g not in keys for g in got)
            abstained = not got
        else:
            fp = bool(got)
            abstained = False
            if row.expected:  # display text expected, no code
                correct = not got and any(match_key(t) == match_key(row.expected) for t in readings)
            else:
                correct = not got
        wer = None
        ref = row.extra.get("transcript", "")
        if ref:
            from .sound.speech import word_error_rate

            wer = word_error_rate(ref, res.transcript)
        out.append(EvalRow(str(row.path), row.expected, is_code, codes, readings, correct, fp, abstained, secs,
                           res.error, res.kind, res.transcript, wer, want_lights, lights_of(res)))
    if progress:
        progress(1.0, "done")
    kinds: dict[str, list[bool]] = {}
    for r in out:
        kinds.setdefault(r.kind, []).append(r.correct)
    wers = [r.wer for r in out if r.wer is not None]
    per_light, light_p, light_r = lights_scores(out)
    return EvalReport(
        rows=out,
        accuracy=sum(r.correct for r in out) / max(len(out), 1),
        precision=tp / presented_n if presented_n else 1.0,
        recall=tp / expected_n if expected_n else 1.0,
        abstentions=sum(r.abstained for r in out),
        false_positive_photos=sum(r.false_positive for r in out),
        median_seconds=statistics.median([r.seconds for r in out]) if out else 0.0,
        by_kind={k: sum(v) / len(v) for k, v in kinds.items()},
        mean_wer=sum(wers) / len(wers) if wers else None,
        lights=per_light,
        lights_precision=light_p,
        lights_recall=light_r,
    )
