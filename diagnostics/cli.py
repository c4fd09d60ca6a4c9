"""Command line: ``python -m diagnostics analyze FILE... [--json]`` and
``python -m diagnostics eval MANIFEST.csv [--json]``.

Errors are turned into output in one place (:func:`main`): a typed
:class:`~diagnostics.errors.DiagnosticsError` prints its message and exits 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import DiagnosticsError


def _progress_printer(enabled: bool):
    def show(fraction: float, message: str) -> None:
        if enabled:
            print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)

    return show


def _print_diagnosis(d) -> None:
    for m in d.media:
        print(f"== {m.name}  ({m.size[0]}x{m.size[1]}, {m.seconds:.2f} s)")
        if m.error:
            print(f"   cannot analyse: {m.error} {m.hint}")
            continue
        for r in m.readings[:8]:
            print(f"   reading  {r.text!r:<24} {r.confidence:.2f}  {'+'.join(r.engines)}  box={r.bbox}")
        for c in m.candidates:
            rep = f"  repairs: {'; '.join(c.repairs)}" if c.repairs else ""
            print(f"   CODE     {c.code:<12} {c.family:<12} {c.confidence:.2f}  {'+'.join(c.engines)}  box={c.bbox}{rep}")
        for c in m.rejected:
            print(f"   unsure   {c.code:<12} {c.confidence:.2f} (not presented)")
        if m.quality.issues:
            print(f"   quality: {', '.join(m.quality.issues)}. {m.quality.retake_hint}")
        for n in m.notes:
            print(f"   note: {n}")
    print()
    for i, s in enumerate(d.suggestions, 1):
        e = s.entry
        print(f"{i}. [{s.confidence:.2f}] {s.candidate.code}: {e.title} ({e.brand} {e.appliance}) severity={e.severity}"
              f"{' technician' if e.technician else ''}")
        for r in s.reasons:
            print(f"     because {r}")
        for j, step in enumerate(e.steps, 1):
            print(f"     {j}) {step}")
        for note in e.safety:
            print(f"     SAFETY: {note}")
        if s.deciding_detail:
            print(f"     to decide: {s.deciding_detail}")
    for c in d.unmapped:
        print(f"- {c.code}: not in the knowledge base (recorded as unmapped)")
    if d.ask_customer:
        print(f"Ask the customer: {d.ask_customer}")
    print("\nDraft reply:\n" + d.reply)


def cmd_analyze(args) -> int:
    from .api import diagnose

    files = []
    for f in args.files:
        p = Path(f)
        try:
            files.append((p.name, p.read_bytes()))
        except OSError as exc:
            raise DiagnosticsError(f"Cannot read {f}: {exc.strerror or exc}.") from exc
    d = diagnose(files, progress=_progress_printer(len(files) > 1 and not args.json), text=args.text or "")
    if args.json:
        print(json.dumps(d.to_dict(), indent=2, ensure_ascii=False))
    else:
        _print_diagnosis(d)
    return 0


def cmd_eval(args) -> int:
    from .api import evaluate

    rep = evaluate(args.manifest, progress=_progress_printer(not args.json))
    if args.json:
        print(json.dumps({
            "accuracy": rep.accuracy, "precision": rep.precision, "recall": rep.recall,
            "abstentions": rep.abstentions, "false_positive_photos": rep.false_positive_photos,
            "median_seconds": rep.median_seconds, "rows": [r.__dict__ for r in rep.rows],
        }, indent=2))
        return 0
    print(f"{'file':<40} {'expected':<24} {'got':<24} {'ok':<4} {'s':>6}")
    for r in rep.rows:
        got = ",".join(r.codes) or (f"({r.readings[0]})" if r.readings else "-")
        mark = "ok" if r.correct else ("FP" if r.false_positive else "abst" if r.abstained else "x")
        print(f"{Path(r.path).name:<40} {r.expected or '(no code)':<24} {got[:24]:<24} {mark:<4} {r.seconds:6.2f}")
    print()
    print(rep.summary())
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m diagnostics", description="Telltale: read error codes from customer media.")
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("analyze", help="analyse photos and print findings and suggestions")
    a.add_argument("files", nargs="+", help="photos of one case")
    a.add_argument("--json", action="store_true", help="print the diagnosis as JSON")
    a.add_argument("--text", help="what the customer wrote (codes and brands in it count)")
    a.set_defaults(func=cmd_analyze)
    e = sub.add_parser("eval", help="score a manifest CSV (path,expected)")
    e.add_argument("manifest")
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_eval)
    return p


def main(argv: list[str] | None = None) -> int:
    """CLI entry point; returns the exit code (2 for a user-facing error)."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DiagnosticsError as exc:
        print(f"error: {exc.user_message}" + (f" {exc.hint}" if exc.hint else ""), file=sys.stderr)
        return 2
