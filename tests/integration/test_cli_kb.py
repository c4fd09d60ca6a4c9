"""CLI: the first admin, users, export/import; agents and reviewers cannot change the
knowledge base from the command line (refused, exit code != 0, nothing written)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PW = {"admin": "admin-password-1", "ag": "agent-password-1", "rv": "reviewer-password-1"}


def run(data_dir: Path, *args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    e = {**os.environ, "TELLTALE_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    e.pop("DATABASE_URL", None)
    e.pop("TELLTALE_PASSWORD", None)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "diagnostics", *args], input=stdin, capture_output=True, text=True,
                          cwd=REPO, env=e, timeout=300)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("cli_kb")
    first = run(d, "user", "create", "--username", "admin", "--role", "manager", "--password-stdin",
                stdin=PW["admin"] + "\n")
    assert first.returncode == 0, first.stderr
    assert "created manager 'admin' (first user)" in first.stdout
    for name, role in (("ag", "agent"), ("rv", "reviewer")):
        r = run(d, "user", "create", "--username", name, "--role", role, "--password-stdin", "--as", "admin",
                stdin=f"{PW[name]}\n{PW['admin']}\n")
        assert r.returncode == 0, r.stderr
    return d


def _export(data_dir: Path, out: Path, fmt: str = "csv") -> str:
    r = run(data_dir, "kb", "export", "--format", fmt, "--out", str(out))
    assert r.returncode == 0, r.stderr
    return out.read_text(encoding="utf-8")


def test_later_users_need_a_manager(data_dir):
    r = run(data_dir, "user", "create", "--username", "eve", "--role", "manager", "--password-stdin",
            stdin="eve-password-1\n")
    assert r.returncode == 2 and "a knowledge manager must create new ones" in r.stderr
    r = run(data_dir, "user", "create", "--username", "eve", "--role", "manager", "--password-stdin", "--as", "ag",
            stdin=f"eve-password-1\n{PW['ag']}\n")
    assert r.returncode == 2 and "agent cannot manage user accounts" in r.stderr
    listed = run(data_dir, "user", "list", "--user", "admin", env={"TELLTALE_PASSWORD": PW["admin"]})
    assert listed.returncode == 0 and [ln.split()[:2] for ln in listed.stdout.splitlines()] == [
        ["admin", "manager"], ["ag", "agent"], ["rv", "reviewer"]]


@pytest.mark.parametrize("who", ["ag", "rv"])
def test_agents_and_reviewers_cannot_import(data_dir, tmp_path, who):
    before = _export(data_dir, tmp_path / "before.csv")
    edited = before.replace("Ignition failed at start-up", "Changed by the CLI test")
    assert edited != before
    f = tmp_path / "edited.csv"
    f.write_text(edited, encoding="utf-8")
    r = run(data_dir, "kb", "import", str(f), "--apply", "--user", who, "--password-stdin", stdin=PW[who] + "\n")
    assert r.returncode != 0
    role = {"ag": "An agent", "rv": "A reviewer"}[who]
    assert f"{role} cannot import into the knowledge base" in r.stderr
    assert _export(data_dir, tmp_path / "after.csv") == before  # nothing changed


def test_wrong_password_is_refused(data_dir, tmp_path):
    f = tmp_path / "kb.csv"
    _export(data_dir, f)
    r = run(data_dir, "kb", "import", str(f), "--user", "admin", "--password-stdin", stdin="wrong-password\n")
    assert r.returncode == 2 and "user name or password is not right" in r.stderr


def test_manager_dry_run_then_apply(data_dir, tmp_path):
    before = _export(data_dir, tmp_path / "before.csv")
    f = tmp_path / "edited.csv"
    f.write_text(before.replace("Ignition failed at start-up", "Ignition lock-out"), encoding="utf-8")
    env = {"TELLTALE_PASSWORD": PW["admin"]}
    dry = run(data_dir, "kb", "import", str(f), "--user", "admin", env=env)
    assert dry.returncode == 0, dry.stderr
    assert "0 added, 1 changed" in dry.stdout and "Dry run: nothing was written" in dry.stdout
    assert "Ignition lock-out" in dry.stdout  # the readable change
    assert _export(data_dir, tmp_path / "same.csv") == before
    applied = run(data_dir, "kb", "import", str(f), "--user", "admin", "--apply", env=env)
    assert applied.returncode == 0 and "imported by admin: 0 added, 1 changed" in applied.stdout
    after = _export(data_dir, tmp_path / "after.csv")
    assert "Ignition lock-out" in after and after != before


def test_bad_rows_and_broken_files_change_nothing(data_dir, tmp_path):
    before = _export(data_dir, tmp_path / "before.csv")
    env = {"TELLTALE_PASSWORD": PW["admin"]}
    bad = tmp_path / "bad.csv"
    bad.write_text(before.replace("P0420", "P04200", 1), encoding="utf-8")
    r = run(data_dir, "kb", "import", str(bad), "--user", "admin", "--apply", env=env)
    assert r.returncode == 1 and "invalid: code:" in r.stdout and "Nothing was written" in r.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("entries:\n  - code: [unclosed\n", encoding="utf-8")
    r = run(data_dir, "kb", "import", str(broken), "--user", "admin", "--apply", env=env)
    assert r.returncode == 2 and "not valid YAML" in r.stderr
    assert _export(data_dir, tmp_path / "after.csv") == before


def test_yaml_export_round_trips_through_the_cli(data_dir, tmp_path):
    y = tmp_path / "kb.yaml"
    text = _export(data_dir, y, "yaml")
    r = run(data_dir, "kb", "import", str(y), "--user", "admin", env={"TELLTALE_PASSWORD": PW["admin"]})
    assert r.returncode == 0 and ", 0 changed, " in r.stdout and " 0 invalid" in r.stdout
    assert _export(data_dir, tmp_path / "again.yaml", "yaml") == text
