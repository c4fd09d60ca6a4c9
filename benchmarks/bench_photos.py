"""Photo benchmark: Telltale vs raw Tesseract vs ssocr on the same photos, in one run.

Prints (and with ``--write`` stores in ``docs/benchmarks.md``):

- exact-match accuracy, code precision/recall, abstentions and false-positive photos
  of Telltale on the manifest's photos;
- the same scoring for raw Tesseract (``image_to_string`` on the whole photo, codes
  taken by the same grammar) and for ``ssocr`` (whole photo, digits mode);
- start-up time (import + engines + knowledge base), per-photo seconds (median, p90)
  for all photos and for 12 MP photos only, and peak resident memory.

Usage::

    .venv/bin/python benchmarks/bench_photos.py [--manifest sample_media/expected.csv] [--write]
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from docs_section import write_section  # benchmarks/docs_section.py

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def score(rows, predicted):
    """rows: ManifestRow list; predicted: list of code lists (best first). Returns dict."""
    from diagnostics.knowledge.keys import match_key

    n = len(rows)
    correct = fp = abst = tp = presented = expected_codes = 0
    for row, codes, is_code in predicted:
        if codes:
            presented += 1
        if is_code:
            expected_codes += 1
            ok = bool(codes) and match_key(codes[0]) == match_key(row.expected)
            tp += ok
            correct += ok
            fp += bool(codes) and not ok
            abst += not codes
        else:
            correct += not codes
            fp += bool(codes)
    return {
        "accuracy": correct / max(n, 1),
        "precision": tp / presented if presented else 1.0,
        "recall": tp / expected_codes if expected_codes else 1.0,
        "abstentions": abst,
        "fp_photos": fp,
        "fp_rate": fp / max(n, 1),
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--manifest", default=str(REPO / "sample_media" / "expected.csv"))
    ap.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    ap.add_argument("--skip-baselines", action="store_true")
    ap.add_argument("--twelve-mp", type=int, default=10, help="also time N generated 12 MP phone JPEGs (0: skip)")
    args = ap.parse_args()

    t0 = time.perf_counter()
    from diagnostics.config import Settings
    from diagnostics.evaluation import is_expected_code, read_manifest
    from diagnostics.extract import extract_from_text
    from diagnostics.knowledge.store import KnowledgeBase
    from diagnostics.pipeline import Pipeline

    tmp = Path(tempfile.mkdtemp(prefix="telltale-bench-"))
    settings = Settings(data_dir=tmp)
    kb = KnowledgeBase.open(settings)
    pipe = Pipeline(settings, kb)
    # warm-up: first inference allocates ONNX arenas
    import numpy as np

    pipe.analyse_image(np.full((480, 640, 3), 128, np.uint8))
    startup = time.perf_counter() - t0

    rows = read_manifest(args.manifest)
    known = kb.known_keys()
    ours, times, times_12mp = [], [], []
    detail = []
    from PIL import Image

    for row in rows:
        data = row.path.read_bytes()
        t = time.perf_counter()
        res = pipe.analyse_file(row.path.name, data)
        dt = time.perf_counter() - t
        times.append(dt)
        if res.size[0] * res.size[1] >= 11_000_000:
            times_12mp.append(dt)
        codes = [c.code for c in sorted(res.candidates, key=lambda c: -c.confidence)]
        is_code = is_expected_code(row.expected, known)
        ours.append((row, codes, is_code))
        detail.append((row.path.name, row.expected, ",".join(codes), dt))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    results = {"Telltale": score(rows, ours)}
    if not args.skip_baselines:
        import pytesseract

        tess, sso = [], []
        for row, _, is_code in ours:
            try:
                img = Image.open(io.BytesIO(row.path.read_bytes()))
                from PIL import ImageOps

                img = ImageOps.exif_transpose(img).convert("RGB")
                if max(img.size) > 2000:
                    img.thumbnail((2000, 2000))
                text = pytesseract.image_to_string(img, timeout=30)
            except Exception:
                text = ""
            tess.append((row, [c.code for c in extract_from_text(text, known)], is_code))
            with tempfile.NamedTemporaryFile(suffix=".png") as fh:
                img.save(fh.name)
                try:
                    out = subprocess.run(["ssocr", "-d", "-1", fh.name], capture_output=True, text=True, timeout=30).stdout
                except Exception:
                    out = ""
            sso.append((row, [c.code for c in extract_from_text(out, known)], is_code))
        results["raw Tesseract"] = score(rows, tess)
        results["ssocr"] = score(rows, sso)

    # Dedicated 12 MP timing: phone-sized JPEGs (4032x3024, quality 85) made by synth.
    gen_times, gen_ok = [], 0
    if args.twelve_mp:
        import numpy as np

        from diagnostics.knowledge.keys import match_key
        from synth.camera import encode_jpeg
        from synth.displays import render_code_display
        from synth.scenes import display_photo

        codes = ["E21", "F.28", "4C", "UE", "E18", "dE", "50.4", "E24", "F21", "227"]
        styles = ["lcd_reflective", "led_red", "lcd_blue", "vfd_white", "led_green"]
        for i in range(args.twelve_mp):
            rng = np.random.default_rng(500 + i)
            code = codes[i % len(codes)]
            disp, _ = render_code_display(code, styles[i % len(styles)], "dseg7_classic" if i % 2 else "polygons", 90, rng=rng)
            photo, _ = display_photo(disp, rng, size=(4032, 3024), display_width_frac=0.18 + 0.02 * (i % 4))
            data = encode_jpeg(photo, 85)
            t = time.perf_counter()
            res = pipe.analyse_file(f"gen12mp_{i}.jpg", data)
            gen_times.append(time.perf_counter() - t)
            gen_ok += bool(res.candidates) and match_key(res.candidates[0].code) == match_key(code)
        times_12mp = times_12mp + gen_times
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    med = statistics.median(times) if times else 0.0
    p90 = sorted(times)[int(0.9 * (len(times) - 1))] if times else 0.0
    med12 = statistics.median(times_12mp) if times_12mp else float("nan")
    lines = [
        f"Photos: {len(rows)} from {Path(args.manifest).relative_to(REPO) if Path(args.manifest).is_relative_to(REPO) else args.manifest}",
        "",
        "| reader | exact match | code precision | code recall | abstentions | wrong code shown (photos) |",
        "|---|---|---|---|---|---|",
    ]
    for name, s in results.items():
        lines.append(
            f"| {name} | {s['accuracy']:.1%} | {s['precision']:.1%} | {s['recall']:.1%} | {s['abstentions']} | "
            f"{s['fp_photos']} ({s['fp_rate']:.1%}) |"
        )
    lines += [
        "",
        f"- start-up (imports, engines, knowledge base, warm-up): {startup:.2f} s",
        f"- seconds per photo, manifest photos: median {med:.2f}, p90 {p90:.2f}",
        f"- seconds per 12 MP photo ({len(times_12mp)} photos: the manifest's 12 MP ones plus {len(gen_times)} generated "
        f"4032x3024 JPEGs, {gen_ok}/{len(gen_times)} of those read right): median {med12:.2f}, "
        f"max {max(times_12mp) if times_12mp else float('nan'):.2f}",
        f"- peak resident memory: {peak_mb:.0f} MB",
        f"- machine: {os.cpu_count()} CPU cores",
    ]
    report = "\n".join(lines)
    print(report)
    print("\nper file:")
    for name, exp, got, dt in detail:
        print(f"  {name:<42} expected={exp or '-':<22} got={got or '-':<22} {dt:.2f}s")
    if args.write:
        slug = Path(args.manifest).resolve().parent.name
        cmd = "benchmarks/bench_photos.py --write" + ("" if slug == "sample_media" else f" --manifest {Path(args.manifest).as_posix()}")
        write_section(f"photos-{slug}", f"## Photos: {slug}\n\nCommand: `.venv/bin/python {cmd}`\n\n{report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
