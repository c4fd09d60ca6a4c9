"""From code candidates to ranked suggestions, with the reasons for each.

Confidence of a suggestion = reading confidence x match quality (code 1.0, display
alias 0.97) x scope factor (a brand named in the customer's text or read on the
photo raises it; several brands sharing a code and nothing to choose lowers it).
A code not in the knowledge base is reported as such and queued as unmapped; no fix
is ever invented for it.  Lit indicators (car tell-tales, router status lights) rank
before codes, by colour first (red > amber > green / blue / white, ISO 2575 / UN R121)
and then by the entry's severity.
"""

from __future__ import annotations

import re

from .errors import DiagnosticsError
from .knowledge.keys import match_key
from .schema import CodeCandidate, Diagnosis, KBEntry, MediaResult, Suggestion
from .telltales import light_order

BRAND_BOOST = 1.15
APPLIANCE_BOOST = 1.1
ALIAS_FACTOR = 0.97

# Words printed on a control panel (or typed by the customer) that say what kind of
# product it is; our own list, from the labels common on such panels.
APPLIANCE_WORDS = {
    "washer": ("washer", "washing machine", "spin", "rinse", "wool", "cotton", "cottons", "synthetics", "synth",
               "drum", "laundry", "lavadora", "centrifugado"),
    "dishwasher": ("dishwasher", "dish", "glass", "pots", "rinse aid", "salt", "lavavajillas"),
    "boiler": ("boiler", "heating", "hot water", "bar", "radiator", "caldera", "calefaccion", "calefacción"),
    "printer": ("printer", "toner", "paper", "tray", "fuser", "impresora"),
    "router": ("router", "modem", "internet", "wifi", "wi-fi", "broadband", "wan"),
    "car": ("car", "engine", "dashboard", "obd", "dtc", "coche", "motor"),
}


def _merge(cands: list[CodeCandidate]) -> list[CodeCandidate]:
    by_key: dict[str, CodeCandidate] = {}
    for c in cands:
        k = match_key(c.code)
        if k not in by_key:
            by_key[k] = CodeCandidate(**{**c.__dict__, "engines": tuple(c.engines), "repairs": list(c.repairs)})
            continue
        m = by_key[k]
        if c.confidence > m.confidence:
            m.confidence, m.bbox, m.text_as_read, m.source = c.confidence, c.bbox, c.text_as_read, c.source
        m.engines = tuple(sorted(set(m.engines) | set(c.engines)))
        # the same code in two files or in the photo and the text: more certain
        m.confidence = round(min(0.99, 1 - (1 - m.confidence) * (1 - c.confidence * 0.5)), 3)
    return sorted(by_key.values(), key=lambda c: -c.confidence)


def _brand_mentions(entries: list[KBEntry], corpus: str) -> set[str]:
    brands = {e.brand for e in entries if e.brand}
    return {b for b in brands if re.search(r"\b" + re.escape(b.split()[0]) + r"\b", corpus, re.IGNORECASE)}


def appliance_mentions(corpus: str) -> set[str]:
    """Kinds of product (keys of :data:`APPLIANCE_WORDS`) that words in ``corpus`` name."""
    low = corpus.lower()
    return {kind for kind, words in APPLIANCE_WORDS.items()
            if any(re.search(r"\b" + re.escape(w) + r"\b", low) for w in words)}


def _scope(e: KBEntry) -> str:
    parts = [p for p in (e.brand, e.appliance) if p]
    return " ".join(parts) or e.family


def symptom_texts(media: list[MediaResult], customer_text: str) -> list[tuple[str, str]]:
    """``(text, where)`` pairs that describe symptoms: what the customer typed and what
    voice notes said once the code phrases are taken out."""
    out = [(customer_text.strip(), "the customer's message")] if customer_text.strip() else []
    for m in media:
        for e in m.events:
            if e.get("kind") == "symptoms" and str(e.get("text", "")).strip():
                out.append((str(e["text"]).strip(), m.name))
    return out


