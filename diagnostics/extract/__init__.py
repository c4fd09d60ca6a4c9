"""Code extraction: from display readings and text to normalised error-code candidates.

Public API:

* :func:`extract_codes` — combined display readings (``DisplayReading``) -> candidates.
* :func:`extract_from_text` — multi-line OCR text of printed screens (blue screens,
  printer panels, router pages, OBD scanners) or text typed by the customer.
* :func:`normalise` — canonical display form of a code per family.

Grammars and stoplists: :mod:`.grammars`; look-alike repair: :mod:`.repair`;
tokenising: :mod:`.tokens`; decisions and confidence: :mod:`.extractor`.

``known_keys`` maps family -> set of ``diagnostics.knowledge.keys.match_key`` values of
every code and alias the knowledge base knows; ``None``/empty means grammar only.
``canonical`` (optional) maps match_key -> the KB's preferred spelling.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from diagnostics.errors import ValidationError
from diagnostics.knowledge.keys import match_key
from diagnostics.schema import FAMILY_WINDOWS, BBox, CodeCandidate, DisplayReading

from .extractor import KnownKeys, Pick, extract_picks
from .grammars import BUG_CHECK_VALUES, bug_check_name
from .normalise import normalise
from .tokens import MAX_TEXT_CHARS

__all__ = ["extract_codes", "extract_from_text", "normalise", "bug_check_name"]


def _check_text(text) -> str:
    if not isinstance(text, str):
        raise ValidationError("The text to search for codes must be a string.",
                              detail=f"got {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationError("The text is too long to search for error codes.",
                              hint="Please paste only the part of the message that shows the error.",
                              detail=f"{len(text)} characters > {MAX_TEXT_CHARS}")
    return text


def _clamp(x: float) -> float:
    return max(0.0, min(1.0, float(x)))


def _candidates(picks: list[Pick], engines: tuple[str, ...], confidence: float, bbox: BBox | None,
                source: str) -> list[CodeCandidate]:
    return [CodeCandidate(text_as_read=p.text_as_read, code=p.code, family=p.family, engines=tuple(engines),
                          confidence=_clamp(confidence * p.factor), bbox=bbox, repairs=list(p.repairs),
                          source=source)
            for p in picks]


def extract_codes(readings: Sequence[DisplayReading], known_keys: Mapping[str, set[str]] | None = None, *,
                  source: str = "", canonical: Mapping[str, str] | None = None) -> list[CodeCandidate]:
    """Code candidates in combined display readings.

    Args:
        readings: ``DisplayReading`` objects (text, confidence in [0, 1], engines, bbox in
            original-image pixels, kind ``"seven_segment"`` or ``"text"``).  When a
            reading's own text gives nothing, its ``alternatives`` are tried in order of
            confidence, keeping only codes the knowledge base knows read exactly as
            written (a lower-ranked guess is trusted only when the KB confirms it without
            look-alike repair), at 0.8 of the alternative's confidence.
        known_keys: family -> set of match keys the knowledge base knows (None: grammar only).
        source: media name stored on each candidate.
        canonical: optional match_key -> KB spelling, used by :func:`normalise`.

    Returns:
        Deduplicated candidates (one per family + match key; engines merged, maximum
        confidence, bbox of the best), best first.  Empty when nothing code-like was read.

    Raises:
        ValidationError: a reading is not a DisplayReading-like object or its text is not
            a string / too long.
    """
    if readings is None:
        return []
    kb = KnownKeys(known_keys)
    out: list[CodeCandidate] = []
    for r in readings:
        try:
            text, conf, engines, bbox = r.text, float(r.confidence), tuple(r.engines), r.bbox
        except (AttributeError, TypeError, ValueError) as exc:
            raise ValidationError("A display reading is malformed and cannot be searched for codes.",
                                  detail=repr(exc)) from exc
        kind = getattr(r, "kind", "text")
        seven = kind == "seven_segment"
        picks = extract_picks(_check_text(text), kb, canonical, seven_segment=seven, ocr_text=not seven)
        if picks:
            out.extend(_candidates(picks, engines, conf, bbox, source))
            continue
        for alt in sorted(getattr(r, "alternatives", None) or [], key=lambda a: -float(a[1])):
            alt_text, alt_conf, alt_engine = alt[0], float(alt[1]), str(alt[2])
            # an alternative lost the vote for this spot: only a known code read exactly as
            # written counts (no look-alike repair on top of a losing reading), discounted
            picks = [p for p in extract_picks(_check_text(alt_text), kb, canonical, seven_segment=seven,
                                              ocr_text=not seven) if p.known and not p.repairs]
            if picks:
                out.extend(_candidates(picks, (alt_engine,), alt_conf * 0.8, bbox, source))
                break
    return dedupe(out)


def extract_from_text(text: str, known_keys: Mapping[str, set[str]] | None = None, *, source: str = "",
                      engines: tuple[str, ...] = ("text",), confidence: float = 1.0, bbox: BBox | None = None,
                      canonical: Mapping[str, str] | None = None) -> list[CodeCandidate]:
    """Code candidates in multi-line text (OCR of a printed screen, or typed by the customer).

    Args:
        text: the text (``"Stop code: CRITICAL_PROCESS_DIED"``, ``"50.4 FUSER ERROR"``,
            ``"my washer shows E 21"``); at most ``MAX_TEXT_CHARS`` characters.
        known_keys: family -> set of match keys the knowledge base knows.
        source: media name (or ``"customer text"``) stored on each candidate.
        engines: engine names stored on each candidate.
        confidence: confidence of the text itself, [0, 1] (1.0 for typed text).
        bbox: where the text was read (None for typed text).
        canonical: optional match_key -> KB spelling.

    Returns:
        Deduplicated candidates, best first.

    Raises:
        ValidationError: ``text`` not a string or too long.
    """
    picks = extract_picks(_check_text(text), KnownKeys(known_keys), canonical)
    return dedupe(_candidates(picks, tuple(engines), _clamp(confidence), bbox, source))


def dedupe(cands: Sequence[CodeCandidate]) -> list[CodeCandidate]:
    """Merge candidates naming the same code (same family and match key): engines are
    merged, the best one's confidence, bbox, text and repairs are kept.  A Windows stop
    code read both as hex and as its symbolic name (``0x00000050`` and
    ``PAGE_FAULT_IN_NONPAGED_AREA``, per ``grammars.BUG_CHECKS``) becomes one candidate
    under the hex code.  Returns best first."""
    merged: dict[tuple[str, str], CodeCandidate] = {}
    for c in cands:
        key = (c.family, _merge_key(c))
        cur = merged.get(key)
        if cur is None:
            merged[key] = CodeCandidate(c.text_as_read, c.code, c.family, tuple(c.engines), c.confidence, c.bbox,
                                        list(c.repairs), c.source, c.in_knowledge_base)
            continue
        engines = tuple(dict.fromkeys(cur.engines + tuple(c.engines)))
        best = c if c.confidence > cur.confidence else cur
        other = cur if best is c else c
        code = best.code
        if c.family == FAMILY_WINDOWS and not code.startswith("0x") and other.code.startswith("0x"):
            code = other.code  # the hex is the canonical stop code
        notes = list(best.repairs) + [n for n in other.repairs
                                      if (n.startswith("also shown as") or " is stop code " in n)
                                      and n not in best.repairs]
        for spelling in (best.code, other.code):
            note = f"also shown as {spelling}"
            if spelling != code and note not in notes:
                notes.append(note)
        merged[key] = CodeCandidate(best.text_as_read, code, best.family, engines,
                                    max(cur.confidence, c.confidence), best.bbox, notes, best.source or cur.source,
                                    cur.in_knowledge_base or c.in_knowledge_base)
    return sorted(merged.values(), key=lambda c: -c.confidence)


def _merge_key(c: CodeCandidate) -> str:
    k = match_key(c.code)
    if c.family == FAMILY_WINDOWS and k in BUG_CHECK_VALUES:
        return "0X%X" % BUG_CHECK_VALUES[k]
    return k
