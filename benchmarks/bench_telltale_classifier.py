"""Tell-tale symbol classifier benchmark: held-out precision/recall, unknown handling, speed, size.

Regenerates the held-out set the training script evaluated on (``split="heldout"``:
backgrounds, hues, sizes, stroke widths, fonts and unknown families the training never
saw; seed and size read from ``models/telltale-classifier/metrics.json``), classifies it
through the product engine (:class:`TransformersTelltaleClassifier`), and prints:

- per-class precision and recall, macro precision/recall over the 23 tell-tales;
- unknown symbols rejected, tell-tales called unknown, tell-tales given a wrong label;
- model load time, milliseconds per single crop and per 3-crop and 8-crop batch on raw
  crops of varied sizes (torch threads as set by the environment; 2 on this machine);
- parameters, size of ``model.safetensors``.

Usage::

    .venv/bin/python benchmarks/bench_telltale_classifier.py [--write]

``--write`` replaces the "Tell-tale classifier" section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from diagnostics.engines.telltale_classifier import CLASSES, DEFAULT_MODEL_DIR, TransformersTelltaleClassifier  # noqa: E402
from synth.telltales.dataset import generate_set  # noqa: E402
from synth.telltales.metrics import classification_report, format_report  # noqa: E402
from synth.telltales.scene import render_crop  # noqa: E402
from docs_section import write_section  # noqa: E402  (benchmarks/docs_section.py)


def main() -> int:
    ap = argparse.ArgumentParser(description="Tell-tale classifier benchmark")
    ap.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR)
    ap.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    meta = json.loads((args.model / "metrics.json").read_text())
    seed, per_class, size = meta["seed"] + 2, meta["args"]["heldout_per_class"], meta["args"]["size"]

    import torch

    torch.set_num_threads(int(os.environ.get("TELLTALE_TORCH_THREADS", "2")))
    t = time.perf_counter()
    clf = TransformersTelltaleClassifier(args.model)
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    X, y = generate_set("heldout", per_class, seed, size=size, workers=args.workers)
    gen_s = time.perf_counter() - t
    preds = clf.classify(list(X))
    rep = classification_report([CLASSES[i] for i in y], [p.label for p in preds])

    rng = np.random.default_rng(99)
    raw = [render_crop(CLASSES[i % len(CLASSES)], rng, split="heldout") for i in range(48)]
    clf.classify(raw[:3])  # warm-up
    single, trio, eight = [], [], []
    for i in range(0, 48):
        t = time.perf_counter()
        clf.classify([raw[i]])
        single.append(time.perf_counter() - t)
    for i in range(0, 45, 3):
        t = time.perf_counter()
        clf.classify(raw[i:i + 3])
        trio.append(time.perf_counter() - t)
    for i in range(0, 40, 8):
        t = time.perf_counter()
        clf.classify(raw[i:i + 8])
        eight.append(time.perf_counter() - t)
    params = sum(p.numel() for p in clf._model.parameters())
    wbytes = (args.model / "model.safetensors").stat().st_size
    sizes = sorted(min(c.shape[:2]) for c in raw)

    lines = [
        f"Held-out set: {len(y)} generated crops ({per_class} per tell-tale, {2 * per_class} unknown; seed {seed}), "
        f"settings the training never saw (carbon/daylight/leather backgrounds, hue offsets 12-20 degrees, symbols 18-24 px "
        f"and 128-200 px, other stroke widths and fonts, unknown families absent from training). Rendered in {gen_s:.0f} s.",
        "",
        f"- **Macro recall {rep['macro_recall']:.3f}, macro precision {rep['macro_precision']:.3f}** over the 23 tell-tales "
        f"(targets >= 0.90 and >= 0.95); accuracy over all 24 labels {rep['accuracy']:.3f}.",
        f"- Unknown symbols rejected: {rep['unknown_rejection']:.3f}; tell-tales called unknown: {rep['known_to_unknown']:.3f}; "
        f"tell-tales given another tell-tale's label: {rep['known_misclassified']:.3f} (unknown threshold {clf.unknown_threshold}).",
        f"- Speed (torch CPU, {torch.get_num_threads()} threads, raw crops {sizes[0]}-{sizes[-1]} px): one crop "
        f"{1000 * statistics.median(single):.1f} ms (median), 3 crops {1000 * statistics.median(trio):.1f} ms, "
        f"8 crops {1000 * statistics.median(eight):.1f} ms; model load {load_s:.2f} s (once per process).",
        f"- Model: ConvNeXt V2, {params / 1e6:.2f} M parameters, `model.safetensors` {wbytes / 1e6:.1f} MB.",
        "",
        format_report(rep),
    ]
    report = "\n".join(lines)
    print(report)
    if args.write:
        write_section("telltale-classifier", (f"## Tell-tale classifier\n\nCommand: `.venv/bin/python benchmarks/bench_telltale_classifier.py --write` "
                 f"(measured {time.strftime('%Y-%m-%d')}). Training: `{meta['command'].strip()}`, "
                 f"{meta['train_seconds'] / 60:.1f} min training + "
                 f"{meta.get('data_seconds_first_render', meta['data_seconds']) / 60:.1f} min rendering the sets on this machine.\n\n{report}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
