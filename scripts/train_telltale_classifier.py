#!/usr/bin/env python
"""Train the tell-tale symbol classifier shipped in ``models/telltale-classifier``.

    nice -n 5 .venv/bin/python scripts/train_telltale_classifier.py          # the shipped model (defaults)

Steps (all seeded; ``--seed`` default 2575):

1. Render three sets with :func:`synth.telltales.dataset.generate_set` (cached as ``.npz``
   under ``data/cache/telltale/``): training (``split="train"``, seed), validation
   (``split="train"``, seed + 1; for the unknown threshold) and held-out
   (``split="heldout"``, seed + 2: backgrounds, hues, sizes, stroke widths, fonts and
   unknown-symbol families the training never sees; metrics only).
   Training crops mix our own drawings with @mdi/svg icons when
   ``scripts/fetch_mdi_icons.sh`` has fetched them; without them it uses our drawings only
   (and says so).
2. Build a small ConvNeXt V2 from ``transformers.ConvNextV2Config`` (hidden sizes
   32-64-128-256, depths 2-2-4-2, 4-px patches, 64-px input, about 1.9 M parameters) and
   train it with torch on the CPU: AdamW, warm-up + cosine learning rate, label smoothing,
   random shifts, colour gains, grey and channel swaps. The learning-rate schedule runs on
   progress = max(step / planned steps, elapsed / ``--budget-min``), and training stops
   when progress reaches 1: on a quiet 2-core CPU it does all ``--epochs``; on a busy one
   (the CPU is shared) it does fewer steps but still anneals fully inside the time budget.
   The steps done are recorded in ``metrics.json``.
3. Pick the unknown threshold on the validation set (the top-probability cut that
   maximises macro F1 over all 24 labels) and store it in ``config.json``
   (``telltale_unknown_threshold``).
4. Evaluate on the held-out set through the same code path the engine uses, save with
   ``save_pretrained(..., safe_serialization=True)``, write ``preprocessor_config.json``,
   ``metrics.json``, the model card ``README.md``, and the weights' SHA-256 into
   ``models/manifest.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # don't spin on a shared 2-core CPU (set before torch loads)
REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from diagnostics.engines.telltale_classifier import CLASSES, predictions_from_probs  # noqa: E402
from synth.telltales import mdi  # noqa: E402
from synth.telltales.dataset import generate_set  # noqa: E402
from synth.telltales.metrics import classification_report, format_report  # noqa: E402
from synth.telltales.symbols import ISO_2575  # noqa: E402

CACHE = REPO / "data" / "cache" / "telltale"
_FROM_CACHE: list[bool] = []  # per set: loaded from the cache (True) or rendered in this run
DEFAULT_OUT = REPO / "models" / "telltale-classifier"
MODEL_ARCH = {"hidden_sizes": [32, 64, 128, 256], "depths": [2, 2, 4, 2], "patch_size": 4, "drop_path_rate": 0.05}


def source_version() -> str:
    """Hash of the renderer sources: a cached set is reused only if they are unchanged."""
    h = hashlib.sha256()
    for f in sorted((REPO / "synth" / "telltales").glob("*.py")):
        h.update(f.read_bytes())
    h.update((REPO / "diagnostics" / "engines" / "telltale_classifier.py").read_bytes())
    return h.hexdigest()[:12]


def cached_set(split: str, per_class: int, seed: int, size: int, use_mdi: float, workers: int, log) -> tuple[np.ndarray, np.ndarray]:
    """:func:`generate_set` with an ``.npz`` cache keyed by its arguments and the sources."""
    key = f"{split}-n{per_class}-s{seed}-px{size}-mdi{use_mdi:g}-{source_version()}"
    path = CACHE / f"{key}.npz"
    if path.is_file():
        d = np.load(path)
        _FROM_CACHE.append(True)
        log(f"  {split} set (seed {seed}): {len(d['y'])} crops from cache {path.name}")
        return d["X"], d["y"]
    t = time.time()
    X, y = generate_set(split, per_class, seed, size=size, use_mdi=use_mdi, workers=workers)
    _FROM_CACHE.append(False)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(path, X=X, y=y)
    log(f"  {split} set (seed {seed}): {len(y)} crops rendered in {time.time() - t:.0f} s")
    return X, y


def augment(xb, gen, torch):
    """Random shift (+-5 px, edge padding), colour gains, brightness/contrast, 8 % grey,
    8 % channel swap, light noise. ``xb``: ``(B, 3, S, S)`` float 0-1; same shape out."""
    B, _, S, _ = xb.shape
    pad = 5
    xp = torch.nn.functional.pad(xb, (pad, pad, pad, pad), mode="replicate")
    ox = torch.randint(0, 2 * pad + 1, (B,), generator=gen)
    oy = torch.randint(0, 2 * pad + 1, (B,), generator=gen)
    xb = torch.stack([xp[i, :, oy[i]:oy[i] + S, ox[i]:ox[i] + S] for i in range(B)])
    gains = 0.75 + 0.5 * torch.rand((B, 3, 1, 1), generator=gen)
    xb = xb * gains * (0.7 + 0.6 * torch.rand((B, 1, 1, 1), generator=gen))
    mean = xb.mean((1, 2, 3), keepdim=True)
    xb = (xb - mean) * (0.75 + 0.5 * torch.rand((B, 1, 1, 1), generator=gen)) + mean
    grey = torch.rand((B,), generator=gen) < 0.08
    if grey.any():
        xb[grey] = xb[grey].mean(1, keepdim=True).expand(-1, 3, -1, -1)
    swap = torch.rand((B,), generator=gen) < 0.08
    if swap.any():
        perm = torch.randperm(3, generator=gen)
        xb[swap] = xb[swap][:, perm]
    xb = xb + 0.02 * torch.randn(xb.shape, generator=gen) * torch.rand((B, 1, 1, 1), generator=gen)
    return xb.clamp(0, 1)


def predict_probs(model, X: np.ndarray, mean, std, torch, batch: int = 256) -> np.ndarray:
    """Softmax probabilities for ``(N, S, S, 3) uint8`` inputs already at model size."""
    out = []
    m = torch.tensor(mean).view(1, 3, 1, 1)
    s = torch.tensor(std).view(1, 3, 1, 1)
    model.eval()
    with torch.inference_mode():
        for i in range(0, len(X), batch):
            x = torch.from_numpy(X[i:i + batch]).permute(0, 3, 1, 2).float() / 255.0
            out.append(torch.softmax(model(pixel_values=(x - m) / s).logits, -1).numpy())
    return np.concatenate(out)


def calibrate_threshold(probs: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The top-probability cut in [0.30, 0.95] that maximises macro F1 over all labels."""
    true = [CLASSES[i] for i in y]
    best = (0.5, -1.0)
    for t in np.arange(0.30, 0.951, 0.025):
        pred = [p.label for p in predictions_from_probs(probs, CLASSES, float(t))]
        rep = classification_report(true, pred)
        f1s = []
        for c, m in rep["per_class"].items():
            p, r = m["precision"], m["recall"]
            f1s.append(0.0 if p + r == 0 or math.isnan(r) else 2 * p * r / (p + r))
        f1 = float(np.mean(f1s))
        if f1 > best[1] + 1e-9:
            best = (round(float(t), 3), f1)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--seed", type=int, default=2575)
    ap.add_argument("--per-class", type=int, default=1700, help="training crops per tell-tale (unknown: 2x)")
    ap.add_argument("--val-per-class", type=int, default=60)
    ap.add_argument("--heldout-per-class", type=int, default=120)
    ap.add_argument("--size", type=int, default=64, help="model input side, px")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--epochs", type=int, default=7)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--budget-min", type=float, default=24.0, help="training time budget, minutes (the schedule fits into it)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2, help="processes rendering the data")
    ap.add_argument("--mdi", type=float, default=0.3, help="share of @mdi/svg icons in training crops when installed")
    ap.add_argument("--no-manifest", action="store_true", help="do not update models/manifest.json")
    args = ap.parse_args(argv)
    t_start = time.time()

    def log(msg: str) -> None:
        print(f"[{time.time() - t_start:6.0f} s] {msg}", flush=True)

    have_mdi = mdi.available()
    use_mdi = args.mdi if have_mdi else 0.0
    log(f"@mdi/svg icons: {'used for ' + format(use_mdi, '.0%') + ' of training crops' if have_mdi else 'not installed (run scripts/fetch_mdi_icons.sh); training on our own drawings only'}")
    log("rendering data")
    Xtr, ytr = cached_set("train", args.per_class, args.seed, args.size, use_mdi, args.workers, log)
    Xva, yva = cached_set("train", args.val_per_class, args.seed + 1, args.size, use_mdi, args.workers, log)
    Xho, yho = cached_set("heldout", args.heldout_per_class, args.seed + 2, args.size, 0.0, args.workers, log)
    t_data = time.time() - t_start

    import torch
    from transformers import ConvNextV2Config, ConvNextV2ForImageClassification

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    mean = [round(float(v), 4) for v in (Xtr.reshape(-1, 3).mean(0) / 255.0)]
    std = [round(float(v), 4) for v in (Xtr.reshape(-1, 3).std(0) / 255.0)]
    cfg = ConvNextV2Config(num_channels=3, image_size=args.size, num_labels=len(CLASSES),
                           id2label={i: c for i, c in enumerate(CLASSES)}, label2id={c: i for i, c in enumerate(CLASSES)}, **MODEL_ARCH)
    model = ConvNextV2ForImageClassification(cfg)
    n_params = sum(p.numel() for p in model.parameters())
    log(f"model: ConvNeXt V2 {MODEL_ARCH}, {n_params / 1e6:.2f} M parameters, input {args.size} px; "
        f"train {len(ytr)}, val {len(yva)}, held-out {len(yho)} crops; {args.threads} threads")

    Xt = torch.from_numpy(Xtr).permute(0, 3, 1, 2).contiguous()  # uint8, converted per batch
    yt = torch.from_numpy(ytr)
    mt, st = torch.tensor(mean).view(1, 3, 1, 1), torch.tensor(std).view(1, 3, 1, 1)
    steps_per_epoch = len(yt) // args.batch
    total = steps_per_epoch * args.epochs
    warm = max(1, min(300, total // 10))
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.05)
    t_train = time.time()
    budget_s = args.budget_min * 60

    def progress(step: int) -> float:
        return max(step / total, (time.time() - t_train) / budget_s)

    def lr_at(step: int) -> float:
        return args.lr * min(1.0, (step + 1) / warm) * 0.5 * (1 + math.cos(math.pi * min(1.0, progress(step))))

    lossf = torch.nn.CrossEntropyLoss(label_smoothing=0.1)
    step, stopped_early = 0, False
    for ep in range(args.epochs):
        model.train()
        perm = torch.randperm(len(yt), generator=gen)
        run_loss, seen = 0.0, 0
        for b in range(steps_per_epoch):
            if progress(step) >= 1.0:
                stopped_early = step < total
                break
            for g in opt.param_groups:
                g["lr"] = lr_at(step)
            idx = perm[b * args.batch:(b + 1) * args.batch]
            xb = augment(Xt[idx].float() / 255.0, gen, torch)
            loss = lossf(model(pixel_values=(xb - mt) / st).logits, yt[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            run_loss += float(loss.detach()) * len(idx)
            seen += len(idx)
            if step % 50 == 0:
                log(f"  step {step}/{total}, loss {run_loss / seen:.3f}, lr {lr_at(step):.2e}, "
                    f"{step * args.batch / (time.time() - t_train):.0f} img/s, progress {progress(step):.2f}")
        pv = predict_probs(model, Xva, mean, std, torch)
        acc = float((pv.argmax(1) == yva).mean())
        log(f"epoch {ep + 1}/{args.epochs}: loss {run_loss / max(1, seen):.3f}, val accuracy {acc:.3f}, "
            f"{step * args.batch / (time.time() - t_train):.0f} img/s")
        if progress(step) >= 1.0:
            if step < total:
                stopped_early = True
                log(f"time budget of {args.budget_min} min used after {step}/{total} steps (schedule annealed to the end)")
            break
    train_s = time.time() - t_train

    pv = predict_probs(model, Xva, mean, std, torch)
    thr, f1 = calibrate_threshold(pv, yva)
    log(f"unknown threshold {thr} (validation macro F1 {f1:.3f})")
    ph = predict_probs(model, Xho, mean, std, torch)
    true = [CLASSES[i] for i in yho]
    rep = classification_report(true, [p.label for p in predictions_from_probs(ph, CLASSES, thr)])
    rep_val = classification_report([CLASSES[i] for i in yva], [p.label for p in predictions_from_probs(pv, CLASSES, thr)])
    print(format_report(rep))
    log(f"held-out: macro recall {rep['macro_recall']:.3f}, macro precision {rep['macro_precision']:.3f}, "
        f"unknown rejection {rep['unknown_rejection']:.3f}, tell-tales called unknown {rep['known_to_unknown']:.3f}")

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    model.config.telltale_unknown_threshold = thr
    model.save_pretrained(out, safe_serialization=True)
    pre = {"image_processor_type": "ViTImageProcessor", "do_resize": True, "size": {"height": args.size, "width": args.size},
           "resample": 2, "do_rescale": True, "rescale_factor": 1 / 255, "do_normalize": True, "image_mean": mean, "image_std": std,
           "telltale_note": "Crops are first padded to a square by repeating edge pixels, then resized "
                            "(diagnostics.engines.telltale_classifier.square_resize)."}
    (out / "preprocessor_config.json").write_text(json.dumps(pre, indent=2) + "\n")
    weights = out / "model.safetensors"
    weights.chmod(0o644)
    sha = hashlib.sha256(weights.read_bytes()).hexdigest()
    total_s = time.time() - t_start
    metrics = {
        "command": "python scripts/train_telltale_classifier.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "seed": args.seed, "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "labels": list(CLASSES), "unknown_threshold": thr, "validation_macro_f1": round(f1, 4),
        "mdi_icons_used": have_mdi, "mdi_share": use_mdi, "mdi_version": mdi.MDI_VERSION if have_mdi else None,
        "parameters": n_params, "weights_bytes": weights.stat().st_size, "sha256": sha,
        "train_crops": int(len(ytr)), "val_crops": int(len(yva)), "heldout_crops": int(len(yho)),
        "steps": step, "planned_steps": total, "stopped_by_time_budget": stopped_early,
        "data_seconds": round(t_data), "data_from_cache": all(_FROM_CACHE), "train_seconds": round(train_s), "total_seconds": round(total_s),
        "hardware": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, torch threads {args.threads}",
        "torch": torch.__version__, "transformers": __import__("transformers").__version__,
        "heldout": rep, "validation": rep_val,
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2, sort_keys=False) + "\n")
    (out / "README.md").write_text(model_card(metrics))
    if not args.no_manifest:
        update_manifest(out, sha)
    log(f"saved {out} ({weights.stat().st_size / 1e6:.1f} MB, sha256 {sha[:16]}...); total {total_s / 60:.1f} min")
    return 0


def update_manifest(out: Path, sha: str) -> None:
    """Write the weights' SHA-256 into ``models/manifest.json`` (entry with ``path``)."""
    man_path = REPO / "models" / "manifest.json"
    man = json.loads(man_path.read_text())
    rel = (out / "model.safetensors").resolve().relative_to(REPO).as_posix()
    entry = {"name": "Tell-tale symbol classifier (ConvNeXt V2, ours)", "engine": "telltale_classifier",
             "path": rel, "sha256": sha, "licence": "Apache-2.0 (weights trained by this project)"}
    man["models"] = [m for m in man["models"] if m.get("path") != rel] + [entry]
    man_path.write_text(json.dumps(man, indent=2) + "\n")


def model_card(m: dict) -> str:
    """The model card (Markdown) from the metrics of a training run."""
    rep = m["heldout"]
    rows = "\n".join(f"| `{c}` | {ISO_2575[c]['meaning'] if c in ISO_2575 else 'none of the known tell-tales'} | "
                     f"{rep['per_class'][c]['precision']:.3f} | {rep['per_class'][c]['recall']:.3f} | {rep['per_class'][c]['support']} |"
                     for c in m["labels"])
    mdi_line = (f"@mdi/svg {m['mdi_version']} icons (Material Design Icons, Apache-2.0, (c) Pictogrammers) were used for "
                f"{m['mdi_share']:.0%} of the training crops of classes that have one (rasterised with cairosvg from the npm package, "
                "fetched by `scripts/fetch_mdi_icons.sh`; the icons are not in this repository)."
                if m["mdi_icons_used"] else "The @mdi/svg icons were not installed for this run: training used our own drawings only.")
    return f"""# Tell-tale symbol classifier

Classifies the crop of one lit car tell-tale (dashboard warning light) into one of 23 ISO 2575
tell-tales or `unknown`. Used by `diagnostics/engines/telltale_classifier.py`
(`TransformersTelltaleClassifier`, loaded with `AutoModelForImageClassification.from_pretrained`
on this folder; CPU). A crop is `unknown` when the top class is `unknown` or its probability is
below `telltale_unknown_threshold` in `config.json` ({m['unknown_threshold']}, picked on the
validation set as the cut maximising macro F1 over all 24 labels).

## Model

- Architecture: ConvNeXt V2 (`transformers.ConvNextV2ForImageClassification`), hidden sizes
  {MODEL_ARCH['hidden_sizes']}, depths {MODEL_ARCH['depths']}, patch {MODEL_ARCH['patch_size']} px,
  input {m['args']['size']} x {m['args']['size']} RGB (crop padded to a square by repeating edge pixels,
  resized, normalised with the mean/std in `preprocessor_config.json`).
- {m['parameters'] / 1e6:.2f} M parameters; `model.safetensors` {m['weights_bytes'] / 1e6:.1f} MB (float32).
- SHA-256 of `model.safetensors`: `{m['sha256']}` (also in `models/manifest.json`).

## Training data (all generated; nothing photographed or copied)

- Our own procedural drawings of every class (`synth/telltales/symbols.py`): several variants per
  class, random stroke width, solid or outline, aspect, shear, a smooth "hand-drawn" warp,
  proportion jitter and lettering font, so the model learns the symbol and not one icon set.
- {mdi_line}
- "Unknown" examples: letters and digits, turn arrows, scribbles, blobs, bare LEDs, snowflake,
  key, cruise-control dial, fragments of known symbols, and other icons.
- Each symbol is lit in its ISO 2575 / UN R121 colour (70 %) or another plausible one, with
  hue jitter, an over-exposed core and bloom, on generated dashboard backgrounds (dark gradients,
  gauge rings, textured plastic, TFT), with neighbouring symbols, then rotation, perspective,
  blur, glare, noise and JPEG (`synth/telltales/scene.py`), and cropped as a lit-light detector
  would. Training crops: {m['train_crops']}; seed {m['seed']}.

## Held-out metrics

{m['heldout_crops']} crops made with settings the training never saw: other background families
(carbon weave, daylight wash-out, leather), hue offsets of 12-20 degrees, symbol sizes 18-24 px
and 128-200 px, stroke widths between and beyond the training bands, other lettering fonts,
stronger JPEG, and unknown-symbol families absent from training (hazard triangle, bulb, star,
words). Our drawings only (no icon set).

- Macro recall (23 tell-tales): **{rep['macro_recall']:.3f}**; macro precision: **{rep['macro_precision']:.3f}**
- Unknown symbols rejected: {rep['unknown_rejection']:.3f}; tell-tales called unknown: {rep['known_to_unknown']:.3f};
  tell-tales given another tell-tale's label: {rep['known_misclassified']:.3f}

| label | meaning (ISO 2575) | precision | recall | support |
|---|---|---|---|---|
{rows}

These are figures on generated images; real dashboards drawn by other hands will be harder.

## Training run

- Command: `{m['command'].strip()}` (defaults; seed {m['seed']})
- Hardware: {m['hardware']}; torch {m['torch']}, transformers {m['transformers']}
- Time: data {m['data_seconds']} s{f" (sets loaded from the cache of an earlier run with the same renderer, which rendered them in {m['data_seconds_first_render']} s)" if m.get('data_from_cache') and m.get('data_seconds_first_render') else (' (sets loaded from the cache of an earlier run with the same renderer)' if m.get('data_from_cache') else '')}, training {m['train_seconds']} s, total {m['total_seconds'] / 60:.1f} min;
  {m['steps']} of {m['planned_steps']} planned steps{' (the time budget ended the schedule first; the learning rate still annealed to zero)' if m['stopped_by_time_budget'] else ''}.
- AdamW (lr {m['args']['lr']}, weight decay 0.05), warm-up + cosine, label smoothing 0.1, batch {m['args']['batch']},
  at most {m['args']['epochs']} epochs within a {m['args']['budget_min']:g}-minute training budget; augmentation: shifts, colour gains, brightness/contrast, grey, channel swaps, noise.
- Reproducing: the data are seeded and the same for any number of worker processes, and torch is
  seeded, but the learning-rate schedule follows wall time whenever the CPU is slower than planned
  (this CPU is shared), so a rerun is expected to give a model of similar quality but not
  bit-identical weights (not checked by a second full run; a first, stopped run matched this one
  exactly through epoch 1).
  After retraining, the new SHA-256 is written into `models/manifest.json`.

## Licence

The weights are ours (trained by this project from generated data), Apache-2.0. Training used
the Material Design Icons (`@mdi/svg`, Apache License 2.0, Copyright Pictogrammers) where
stated above; no icon is redistributed here.
"""


if __name__ == "__main__":
    raise SystemExit(main())
