"""Command line: ``python -m diagnostics analyze FILE... [--json]``,
``python -m diagnostics eval MANIFEST.csv [--json]``, and the knowledge managers' commands:

``user create --username U --role agent|manager|reviewer [--password-stdin] [--as MANAGER]``
    The first user needs no sign-in (create the first admin this way); later ones need a
    manager (``--as``; that manager's password from ``TELLTALE_PASSWORD``, else the second
    stdin line with ``--password-stdin``, else a prompt).  The new user's password comes
    from the first stdin line (``--password-stdin``) or a prompt (typed twice).
``user list --user MANAGER``
``kb export --format csv|yaml --out FILE [--live-only]``
``kb import FILE [--format csv|yaml] [--apply] --user U [--password-stdin]``
    Dry run by default (added / changed / unchanged / invalid rows with reasons, nothing
    written); ``--apply`` writes it in one transaction, only when no row is invalid.  Needs a
    knowledge manager's user name and password (``--password-stdin`` or ``TELLTALE_PASSWORD``
    or a prompt); agents and reviewers are refused (exit code 2).

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
        for ev in m.events:
            if ev.get("kind") == "light":
                print(f"   light    {ev['name']:<34} {ev['confidence']:.2f}  box={tuple(ev['bbox'])}"
                      f"{'' if ev.get('reported') else '  (evidence only)'}")
        if m.quality.issues:
            print(f"   quality: {', '.join(m.quality.issues)}. {m.quality.retake_hint}")
        for n in m.notes:
            print(f"   note: {n}")
    print()
    for i, s in enumerate(d.suggestions, 1):
        e = s.entry
        scope = " ".join(x for x in (e.brand, e.appliance) if x)
        scope = f" ({scope})" if scope else ""
        print(f"{i}. [{s.confidence:.2f}] {s.candidate.code}: {e.title}{scope} severity={e.severity}"
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
            "lights_precision": rep.lights_precision, "lights_recall": rep.lights_recall, "lights": rep.lights,
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


def _password(args, prompt: str, *, line: int = 0) -> str:
    """A password: ``line``-th stdin line with --password-stdin, else ``TELLTALE_PASSWORD``,
    else an interactive prompt; raises AuthenticationFailed when none can be had."""
    import getpass
    import os

    from .errors import AuthenticationFailed

    if getattr(args, "password_stdin", False):
        lines = _stdin_lines()
        if len(lines) > line:
            return lines[line]
    env = os.environ.get("TELLTALE_PASSWORD")
    if env:
        return env
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    raise AuthenticationFailed("No password given: use --password-stdin or set TELLTALE_PASSWORD.")


_STDIN: list[str] | None = None


def _stdin_lines() -> list[str]:
    global _STDIN
    if _STDIN is None:
        _STDIN = [ln.rstrip("\r\n") for ln in sys.stdin.read().splitlines()]
    return _STDIN


def _services():
    from .api import get_knowledge_base
    from .auth import AuthService
    from .config import Settings

    settings = Settings.from_env()
    kb = get_knowledge_base(settings)
    return kb, AuthService.from_settings(kb, settings)


def _sign_in(auth, username: str, args, *, line: int = 0):
    if not username:
        from .errors import AuthenticationFailed

        raise AuthenticationFailed("Say who you are with --user (a knowledge manager's user name).")
    return auth.authenticate(username, _password(args, f"Password for {username}: ", line=line))


def cmd_user_create(args) -> int:
    import getpass

    from .errors import ValidationError

    _kb, auth = _services()
    if args.password_stdin:
        lines = _stdin_lines()
        if not lines or not lines[0]:
            raise ValidationError("password: give the new user's password on the first line of stdin.")
        new_password = lines[0]
    else:
        if not sys.stdin.isatty():
            raise ValidationError("password: use --password-stdin when not typing at a terminal.")
        new_password = getpass.getpass(f"New password for {args.username}: ")
        if getpass.getpass("Again: ") != new_password:
            raise ValidationError("password: the two passwords differ.")
    by = None
    if auth.has_users():
        if not args.as_user:
            from .errors import PermissionDenied

            raise PermissionDenied("Users exist already: a knowledge manager must create new ones "
                                   "(--as MANAGER, password from TELLTALE_PASSWORD or the second stdin line).")
        by = _sign_in(auth, args.as_user, args, line=1)
    user = auth.create_user(args.username, new_password, args.role, by=by)
    print(f"created {user.role} '{user.username}'" + (" (first user)" if by is None else f" by {by.username}"))
    return 0


def cmd_user_list(args) -> int:
    _kb, auth = _services()
    me = _sign_in(auth, args.user, args)
    for u in auth.list_users(me):
        print(f"{u.username:<24} {u.role:<10} {'active' if u.active else 'deactivated'}")
    return 0


def cmd_kb_export(args) -> int:
    from .knowledge.transfer import detect_format, export_to_file

    kb, _auth = _services()
    fmt = detect_format(args.out, args.format)
    n = export_to_file(kb, fmt, args.out, include_retired=not args.live_only)
    print(f"exported {n} entries to {args.out} ({fmt})")
    return 0


def cmd_kb_import(args) -> int:
    from .auth import KB_IMPORT, require
    from .knowledge.transfer import CHANGED, INVALID, apply_import, detect_format, plan_import

    kb, auth = _services()
    user = require(_sign_in(auth, args.user, args), KB_IMPORT)  # refuse agents/reviewers before reading the file
    fmt = detect_format(args.file, args.format)
    try:
        content = Path(args.file).read_bytes()
    except OSError as exc:
        raise DiagnosticsError(f"Cannot read {args.file}: {exc.strerror or exc}.") from exc
    plan = plan_import(kb, user, content, fmt)
    print(f"{args.file}: {plan.summary()}")
    for r in plan.rows:
        if r.status == INVALID:
            print(f"  row {r.row} {r.code or '?'}: invalid: {r.reason_text}")
        elif r.status == CHANGED:
            print(f"  row {r.row} {r.code}: changes entry {r.entry_id}: " + "; ".join(c.text for c in r.changes))
    if not args.apply:
        print("Dry run: nothing was written." + (" Run again with --apply to import." if plan.ok else ""))
        return 0 if plan.ok else 1
    if not plan.ok:
        print("Not imported: fix the invalid rows first. Nothing was written.", file=sys.stderr)
        return 1
    res = apply_import(kb, user, plan)
    print(f"imported by {user.username}: {res.added} added, {res.changed} changed, {res.unchanged} unchanged")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m diagnostics", description="Telltale: read error codes from customer media.")
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("analyze", help="analyse photos and print findings and suggestions")
    a.add_argument("files", nargs="+", help="photos of one case")
    a.add_argument("--json", action="store_true", help="print the diagnosis as JSON")
    a.add_argument("--text", help="what the customer wrote (codes and brands in it count)")
    a.set_defaults(func=cmd_analyze)
    e = sub.add_parser("eval", help="score a manifest CSV (path,expected; optional transcript, lights columns)")
    e.add_argument("manifest")
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_eval)

    u = sub.add_parser("user", help="user accounts (agent, manager, reviewer)")
    usub = u.add_subparsers(dest="user_command", required=True)
    uc = usub.add_parser("create", help="create a user; the first one needs no sign-in")
    uc.add_argument("--username", required=True)
    uc.add_argument("--role", required=True, choices=("agent", "manager", "reviewer"))
    uc.add_argument("--password-stdin", action="store_true",
                    help="read the new password from stdin's first line (the --as manager's from the second)")
    uc.add_argument("--as", dest="as_user", default="", help="the knowledge manager creating it (once users exist)")
    uc.set_defaults(func=cmd_user_create)
    ul = usub.add_parser("list", help="list users (a manager signs in)")
    ul.add_argument("--user", required=True)
    ul.add_argument("--password-stdin", action="store_true")
    ul.set_defaults(func=cmd_user_list)

    k = sub.add_parser("kb", help="knowledge base: export and import entries")
    ksub = k.add_subparsers(dest="kb_command", required=True)
    ke = ksub.add_parser("export", help="write every entry as CSV or YAML")
    ke.add_argument("--format", choices=("csv", "yaml"))
    ke.add_argument("--out", required=True)
    ke.add_argument("--live-only", action="store_true", help="leave retired entries out")
    ke.set_defaults(func=cmd_kb_export)
    ki = ksub.add_parser("import", help="dry run (default) or --apply an import file; managers only")
    ki.add_argument("file")
    ki.add_argument("--format", choices=("csv", "yaml"))
    ki.add_argument("--apply", action="store_true", help="write it (one transaction; refused if any row is invalid)")
    ki.add_argument("--user", required=True, help="a knowledge manager's user name")
    ki.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    ki.set_defaults(func=cmd_kb_import)
    return p


def main(argv: list[str] | None = None) -> int:
    """CLI entry point; returns the exit code (2 for a user-facing error)."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DiagnosticsError as exc:
        print(f"error: {exc.user_message}" + (f" {exc.hint}" if exc.hint else ""), file=sys.stderr)
        return 2
