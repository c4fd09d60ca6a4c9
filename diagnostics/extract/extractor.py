"""From text to code candidates: grammar, look-alike repair, knowledge-base preference,
false-positive rules, confidence and dedupe.

Decision per token:

1. Enumerate grammar-valid spellings (:func:`repair.variants`) for every family.
2. If the knowledge base knows some of them, keep the one needing fewest repairs
   (as read beats repaired).  For seven-segment readings, a digit that shares its glyph
   with a letter (5/S, 0/O, 2/Z, 1/I) costs nothing, because the reader outputs the digit
   for both.  Several equally good known spellings with different keys are *ambiguous*:
   the first by family order, then the one with more letters, is kept and the others
   are named in a repair note (spellings that ``canonical`` maps to one KB code are not
   ambiguous).  Otherwise keep the spelling needing only forced repairs (as read when
   the grammar allows it).
3. Apply the false-positive rules (module doc of :mod:`diagnostics.extract.grammars`):
   numbers only when KB-known (or next to "error"/"code" in prose), never times, panel
   words only when KB-known, and stricter rules for short words in prose.

Confidence = reading confidence x family factor x repair factors:

==========================================  ======
KB-known code                                1.0
unknown, strong grammar (``E21``, ``P0420``)  0.8
unknown, weak grammar (bare numbers with
context, T-codes, unknown names)             0.65
unknown, letters only (``UE``; most prone to
be a word or a panel label)                  0.5 (0.65 when a seven-segment
                                             reader read it)
each distinct confusion repaired             x 0.9
several equally good readings (ambiguous)    x 0.8
``OC``/``0F`` in OCR text (``°C`` misread)   x 0.6
==========================================  ======
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from diagnostics.knowledge.keys import match_key
from diagnostics.schema import FAMILY_APPLIANCE, FAMILY_OBD2, FAMILY_PRINTER, FAMILY_ROUTER, FAMILY_WINDOWS

from .grammars import (
    BUG_CHECK_VALUES,
    FAMILY_ORDER,
    LETTERISE,
    MIXED_PROSE_STOP,
    NAME_RE,
    PROSE_STOP,
    ROUTER_NAME_PREFIXES,
    ROUTER_NAMES,
    SHAPES,
    TIMEOUT_TEXT_RE,
    UNIT_RE,
    WINDOWS_TEXT_RE,
    core_for,
    is_display_word,
    numeric_router_range,
    plausible_stop_value,
)
from .normalise import normalise
from .repair import MAX_VARIANTS, Variant, describe, variants
from .tokens import Line, Token, split_lines

KB_FACTOR = 1.0
STRONG_FACTOR = 0.8
WEAK_FACTOR = 0.65
LETTERS_FACTOR = 0.5
UNIT_LOOKALIKE_FACTOR = 0.6
_DEGREE_UNIT_RE = re.compile(r"^[oO0°º][CFcf]$")
REPAIR_FACTOR = 0.9
AMBIGUOUS_FACTOR = 0.8


class KnownKeys:
    """The knowledge base's keys: ``family -> {match_key}`` (re-keyed defensively)."""

    def __init__(self, known_keys: Mapping[str, set[str]] | None):
        self.by_family: dict[str, set[str]] = {}
        for fam, keys in (known_keys or {}).items():
            self.by_family[str(fam)] = {match_key(str(k)) for k in keys if str(k).strip()}

    def __bool__(self) -> bool:
        return any(self.by_family.values())

    def knows(self, family: str, key: str) -> bool:
        keys = self.by_family.get(family)
        if not keys:
            return False
        if key in keys:
            return True
        if family == FAMILY_APPLIANCE:  # Er3 and Err3 name the same display code
            m = re.fullmatch(r"ERR?(\d+)", key)
            if m:
                return ("ER" + m.group(1)) in keys or ("ERR" + m.group(1)) in keys
        return False

    def families(self, key: str) -> list[str]:
        return [f for f, keys in self.by_family.items() if key in keys]


