"""Combine the readings of several engines into display readings.

Readings of the same spot (boxes that overlap, of similar size) form a group; within a
group, texts vote with engine weights.  Two readings agree when their *folded* keys
match (look-alike characters folded: O->0, S->5, I/l->1, B->8, Z->2, G->6), so that a
seven-segment ``5E`` and a PP-OCR ``SE`` support each other; a reading that is a
prefix/substring of another gives it half support (PP-OCR often drops the last
seven-segment digit).  The chosen spelling is the one of the highest-weighted
reading; the code grammar repairs look-alikes later, with the knowledge base.
"""

from __future__ import annotations

import re

import numpy as np

from ..knowledge.keys import match_key
from ..schema import BBox, DisplayReading, TextReading
from .regions import box_overlap

# How much each engine's vote counts, by what the spot looks like.  Set from the
# engines' measured accuracy on seven-segment renders (benchmarks/bench_seven_segment.py):
# the dedicated reader is best there, PP-OCR is good on printed text, Tesseract weaker.
WEIGHTS_SEVEN_SEGMENT = {"seven_segment": 1.0, "rapidocr": 0.6, "tesseract": 0.35}
WEIGHTS_TEXT = {"seven_segment": 0.5, "rapidocr": 1.0, "tesseract": 0.85}

_FOLD = str.maketrans({"O": "0", "D": "0", "Q": "0", "S": "5", "I": "1", "L": "1", "|": "1", "B": "8", "Z": "2", "G": "6"})


def fold(text: str) -> str:
    """Comparison key of a reading with look-alike characters folded to digits."""
    return re.sub(r"[^A-Z0-9]", "", match_key(text).upper().translate(_FOLD))


def same_spot(a: BBox, b: BBox) -> bool:
    """True when two boxes cover the same display field (overlap and similar size)."""
    iou, cover = box_overlap(a, b)
    if iou >= 0.4:
        return True
    if cover < 0.7:
        return False
    hr = max(a[3], 1) / max(b[3], 1)
    wr = max(a[2], 1) / max(b[2], 1)
    return 0.6 <= hr <= 1.67 and 0.45 <= wr <= 2.2


# digit -> letters an ordinary font draws differently enough for a text engine to tell
_LETTER_FOR_DIGIT = {"8": "B", "5": "S", "2": "Z", "6": "Gb"}


def _letters_from_text_engines(lead: TextReading, support: list[TextReading]) -> str:
    """Spelling of the chosen reading.

    The seven-segment reader writes glyphs that are also letters as digits (5/S, 8/B,
    0/O, 1/I, 2/Z, 6/G/b).  When a text engine read the same spot and agrees under
    folding, its B, S, Z, G and b are kept in those positions: it saw the shapes of an
    ordinary font, which tell B from 8 (O/0 and I/1 it confuses too often to trust).  A
    decimal point or colon that a text engine saw and the segment reader did not is kept.  On a real seven-segment glyph the text engine guesses,
    and the code grammar and knowledge base decide later.
    """
    text = lead.text.strip()
    if lead.engine != "seven_segment":
        return text
    for r in sorted(support, key=lambda r: -r.confidence):
        other = r.text.strip()
        if r.engine == "seven_segment" or r.confidence < 0.8:
            continue
        if any(p in other and p not in text for p in ".:"):
            # the segment reader loses decimal points next to ghost points; a text
            # engine seldom invents one (21.5 must not become the code 215)
            return other
        if len(other) != len(text):
            continue
        return "".join(o if o in _LETTER_FOR_DIGIT.get(c, "") else c for c, o in zip(text, other))
    return text


def fuse(readings: list[TextReading]) -> list[DisplayReading]:
    """Group raw readings by spot and vote.

    Args:
        readings: engine readings with boxes in original pixels.

    Returns:
        One :class:`DisplayReading` per spot, best confidence first.  ``alternatives``
        lists the other texts proposed for the spot as ``(text, confidence, engine)``.
    """
    items = [r for r in readings if r.text and r.text.strip()]
    items.sort(key=lambda r: -(r.confidence * WEIGHTS_SEVEN_SEGMENT.get(r.engine, 0.5)))
    groups: list[list[TextReading]] = []
    for r in items:
        for g in groups:
            if any(same_spot(m.bbox, r.bbox) for m in g):
                g.append(r)
                break
        else:
            groups.append([r])

    out: list[DisplayReading] = []
    for g in groups:
        seven = any(r.engine == "seven_segment" and r.confidence >= 0.5 for r in g)
        weights = WEIGHTS_SEVEN_SEGMENT if seven else WEIGHTS_TEXT
        keys: dict[str, list[TextReading]] = {}
        for r in g:
            k = fold(r.text)
            if k:
                keys.setdefault(k, []).append(r)
        if not keys:
            continue
        # One vote per engine and text: overlapping regions give the same engine several
        # looks at one spot, and those are not independent evidence.
        def vote(rs: list[TextReading]) -> float:
            best: dict[str, float] = {}
            for r in rs:
                best[r.engine] = max(best.get(r.engine, 0.0), weights.get(r.engine, 0.5) * r.confidence)
            return sum(best.values())

        scores: dict[str, float] = {}
        for k, rs in keys.items():
            s = vote(rs)
            for k2, rs2 in keys.items():
                if k2 != k and len(k2) < len(k) and k2 in k:
                    s += 0.5 * vote(rs2)
            scores[k] = s
        best = max(scores, key=lambda k: scores[k])
        support = keys[best]
        lead = max(support, key=lambda r: weights.get(r.engine, 0.5) * r.confidence)
        text = _letters_from_text_engines(lead, support)
        # agreement: independent engines that read the same thing raise confidence
        per_engine: dict[str, float] = {}
        for r in support:
            per_engine[r.engine] = max(per_engine.get(r.engine, 0.0), r.confidence)
        miss = np.prod([1.0 - min(c, 0.99) * min(1.0, weights.get(e, 0.5) + 0.2) for e, c in per_engine.items()])
        combined = 1.0 - float(miss)
        combined = max(combined, lead.confidence)
        total = sum(scores.values()) or 1.0
        conflict = sum(v for k, v in scores.items() if k != best and not (k in best)) / total
        conf = min(0.99, combined * (1.0 - 0.6 * conflict))
        alts = [(rs[0].text, round(rs[0].confidence, 3), rs[0].engine) for k, rs in keys.items() if k != best]
        out.append(
            DisplayReading(
                text=text,
                confidence=round(conf, 3),
                engines=tuple(sorted(per_engine)),
                bbox=lead.bbox,
                kind="seven_segment" if seven and "seven_segment" in per_engine else "text",
                alternatives=alts,
            )
        )
    out.sort(key=lambda d: -d.confidence)
    return out