def rank(media: list[MediaResult], kb, *, customer_text: str = "", text_candidates: list[CodeCandidate] | None = None,
         symptom_search=None) -> Diagnosis:
    """Build the :class:`Diagnosis` of a case.

    Args:
        media: analysed files.
        kb: knowledge base (``lookup(code) -> list[KBEntry]``, ``record_unmapped(...)``).
        customer_text: what the customer typed (brand names in it count as evidence).
        text_candidates: codes extracted from ``customer_text``.
        symptom_search: optional ``search(text) -> list[SymptomMatch]``
            (:class:`diagnostics.knowledge.symptoms.SymptomIndex`); used when no code
            was found, so a described symptom still reaches the matching entries.

    Returns:
        Diagnosis with suggestions best first, unmapped codes and, when nothing was
        found, what to ask the customer for.
    """
    cands = [c for m in media for c in m.candidates] + list(text_candidates or [])
    merged = _merge(cands)
    corpus = " ".join([customer_text] + [m.transcript for m in media] + [r.text for m in media for r in m.readings])
    kinds = appliance_mentions(corpus)
    suggestions: list[Suggestion] = []
    unmapped: list[CodeCandidate] = []
    for cand in merged:
        try:
            entries = kb.lookup(cand.code) if kb is not None else []
        except DiagnosticsError:
            entries = []
        if not entries:
            cand.in_knowledge_base = False
            unmapped.append(cand)
            try:
                if kb is not None:
                    thumb = _unmapped_thumbnail(media, cand)
                    kb.record_unmapped(cand.code, cand.family, cand.text_as_read, cand.source,
                                       **({"thumbnail": thumb} if thumb else {}))
            except DiagnosticsError:
                pass
            continue
        cand.in_knowledge_base = True
        for m in media:
            for c in m.candidates:
                if match_key(c.code) == match_key(cand.code):
                    c.in_knowledge_base = True
        named = _brand_mentions(entries, corpus)
        multi = len({_scope(e) for e in entries}) > 1
        deciding = ""
        if multi and not named:
            scopes = ", ".join(sorted({_scope(e) for e in entries}))
            deciding = (f"{cand.code} is used by several products ({scopes}). A photo of the model label "
                        "(rating plate, usually inside the door or on the back) would decide which one applies.")
        for e in entries:
            how = "code" if match_key(e.code) == match_key(cand.code) else "display alias"
            conf = cand.confidence * (1.0 if how == "code" else ALIAS_FACTOR)
            engines = ", ".join(cand.engines)
            where = f" from {cand.source}" if cand.source else ""
            reasons = [f"'{cand.text_as_read}' read{where} by {engines} at {cand.confidence:.2f}"]
            reasons += [f"look-alike repair: {r}" for r in cand.repairs]
            reasons.append(f"matches the {_scope(e)} {how} {cand.code}")
            if e.brand and e.brand in named:
                conf *= BRAND_BOOST
                reasons.append(f"the brand {e.brand} is mentioned by the customer or on the photo")
            elif multi:
                conf *= 1.0 / (1.0 + 0.2 * (len(entries) - 1))
            if multi and e.appliance.lower() in kinds:
                conf *= APPLIANCE_BOOST
                reasons.append(f"the photo or message mentions {e.appliance.lower()} features")
            if not e.verified:
                reasons.append("knowledge-base entry not checked against a manufacturer's manual")
            suggestions.append(Suggestion(e, round(min(conf, 0.99), 3), reasons, cand, deciding if multi else ""))
    if not suggestions and symptom_search is not None:
        suggestions += _symptom_suggestions(media, customer_text, symptom_search)
    # lights (tell-tales, status lights) first, most urgent colour first (red > amber > others),
    # then by the entry's severity; codes by confidence (diagnostics.telltales.light_order)
    suggestions.sort(key=lambda s: light_order(s.candidate.code, s.entry.severity, s.confidence))
    ask = ""
    if not suggestions and not unmapped:
        shown = [r.text for m in media for r in m.readings if r.kind == "seven_segment" and r.confidence >= 0.8
                 and not m.candidates and any(ch.isdigit() for ch in r.text)][:2]
        if shown and not any(m.error for m in media):
            # the display was read and shows a value, not a code (a clock, a temperature)
            return Diagnosis(media=media, suggestions=[], unmapped=[], ask_customer=(
                f"The display shows {' and '.join(repr(t) for t in shown)}, which is not an error code. "
                "Ask the customer for a photo taken while the fault is showing, or what the display shows when it happens."))
        hints = [m.hint for m in media if m.error and m.hint]
        hints += [m.quality.retake_hint for m in media if not m.error and m.quality.retake_hint]
        ask = " ".join(dict.fromkeys(h for h in hints if h)) or (
            "Ask the customer for a clear photo of the display showing the code, straight on and close up, "
            "and the make and model of the appliance."
        )
    return Diagnosis(media=media, suggestions=suggestions, unmapped=unmapped, ask_customer=ask)


def _unmapped_thumbnail(media: list[MediaResult], cand: CodeCandidate) -> bytes | None:
    """Small JPEG around an unmapped code read on a photo (for the curators' queue); ``None``
    for codes from video, sound or text."""
    from .knowledge.unmapped import make_thumbnail

    for m in media:
        if m.image is not None and cand.bbox and m.kind == "image" and cand.source == m.name:
            try:
                return make_thumbnail(m.image, cand.bbox)
            except DiagnosticsError:
                return None
    return None


def _symptom_suggestions(media, customer_text, search) -> list[Suggestion]:
    """Suggestions from described symptoms (no code): each names the words it matched."""
    out: list[Suggestion] = []
    seen: set[int] = set()
    for text, where in symptom_texts(media, customer_text):
        try:
            matches = search(text)
        except DiagnosticsError:
            continue
        for m in matches:
            if m.entry.id in seen:
                continue
            seen.add(m.entry.id)
            cand = CodeCandidate(text_as_read=text, code=m.entry.code, family=m.entry.family, engines=("symptom search",),
                                 confidence=round(float(m.score), 3), source=where, in_knowledge_base=True)
            reasons = [f"no code was found; {where} describes: \u201c{text}\u201d", m.reason,
                       "a symptom match is a lead, not a diagnosis: ask for the code on the display to confirm"]
            if not m.entry.verified:
                reasons.append("knowledge-base entry not checked against a manufacturer's manual")
            # a symptom match ranks below any read code: cap its confidence
            out.append(Suggestion(m.entry, round(min(0.6, 0.6 * float(m.score)), 3), reasons, cand))
    return out
