"""Precision/recall of a symbol classifier on a generated set (training script, benchmark).

Precision of class c = correct c / predicted c; recall = correct c / true c. Macro
figures average the 23 tell-tale classes (``unknown`` is reported on its own: its
recall is the share of unknown symbols rejected).
"""

from __future__ import annotations

from typing import Sequence

from diagnostics.engines.telltale_classifier import TELLTALE_CLASSES, UNKNOWN


def classification_report(true: Sequence[str], pred: Sequence[str]) -> dict:
    """Per-class and macro precision/recall.

    Args:
        true, pred: labels (class names or ``"unknown"``), same length.

    Returns:
        ``{"per_class": {label: {"precision", "recall", "support", "predicted"}},
        "macro_precision", "macro_recall", "accuracy", "unknown_rejection" (recall of
        unknown), "known_to_unknown" (share of tell-tales called unknown),
        "known_misclassified" (share of tell-tales given another tell-tale's label), "n"}``.
        Precision of a class never predicted is 1.0 (no false positives) and counts so.

    Raises:
        ValueError: lengths differ.
    """
    if len(true) != len(pred):
        raise ValueError("true and pred differ in length")
    per = {}
    for c in TELLTALE_CLASSES + (UNKNOWN,):
        tp = sum(1 for t, p in zip(true, pred) if t == c and p == c)
        sup = sum(1 for t in true if t == c)
        npred = sum(1 for p in pred if p == c)
        per[c] = {"precision": tp / npred if npred else 1.0, "recall": tp / sup if sup else float("nan"),
                  "support": sup, "predicted": npred}
    known = [c for c in TELLTALE_CLASSES if per[c]["support"]]
    n_known = sum(per[c]["support"] for c in known)
    to_unk = sum(1 for t, p in zip(true, pred) if t != UNKNOWN and p == UNKNOWN)
    wrong = sum(1 for t, p in zip(true, pred) if t != UNKNOWN and p != UNKNOWN and p != t)
    return {
        "per_class": per,
        "macro_precision": sum(per[c]["precision"] for c in known) / max(1, len(known)),
        "macro_recall": sum(per[c]["recall"] for c in known) / max(1, len(known)),
        "accuracy": sum(1 for t, p in zip(true, pred) if t == p) / max(1, len(true)),
        "unknown_rejection": per[UNKNOWN]["recall"],
        "known_to_unknown": to_unk / max(1, n_known),
        "known_misclassified": wrong / max(1, n_known),
        "n": len(true),
    }


def format_report(rep: dict) -> str:
    """A plain-text table of :func:`classification_report` output (Markdown-friendly)."""
    lines = ["| class | precision | recall | support |", "|---|---|---|---|"]
    for c, m in rep["per_class"].items():
        if m["support"] or m["predicted"]:
            lines.append(f"| {c} | {m['precision']:.3f} | {m['recall']:.3f} | {m['support']} |")
    lines.append(f"| **macro (23 tell-tales)** | **{rep['macro_precision']:.3f}** | **{rep['macro_recall']:.3f}** | "
                 f"{sum(m['support'] for c, m in rep['per_class'].items() if c != UNKNOWN)} |")
    return "\n".join(lines)