@dataclass
class Pick:
    """One code taken from one token (before it becomes a CodeCandidate)."""

    family: str
    code: str
    text_as_read: str
    factor: float
    repairs: list[str] = field(default_factory=list)
    known: bool = False


@dataclass
class _TextCtx:
    kb: KnownKeys
    canonical: Mapping[str, str] | None
    seven_segment: bool
    ocr_text: bool
    windows_text: bool
    timeout_text: bool


def extract_picks(text: str, kb: KnownKeys, canonical: Mapping[str, str] | None, *,
                  seven_segment: bool = False, ocr_text: bool = False) -> list[Pick]:
    """All picks of one reading / text (not yet deduped).

    ``seven_segment``: the text came from a seven-segment reader; ``ocr_text``: a text
    reading of a photo (not typed by a person: lower-case letter codes are fragments).
    """
    text = fold_text(text)
    ctx = _TextCtx(kb, canonical, seven_segment, ocr_text, bool(WINDOWS_TEXT_RE.search(text)),
                   bool(TIMEOUT_TEXT_RE.search(text)))
    out: list[Pick] = []
    for line in split_lines(text, force_display=seven_segment):
        hex_taken = False
        for tok in line.tokens:
            if tok.skip:
                continue
            if tok.joined_name or ("_" in tok.text and NAME_RE.match(tok.text.upper())):
                out.extend(_name_picks(tok, line, ctx))
                continue
            picks = _token_picks(tok, line, ctx, hex_allowed=not (tok.in_parens or (line.has_stop and hex_taken)))
            for p in picks:
                if p.family == FAMILY_WINDOWS:
                    hex_taken = True
            out.extend(picks)
    return out


_HOMOGLYPHS = str.maketrans({
    # Cyrillic and Greek capitals that OCR models emit for Latin ones
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "Х": "X", "У": "Y", "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "Α": "A", "Β": "B",
    "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T",
    "Υ": "Y", "Χ": "X", "‐": "-", "‑": "-", "–": "-", "—": "-", "·": ".",
})


def fold_text(text: str) -> str:
    """NFKC-fold (full-width ``Ｅ２１`` -> ``E21``, as some OCR models emit) and map
    Cyrillic/Greek look-alike capitals and dashes to ASCII."""
    return unicodedata.normalize("NFKC", text).translate(_HOMOGLYPHS)


def _key(v: Variant) -> str:
    return match_key(v.text)


def _is_time(raw: str) -> bool:
    return ":" in raw and bool(re.fullmatch(r"[0-9OoIlSZB:.]+", raw)) and any(c.isdigit() for c in raw)


def _display_code(v: Variant, raw: str, canonical) -> str:
    text = v.text
    if v.family == FAMILY_APPLIANCE:
        s = re.sub(r"[\s\-:_]+", "", raw).strip(".")
        if s.count(".") == 1:
            at = s.index(".")
            if 0 < at < len(text) and text[:at].isalpha() and text[at:].isdigit():
                text = text[:at] + "." + text[at:]
    return normalise(text, v.family, canonical)


