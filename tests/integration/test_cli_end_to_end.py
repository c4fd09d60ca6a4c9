"""The CLI over real sample photos, in a subprocess, as a user would run it."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _run(args, tmp_path):
    env = dict(os.environ, TELLTALE_DATA_DIR=str(tmp_path), HF_HUB_OFFLINE="1")
    return subprocess.run([sys.executable, "-m", "diagnostics", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


def _first(sample_rows, pred):
    return next(r for r in sample_rows if pred(r))


def test_analyze_json_reports_the_code_with_a_box(sample_rows, tmp_path):
    row = _first(sample_rows, lambda r: r.expected == "F.28")
    out = _run(["analyze", str(row.path), "--json"], tmp_path)
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert "F.28" in d["codes"]
    cand = next(c for m in d["media"] for c in m["candidates"] if c["code"] == "F.28")
    assert len(cand["bbox"]) == 4 and cand["bbox"][2] > 0
    assert d["suggestions"][0]["entry"]["code"] == "F.28"


def test_eval_prints_scores_for_a_small_manifest(sample_rows, tmp_path):
    picked = [r for r in sample_rows if r.expected][:2] + [r for r in sample_rows if not r.expected][:1]
    m = tmp_path / "manifest.csv"
    with m.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["path", "expected", "note"])
        for r in picked:
            w.writerow([str(r.path), r.expected, "x"])
    out = _run(["eval", str(m)], tmp_path)
    assert out.returncode == 0, out.stderr
    assert "exact-match accuracy" in out.stdout and "precision" in out.stdout
    assert out.stdout.count("\n") >= 6
