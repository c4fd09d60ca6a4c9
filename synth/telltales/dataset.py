"""Seeded sets of classifier crops (training, validation, held-out), made in parallel.

A set is ``per_class`` crops of every tell-tale plus ``unknown_factor * per_class``
"unknown" crops, each rendered by :func:`synth.telltales.scene.render_crop` and resized
to the model's input (:func:`diagnostics.engines.telltale_classifier.square_resize`).
Crop ``k`` of class ``c`` depends only on ``(seed, split, c, k // CHUNK)``, so a set is
the same whatever the number of worker processes.
"""

from __future__ import annotations

import multiprocessing as mp

import numpy as np

from diagnostics.engines.telltale_classifier import CLASSES, UNKNOWN, square_resize
from diagnostics.errors import ValidationError

from .scene import SPLITS, render_crop

CHUNK = 64


def _chunk(args: tuple) -> tuple[int, np.ndarray]:
    seed, split, ci, j, n, size, use_mdi = args
    rng = np.random.default_rng([seed, SPLITS.index(split), ci, j])
    out = np.empty((n, size, size, 3), np.uint8)
    for k in range(n):
        out[k] = square_resize(render_crop(CLASSES[ci], rng, split=split, use_mdi=use_mdi), size)
    return ci, out


def generate_set(split: str, per_class: int, seed: int, *, size: int = 64, unknown_factor: float = 2.0,
                 use_mdi: float = 0.3, workers: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Render a labelled set of classifier inputs.

    Args:
        split: ``"train"`` or ``"heldout"`` settings (see :mod:`synth.telltales.scene`).
        per_class: crops per tell-tale class.
        seed: base seed.
        size: side of each stored crop, px (the model input).
        unknown_factor: ``unknown`` crops per tell-tale crop count.
        use_mdi: share of @mdi/svg icons in training crops (when installed).
        workers: processes (1 = in this process).

    Returns:
        ``(X, y)``: ``(N, size, size, 3) uint8`` RGB and ``(N,) int64`` class ids (index
        into :data:`diagnostics.engines.telltale_classifier.CLASSES`), ordered by class.

    Raises:
        ValidationError: bad split or counts.
    """
    if split not in SPLITS or per_class < 1 or size < 16:
        raise ValidationError("Bad dataset request.", detail=f"split={split} per_class={per_class} size={size}")
    jobs = []
    for ci, name in enumerate(CLASSES):
        n = int(round(per_class * (unknown_factor if name == UNKNOWN else 1.0)))
        for j in range((n + CHUNK - 1) // CHUNK):
            jobs.append((seed, split, ci, j, min(CHUNK, n - j * CHUNK), size, use_mdi))
    if workers > 1:
        with mp.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_chunk, jobs, chunksize=1)
    else:
        parts = [_chunk(a) for a in jobs]
    X = np.concatenate([p[1] for p in parts])
    y = np.concatenate([np.full(len(p[1]), p[0], np.int64) for p in parts])
    return X, y