def _token_picks(tok: Token, line: Line, ctx: _TextCtx, *, hex_allowed: bool) -> list[Pick]:
    raw = tok.text
    if _is_time(raw):
        return []
    vs: list[Variant] = []
    for fam in FAMILY_ORDER:
        core = core_for(fam, raw)
        if 1 <= len(core) <= 12:
            vs.extend(variants(core, SHAPES[fam], MAX_VARIANTS, seven_segment=ctx.seven_segment))
    kb = ctx.kb
    kept: list[Variant] = []
    for v in vs:
        if v.family == FAMILY_WINDOWS:
            if not hex_allowed:
                continue
            value = int(v.text[2:], 16)
            if not (plausible_stop_value(value) or line.has_stop or kb.knows(v.family, _key(v))):
                continue
        if v.family == FAMILY_ROUTER and v.shape.strength == "weak":
            if not (ctx.timeout_text or kb.knows(v.family, _key(v))):
                continue
        if v.shape.strength == "numeric" and re.search(r"[.,]", raw):
            continue  # 50.4 is a printer code or a display value, never appliance 504
        if v.family == FAMILY_APPLIANCE and _abbreviation_dots(raw):
            continue  # "O.C.", "U.S.": dots between letters are abbreviations, not F.28
        if not _repair_plausible(v, raw, kb.knows(v.family, _key(v))):
            continue
        kept.append(v)
    order = {f: i for i, f in enumerate(FAMILY_ORDER)}
    known = [v for v in kept if kb.knows(v.family, _key(v))]
    if known:
        cost = (lambda v: _seven_segment_cost(v)) if ctx.seven_segment else (lambda v: v.n_subs)
        m = min(cost(v) for v in known)
        tops = sorted((v for v in known if cost(v) == m),
                      key=lambda v: (order.get(v.family, 99), -sum(c.isalpha() for c in v.text), v.n_subs))
        if ctx.canonical:  # spellings of one KB entry are not an ambiguity
            seen_canon: set[str] = set()
            uniq = []
            for v in tops:
                canon = ctx.canonical.get(_key(v), _key(v))
                if canon not in seen_canon:
                    seen_canon.add(canon)
                    uniq.append(v)
            tops = uniq
        is_known = True
    else:
        pool = [v for v in kept if all(s[3] for s in v.subs)]
        # KB families without a grammar: the as-read key may still be known there
        raw_key = match_key(raw)
        direct = [f for f in kb.families(raw_key) if f not in SHAPES]
        if direct:
            return [Pick(f, normalise(raw, f, ctx.canonical), raw, KB_FACTOR, known=True) for f in direct]
        if not pool:
            return []
        m = min(v.n_subs for v in pool)
        tops = [v for v in pool if v.n_subs == m]
        numeric = [v for v in tops if v.shape.strength == "numeric"]
        if numeric and len(numeric) == len(tops):
            digits = numeric[0].text
            want = FAMILY_ROUTER if numeric_router_range(digits) else FAMILY_APPLIANCE
            tops = [v for v in numeric if v.family == want] or numeric
        tops.sort(key=lambda v: order.get(v.family, 99))
        is_known = False
    best = tops[0]
    best_key = _key(best)
    # one candidate per KB family that knows the code; unknown codes get one family
    chosen = [v for v in tops if _key(v) == best_key] if is_known else [best]
    alts: list[str] = []
    for v in tops:
        k = _key(v)
        if k != best_key and k not in [match_key(a) for a in alts]:
            alts.append(_display_code(v, raw, ctx.canonical))
    if not _allowed(best, raw, tok, line, ctx, is_known):
        return []
    picks = []
    fams_done = set()
    for v in chosen:
        if v.family in fams_done:
            continue
        fams_done.add(v.family)
        code = _display_code(v, raw, ctx.canonical)
        if is_known:
            factor = KB_FACTOR
        elif v.shape.strength == "strong" and not re.fullmatch(r"[\d.]+", v.text):
            factor = STRONG_FACTOR
        elif v.text.isalpha() and v.family == FAMILY_APPLIANCE:
            # a seven-segment display shows few words, and those are in the stoplist
            factor = WEAK_FACTOR if ctx.seven_segment else LETTERS_FACTOR
        else:
            factor = WEAK_FACTOR
        factor *= repair_factor(v.subs)
        repairs = []
        if v.subs:
            why = "grammar + knowledge base" if is_known else "grammar"
            repairs.append(f"{describe(v.subs)}: {raw} -> {code} ({why})")
        if not ctx.seven_segment and _DEGREE_UNIT_RE.match(raw):
            factor *= UNIT_LOOKALIKE_FACTOR
            repairs.append(f"{raw} may be a temperature unit (°{raw[-1].upper()}) read as letters")
        if alts:
            factor *= AMBIGUOUS_FACTOR
            repairs.append(f"ambiguous: {raw} could also be {', '.join(alts)}; kept {code}")
        picks.append(Pick(v.family, code, raw, factor, repairs, is_known))
    return picks


SEVEN_SEGMENT_SAME_GLYPH = frozenset({("5", "S"), ("0", "O"), ("2", "Z"), ("1", "I")})
"""Digit -> letter pairs drawn with the same segments: a seven-segment reader's digit is
no evidence against the letter (``b``, ``G`` and ``g`` have glyphs of their own)."""


def _seven_segment_cost(v: Variant) -> int:
    """Repairs that count when ranking KB-known spellings of a seven-segment reading."""
    return sum(1 for _, old, new, _f in v.subs if (old, new.upper()) not in SEVEN_SEGMENT_SAME_GLYPH)


def _abbreviation_dots(raw: str) -> bool:
    """More than one interior dot, or a dot between two letters (``O.C.``, ``E.A``)."""
    s = raw.strip().rstrip(".")
    return s.count(".") > 1 or bool(re.search(r"[A-Za-z]\.[A-Za-z]", s))


def repair_factor(subs) -> float:
    """``REPAIR_FACTOR`` per distinct confusion (``O`` read for ``0`` seven times in a
    zero-padded stop code is one systematic confusion, not seven independent ones)."""
    return REPAIR_FACTOR ** len({(old, new) for _, old, new, _f in subs})


def _repair_plausible(v: Variant, raw: str, known: bool) -> bool:
    """Bound how far repair may move a reading away from what was read.

    Unknown codes: appliance/router at most one forced repair, only in a token that was
    read with a real digit and is not all digits (``1400`` is a spin speed, never
    ``I400``; ``this`` is never ``TH15``); OBD-II at most two, with two real digits read;
    printer at most one; Windows hex (``0x`` prefix) unbounded.  KB-known codes: at most
    half the characters of an appliance/router/printer code repaired.
    """
    n = v.n_subs
    if n == 0:
        return True
    core = v.text
    if v.family == FAMILY_WINDOWS:
        return True
    if known:
        return n <= max(1, len(core) // 2)
    digits = sum(c.isdigit() for c in raw)
    if v.family == FAMILY_OBD2:
        return n <= 2 and digits >= 2
    if v.family == FAMILY_PRINTER:
        return n <= 1
    compact = re.sub(r"[\s.\-:_]", "", raw)
    return n <= 1 and digits >= 1 and not compact.isdigit()


_DIGIT_LIKE_LETTERS = set("OoIlSZBGbgDQq")
"""Letters that are also how a digit can be read; an unknown code made only of them is a
misread number far more often than a code."""


def _allowed(v: Variant, raw: str, tok: Token, line: Line, ctx: _TextCtx, known: bool) -> bool:
    """False-positive rules (see module doc of ``grammars``)."""
    text = v.text
    numeric = bool(re.fullmatch(r"[\d.]+", text))
    letters = text.isalpha()
    ctx_any = tok.strong_ctx or tok.weak_ctx
    if letters and ctx.ocr_text and raw.islower():
        return False  # an OCR'd panel never shows "ue": a lower-case fragment of a word
    if not line.prose:
        if numeric:
            return known
        if letters and not known and all(c in _DIGIT_LIKE_LETTERS for c in raw):
            return False  # "oo", "OI": digits a reader turned into letters, not a code
        if is_display_word(raw, ctx.seven_segment) or (letters and is_display_word(text)):
            return known
        return True
    # prose
    if numeric:
        # "Error 691"; "my boiler shows 227" (KB); "13.20 Paper jam" (KB, dotted code leading a screen line)
        return tok.strong_ctx or (known and (tok.weak_ctx or (tok.index == 0 and "." in raw)))
    if v.family == FAMILY_WINDOWS:
        return True
    if letters:
        low = raw.lower().replace(" ", "")
        title = len(raw) > 1 and raw[0].isupper() and raw[1:].islower()
        needs_ctx = low in PROSE_STOP or title or raw.islower() or is_display_word(raw)
        if low in PROSE_STOP:  # "he", "de", "of": only right after "says"/"code" ...
            return known and tok.prev_ctx
        if known:
            return (not needs_ctx) or ctx_any
        return ctx_any and not needs_ctx
    compact = re.sub(r"[\s.\-]", "", raw)
    if UNIT_RE.match(compact) or compact.upper() in MIXED_PROSE_STOP:
        return known
    if v.shape.spec == "LDLD" and not known:  # F9E1-like; in prose also a model-number fragment
        return ctx_any
    if not known and v.family == FAMILY_APPLIANCE and len(compact) <= 2:
        return ctx_any  # "lean B1" (bank 1), "size A4": a two-character token in a sentence
    return True


def _name_picks(tok: Token, line: Line, ctx: _TextCtx) -> list[Pick]:
    raw = tok.text
    base = tok.joined_name or raw
    mostly_upper = sum(c.isupper() for c in base) >= sum(c.islower() for c in base)
    chars = []
    subs0 = []
    for i, c in enumerate(base):
        if c == "l" and mostly_upper:
            chars.append("I")
            subs0.append((i, "l", "I", True))
        else:
            chars.append(c.upper())
    name = "".join(chars)
    if not NAME_RE.match(name):
        return []
    digit_pos = [i for i, c in enumerate(name) if c in LETTERISE]
    cands: list[tuple[str, tuple]] = [(name, tuple(subs0))]
    if digit_pos:
        all_l = list(name)
        for i in digit_pos:
            all_l[i] = LETTERISE[name[i]].upper()
        cands.append(("".join(all_l), tuple(subs0) + tuple((i, name[i], LETTERISE[name[i]].upper(), False)
                                                            for i in digit_pos)))
        for i in digit_pos[: MAX_VARIANTS]:
            s = name[:i] + LETTERISE[name[i]].upper() + name[i + 1:]
            cands.append((s, tuple(subs0) + ((i, name[i], LETTERISE[name[i]].upper(), False),)))

    def family_of(n: str) -> str:
        return FAMILY_ROUTER if n.startswith(ROUTER_NAME_PREFIXES) else FAMILY_WINDOWS

    def table_known(n: str) -> bool:
        return n in BUG_CHECK_VALUES or n in ROUTER_NAMES

    kb = ctx.kb
    best = None
    for tier, test in ((KB_FACTOR, lambda n: kb.knows(family_of(n), match_key(n))),
                       (STRONG_FACTOR, table_known)):
        hits = [(n, s) for n, s in cands if test(n)]
        if hits:
            n, s = min(hits, key=lambda h: len(h[1]))
            best = (n, s, tier)
            break
    if best is None:
        if tok.known_only:
            return []
        n, s = cands[0]
        fam = family_of(n)
        upper_written = not any(c.islower() for c in base)
        ok = upper_written and (fam == FAMILY_ROUTER or ctx.windows_text or tok.strong_ctx)
        if not ok or len(n) < 6:
            return []
        best = (n, s, WEAK_FACTOR)
    n, s, factor = best
    fam = family_of(n)
    code = normalise(n, fam, ctx.canonical)
    repairs = []
    if fam == FAMILY_WINDOWS and code == n and n in BUG_CHECK_VALUES:
        # the hex value is the canonical stop code (Microsoft bug check reference)
        code = "0x%08X" % BUG_CHECK_VALUES[n]
        code = normalise(code, fam, ctx.canonical)
        repairs.append(f"{n} is stop code {code} (Microsoft bug check reference)")
    if tok.joined_name and " " in raw:
        repairs.append(f"spaces read as underscores: {raw} -> {n}")
    if s:
        why = "grammar + knowledge base" if factor == KB_FACTOR else "grammar"
        repairs.append(f"{describe(s)}: {raw} -> {code} ({why})")
    factor *= repair_factor(s)
    return [Pick(fam, code, raw, factor, repairs, kb.knows(fam, match_key(n)))]
