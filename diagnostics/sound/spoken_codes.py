"""Error codes spoken aloud: from a transcript's words to code candidates with times.

Customers say codes in many ways; a speech recogniser writes them in as many more:

====================================  ===========
"E twenty-one", "E two one", "E 21"   ``E21``
"F dot twenty-eight", "F point two eight"   ``F.28``
"P zero four two zero", "P oh four twenty"  ``P0420``
"fifty point four"                     ``50.4``
"four C", "U E", "d E"                 ``4C``, ``UE``, ``dE``
"error six nine one"                   ``691``
"zero x one two four"                  ``0x124`` (Windows stop code)
====================================  ===========

Method (:func:`read_spoken_codes`):

1. The transcript's words are split into tokens (hyphenated number words such as
   "twenty-one" become two tokens sharing the word's times).
2. Runs of code-like tokens are found: single letters, digits, number words
   ("zero", "oh", "one" .. "nineteen", "twenty" .. "ninety", "hundred", "double",
   "triple"), "point"/"dot" between numbers, and mixed tokens the recogniser already
   wrote as codes ("E2", "4C").  A run ends at punctuation that closes a word ("4C,"),
   at any other word, and when a letter follows a letter-and-number group ("E 21 E 22").
3. A run is rewritten as one compact token (number words to digits: "twenty one" ->
   ``21``, "four twenty" -> ``420``, "six hundred ninety one" -> ``691``) when it mixes
   letters and numbers, holds two or more letters, has a decimal point between numbers,
   or follows a code-context word ("code", "error", "fault", "shows", "says",
   "display", "reads", "number", ...) within :data:`CONTEXT_WINDOW` words.  Otherwise
   (e.g. "it beeps three times") the words stay as they are.
4. Each segment's rewritten text goes through :func:`diagnostics.extract.extract_from_text`
   with the knowledge base's keys, so the same grammars, look-alike repair and canonical
   spellings apply as for photos and typed text.
5. Each candidate is linked back to the words it came from (start/end seconds, the
   words) and its confidence is scaled by the recogniser's word probabilities.
6. Sound-alike repairs, only when the knowledge base confirms the result: the letter
   "E" heard as "the"/"me"/"he"/"each" right after a context word ("shows the 21" ->
   ``E21``), and a first letter heard as its voiced/unvoiced twin (B/P, D/T, G/K, V/F,
   S/F, M/N) when only the twin is a known code ("B0420" -> ``P0420``).  Both are noted
   in ``repairs`` and cost confidence.

Candidates that are neither known to the knowledge base nor contain a digit are dropped
(a transcript is prose; a lone "THE" or "US" is not a code).
``symptom_text`` is the transcript with the code phrases removed, for the symptom search.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..extract import extract_from_text
from ..knowledge.keys import match_key
from ..schema import CodeCandidate
from .speech import Transcript, Word

__all__ = ["SpokenCode", "SpokenCodes", "read_spoken_codes", "codes_from_transcript", "normalise_spoken",
           "words_to_digits", "CONTEXT_WORDS", "CONTEXT_WINDOW"]

CONTEXT_WORDS = frozenset("""
code codes error errors fault faults shows show showing showed shown says say saying said display displays
displaying displayed screen reads read reading message number flashing flashes blinking blinks lit indicator
reading light panel dtc scanner
""".split())
"""Words after which spoken numbers are taken to be a code."""

CONTEXT_WINDOW = 3
"""A run of number words is converted when a context word is at most this many words before it."""

_UNITS = {"zero": 0, "oh": 0, "o": 0, "nought": 0, "naught": 0, "one": 1, "two": 2, "three": 3, "four": 4,
          "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_MULT = {"double": 2, "triple": 3}
_POINT = {"point", "dot", "."}
_DASH = {"dash", "hyphen"}
# Letter names a recogniser may write out ("eff 28"); only used inside a run.
_LETTER_NAMES = {"ee": "E", "eff": "F", "ef": "F", "dee": "D", "pee": "P", "cee": "C", "bee": "B", "ay": "A",
                 "ex": "X", "aitch": "H", "el": "L", "em": "M", "en": "N"}
_E_SOUNDALIKES = {"the", "me", "he", "each", "ee", "e", "eee", "a"}
_SOUNDALIKE_FIRST = {"B": "P", "P": "B", "D": "T", "T": "D", "G": "K", "K": "G", "V": "F", "F": "VS",
                     "S": "F", "M": "N", "N": "M"}

_SOUNDALIKE_FACTOR = 0.6
"""Confidence factor for sound-alike repairs (a word taken for a letter or a point)."""

_RUN_HOMOPHONE_FACTOR = 0.9
"""Confidence factor for a digit homophone inside a digit-by-digit run ("zero four to zero"):
both neighbours are single digits, so the word can hardly be anything but the digit."""

_WORD_END_PUNCT = re.compile(r"[,;:!?.]$")


@dataclass
class SpokenCode:
    """A code heard in speech.

    Attributes:
        candidate: the code candidate (``source`` = the media name, ``engines`` = the
            speech engine name, ``bbox`` None); its ``text_as_read`` is the rewritten
            form ("E21"), ``repairs`` holds sound-alike notes.
        start_s, end_s: seconds from the start of the clip, from the words' timestamps.
        words: the words as recognised ("E", "twenty-one").
        spoken: those words joined ("E twenty-one").
    """

    candidate: CodeCandidate
    start_s: float
    end_s: float
    words: list[str] = field(default_factory=list)
    spoken: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"candidate": self.candidate.to_dict(), "start_s": round(self.start_s, 3),
                "end_s": round(self.end_s, 3), "words": list(self.words), "spoken": self.spoken}


@dataclass
class SpokenCodes:
    """Result of :func:`read_spoken_codes`.

    Attributes:
        codes: codes heard, best first (one per family + code).
        symptom_text: the transcript without the code phrases (for the symptom search).
        normalised_text: the transcript with spoken codes rewritten ("my washer shows E21").
    """

    codes: list[SpokenCode] = field(default_factory=list)
    symptom_text: str = ""
    normalised_text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"codes": [c.to_dict() for c in self.codes], "symptom_text": self.symptom_text,
                "normalised_text": self.normalised_text}


@dataclass
class _Tok:
    text: str          # cleaned token text
    raw: str           # the word as recognised
    word: int          # index of the source word
    closes: bool       # the word ends with closing punctuation
    kind: str = ""     # "num", "digits", "point", "dash", "letter", "mixed", "other"
    note: str = ""     # set when a sound-alike word was taken for a letter/digit/point
    factor: float = 1.0  # confidence factor the note costs (see _SOUNDALIKE_FACTOR)


@dataclass
class _Out:
    text: str
    words: list[int]
    rewritten: bool = False
    notes: list[str] = field(default_factory=list)
    original: str = ""  # the words as recognised, for text that keeps them
    factor: float = 1.0  # product of the factors of the notes


def _classify(t: str, prev_context: bool, next_tok: str | None) -> str:
    low = t.lower()
    if low in _UNITS or low in _TEENS or low in _TENS or low in _MULT or low == "hundred":
        return "num"
    if re.fullmatch(r"\d+", t):
        return "digits"
    if re.fullmatch(r"\d+[.,]\d+", t):
        return "mixed"
    if low in _POINT:
        return "point"
    if low in _DASH:
        return "dash"
    if re.fullmatch(r"[A-Za-z]", t):
        if t in ("a", "i"):
            return "other"
        if t in ("I", "A"):  # pronoun / article unless clearly spelled out after a context word
            return "letter" if prev_context and next_tok is not None and re.fullmatch(r"[A-Za-z]|\d+", next_tok) \
                else "other"
        return "letter"
    if re.fullmatch(r"(?=.*\d)[A-Za-z0-9][A-Za-z0-9.\-]*", t):
        return "mixed"
    return "other"


def _tokens(words: list[str]) -> list[_Tok]:
    out: list[_Tok] = []
    for i, w in enumerate(words):
        raw = w.strip()
        closes = bool(_WORD_END_PUNCT.search(raw)) and not re.fullmatch(r"[A-Za-z]\.", raw)
        core = re.sub(r"^[\"'(\[]+|[\"')\],;:!?]+$", "", raw)
        if len(core) > 1:
            core = core.rstrip(".")
        parts = [core]
        if "-" in core and all(p.lower() in _UNITS or p.lower() in _TEENS or p.lower() in _TENS
                               or re.fullmatch(r"[A-Za-z]", p) or p.lower() in _POINT or p.lower() == "not"
                               for p in core.split("-") if p) and not re.fullmatch(r"[A-Za-z]-[A-Za-z]", core):
            parts = [p for p in core.split("-") if p]
        for j, p in enumerate(parts):
            out.append(_Tok(p, raw, i, closes and j == len(parts) - 1))
    return out


def words_to_digits(tokens: list[str]) -> str:
    """Spoken numbers to a digit string, digit groups concatenated as spoken.

    ``["twenty", "one"]`` -> ``"21"``; ``["two", "one"]`` -> ``"21"``; ``["oh", "four",
    "twenty"]`` -> ``"0420"``; ``["six", "hundred", "ninety", "one"]`` -> ``"691"``;
    ``["double", "oh"]`` -> ``"00"``; digit tokens are kept (``["4", "twenty"]`` -> ``"420"``).
    Unknown tokens are skipped.
    """
    toks = [t.lower() for t in tokens if t.lower() != "and"]
    out = ""
    i = 0
    while i < len(toks):
        t = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        if re.fullmatch(r"\d+", t):
            out += t
        elif t in _MULT and (nxt in _UNITS or re.fullmatch(r"\d", nxt or "")):
            d = str(_UNITS[nxt]) if nxt in _UNITS else nxt
            out += d * _MULT[t]
            i += 1
        elif t in _UNITS and nxt == "hundred":
            value = _UNITS[t] * 100
            i += 1
            rest = toks[i + 1:i + 3]
            if rest and rest[0] in _TENS:
                value += _TENS[rest[0]]
                i += 1
                if len(rest) > 1 and rest[1] in _UNITS and _UNITS[rest[1]] > 0:
                    value += _UNITS[rest[1]]
                    i += 1
            elif rest and rest[0] in _TEENS:
                value += _TEENS[rest[0]]
                i += 1
            elif rest and rest[0] in _UNITS and rest[0] not in ("oh", "o"):
                value += _UNITS[rest[0]]
                i += 1
            out += str(value)
        elif t in _UNITS:
            out += str(_UNITS[t])
        elif t in _TEENS:
            out += str(_TEENS[t])
        elif t in _TENS:
            if nxt in _UNITS and _UNITS[nxt] > 0 and nxt not in ("oh", "o"):
                out += str(_TENS[t] + _UNITS[nxt])
                i += 1
            else:
                out += str(_TENS[t])
        i += 1
    return out


def _is_context(word: str) -> bool:
    return re.sub(r"[^a-z]", "", word.lower()) in CONTEXT_WORDS


_DIGIT_HOMOPHONES = {"to": "two", "too": "two", "for": "four", "won": "one"}


def _digit_homophones(toks: list[_Tok]) -> None:
    """Inside a digit-by-digit run ("zero four to zero"), a word that sounds like a digit
    is that digit: both neighbours must be single-digit number words."""
    def digit(t: _Tok | None) -> bool:
        return t is not None and t.text.lower() in _UNITS  # spelled out: "4 to 5" is a range

    for i in range(1, len(toks) - 1):
        low = toks[i].text.lower()
        if low in _DIGIT_HOMOPHONES and digit(toks[i - 1]) and digit(toks[i + 1]):
            toks[i].text = _DIGIT_HOMOPHONES[low]
            toks[i].note = f"'{low}' heard as '{_DIGIT_HOMOPHONES[low]}' between digits"
            toks[i].factor = _RUN_HOMOPHONE_FACTOR


def _rewrite(words: list[str]) -> list[_Out]:
    """Rewrite spoken code runs in ``words`` (one segment); returns output tokens each
    linked to its source word indices."""
    toks = _tokens(words)
    _digit_homophones(toks)
    n = len(toks)
    context_at = [i for i, t in enumerate(toks) if _is_context(t.text)]

    def near_context(i: int) -> bool:
        return any(0 < i - c <= CONTEXT_WINDOW for c in context_at)

    for i, t in enumerate(toks):
        nxt = toks[i + 1].text if i + 1 < n else None
        t.kind = _classify(t.text, near_context(i) or (i > 0 and _is_context(toks[i - 1].text)), nxt)
        if t.kind == "num" and t.text.lower() in ("o", "oh") and not (
                i > 0 and toks[i - 1].kind in ("letter", "num", "digits", "mixed", "point")
                and not toks[i - 1].closes):
            t.kind = "other"  # "oh" as an interjection
        if t.kind == "other" and t.text.lower() in _LETTER_NAMES and i > 0 and toks[i - 1].kind != "other" \
                and not toks[i - 1].closes:
            t.kind = "letter"
            t.text = _LETTER_NAMES[t.text.lower()]
    _mark_soundalikes(toks)

    out: list[_Out] = []
    i = 0
    while i < n:
        t = toks[i]
        if t.kind in ("other", "point", "dash"):
            out.append(_Out(t.raw if _tok_is_whole_word(toks, i) else t.text, [t.word]))
            i += 1
            continue
        j, run = _run_end(toks, i, near_context(i))
        out.extend(_render_run(toks, run, near_context(i)))
        i = j
    return _merge_word_parts(out)


def _tok_is_whole_word(toks: list[_Tok], i: int) -> bool:
    w = toks[i].word
    return sum(1 for t in toks if t.word == w) == 1


def _single_digit(t: _Tok) -> bool:
    return bool(re.fullmatch(r"\d", t.text)) or t.text.lower() in _UNITS


def _run_end(toks: list[_Tok], i: int, context: bool = False) -> tuple[int, list[int]]:
    run = [i]
    seen_letter = toks[i].kind in ("letter", "mixed", "other") and not toks[i].text.isdigit()
    seen_num_after_letter = False
    j = i + 1
    while j < len(toks) and len(run) < 10:
        prev, t = toks[j - 1], toks[j]
        if prev.closes and not (context and prev.raw.endswith(",") and _single_digit(prev) and _single_digit(t)):
            break  # "error 6, 9, 1" (digits read out one by one) continues the run
        if t.kind in ("point", "dash"):
            if j + 1 < len(toks) and toks[j + 1].kind in ("num", "digits") and not t.closes:
                run.append(j)
                j += 1
                continue
            break
        if t.kind == "other" and t.text.lower() == "and" and prev.text.lower() == "hundred":
            run.append(j)
            j += 1
            continue
        if t.kind not in ("num", "digits", "letter", "mixed"):
            break
        if t.kind in ("letter",) and seen_letter and seen_num_after_letter:
            break  # "E 21 E 22": a new code starts
        if t.kind == "mixed" and any(c.isalpha() for c in t.text) and any(
                c.isalpha() for k in run for c in toks[k].text if toks[k].kind != "num"):
            break  # two written codes in a row ("E21 E22")
        if t.kind in ("num", "digits") and seen_letter:
            seen_num_after_letter = True
        if t.kind == "letter":
            seen_letter = True
        run.append(j)
        j += 1
    return j, run


def _render_run(toks: list[_Tok], run: list[int], context: bool) -> list[_Out]:
    kinds = [toks[k].kind for k in run]
    letters = sum(1 for k in kinds if k in ("letter", "other"))
    has_alpha_mixed = any(toks[k].kind == "mixed" and any(c.isalpha() for c in toks[k].text) for k in run)
    numbers = sum(1 for k in kinds if k in ("num", "digits", "mixed"))
    has_point = any(k in ("point",) for k in kinds)
    code_like = ((letters or has_alpha_mixed) and numbers) or letters >= 2 or (has_point and numbers >= 2) or \
        (context and numbers)
    if not code_like or len(run) == 1 and kinds[0] in ("letter", "mixed", "digits"):
        return [_Out(toks[k].raw if _tok_is_whole_word(toks, k) else toks[k].text, [toks[k].word]) for k in run]
    text, notes, factor = "", [], 1.0
    pending: list[str] = []

    def flush() -> None:
        nonlocal text, pending
        if pending:
            text += words_to_digits(pending)
            pending = []

    for k in run:
        t = toks[k]
        if t.note:
            notes.append(t.note)
            factor *= t.factor
        if t.kind in ("num", "digits") or (t.kind == "other" and t.text.lower() == "and"):
            pending.append(t.text)
            continue
        flush()
        if t.kind == "point":
            text += "."
        elif t.kind == "dash":
            text += "-"
        else:
            text += t.text
    flush()
    last = toks[run[-1]]
    if last.closes:
        text += last.raw.rstrip()[-1]
    words = sorted({toks[k].word for k in run})
    original = " ".join({toks[k].word: toks[k].raw for k in run}.values())
    return [_Out(text, words, rewritten=True, notes=notes, original=original, factor=factor)]


def _mark_soundalikes(toks: list[_Tok]) -> None:
    """Words a recogniser writes for a spoken letter/digit/point right after a code-context
    word (or, for "not", between a letter and a number).  Marked tokens get a ``note``;
    candidates using them must be confirmed by the knowledge base."""
    n = len(toks)
    for i, t in enumerate(toks):
        if t.kind != "other" or t.closes or i + 1 >= n:
            continue
        low, prev, nxt = t.text.lower(), toks[i - 1] if i else None, toks[i + 1]
        after_ctx = prev is not None and _is_context(prev.text) and not prev.closes
        cap_letter = bool(re.fullmatch(r"[A-Z]", nxt.text)) and nxt.kind == "letter"
        repl = kind = ""
        if after_ctx and low in _E_SOUNDALIKES and nxt.kind in ("num", "digits"):
            repl, kind = "E", "letter"
        elif after_ctx and low == "you" and (nxt.kind in ("num", "digits") or cap_letter):
            repl, kind = "U", "letter"
        elif after_ctx and low == "for" and cap_letter:
            repl, kind = "4", "digits"
        elif after_ctx and low in ("to", "too") and cap_letter:
            repl, kind = "2", "digits"
        elif low == "not" and prev is not None and prev.kind == "letter" and not prev.closes \
                and nxt.kind in ("num", "digits"):
            repl, kind = ".", "point"
        if repl:
            t.note = f'"{t.text}" taken as "{repl}" (sounds alike)'
            t.factor = _SOUNDALIKE_FACTOR
            t.text, t.kind = repl, kind


def _merge_word_parts(out: list[_Out]) -> list[_Out]:
    """Re-join pieces of one hyphenated word that were not rewritten."""
    merged: list[_Out] = []
    for o in out:
        if merged and not o.rewritten and not merged[-1].rewritten and merged[-1].words == o.words:
            merged[-1] = _Out(merged[-1].text + "-" + o.text, o.words)
        else:
            merged.append(o)
    return merged


def normalise_spoken(text: str) -> str:
    """Rewrite spoken codes in plain text ("my washer shows E twenty-one" ->
    "my washer shows E21").  Words are split on whitespace; see the module docstring."""
    return " ".join(o.text for o in _rewrite(text.split()))


def _known(kk: Mapping[str, set[str]] | None, family: str, code: str) -> bool:
    return bool(kk) and match_key(code) in (kk.get(family) or set())


def _soundalike(cand: CodeCandidate, kk: Mapping[str, set[str]] | None,
                canonical: Mapping[str, str] | None, source: str, engines: tuple[str, ...]) -> CodeCandidate | None:
    """A known code that sounds like an unknown one (first letter voiced/unvoiced twin)."""
    if not kk or not cand.code or not cand.code[0].upper() in _SOUNDALIKE_FIRST:
        return None
    for twin in _SOUNDALIKE_FIRST[cand.code[0].upper()]:
        alt = twin + cand.code[1:]
        for c in extract_from_text(alt, kk, source=source, engines=engines, canonical=canonical):
            if _known(kk, c.family, c.code):
                note = f'heard as {cand.code}; {c.code} sounds alike and is a known code'
                return replace(c, text_as_read=cand.text_as_read, confidence=cand.confidence * _SOUNDALIKE_FACTOR,
                               repairs=list(c.repairs) + [note])
    return None


def read_spoken_codes(transcript: Transcript, known_keys: Mapping[str, set[str]] | None = None,
                      canonical: Mapping[str, str] | None = None, *, source: str = "") -> SpokenCodes:
    """Codes spoken in ``transcript``, linked to their words and times, plus the symptom text.

    Args:
        transcript: a :class:`~diagnostics.sound.speech.Transcript` (segments with
            timed words; a segment without words is split on spaces and given the
            segment's times).
        known_keys: family -> match keys the knowledge base knows
            (``KnowledgeBase.known_keys()``); ``None`` = grammar only.
        canonical: match_key -> KB spelling (``KnowledgeBase.canonical_codes()``).
        source: media name stored on each candidate.

    Returns:
        :class:`SpokenCodes` (codes best first; empty when no speech).
    """
    if not transcript.speech_detected or not transcript.segments:
        return SpokenCodes([], transcript.text or "", transcript.text or "")
    engines = (transcript.engine or "speech",)
    found: dict[tuple[str, str], SpokenCode] = {}
    symptom_parts: list[str] = []
    norm_parts: list[str] = []
    for seg in transcript.segments:
        words = seg.words or _words_from_text(seg.text, seg.start_s, seg.end_s)
        outs = _rewrite([w.text for w in words])
        line = " ".join(o.text for o in outs)
        norm_parts.append(line)
        mean_p = [w.prob for w in words]
        cands = extract_from_text(line, known_keys, source=source, engines=engines, canonical=canonical)
        used: set[int] = set()
        for c in cands:
            k = _locate(outs, c.text_as_read)
            if k is None:
                continue
            o_idx = k
            widx = [i for o in outs[o_idx[0]:o_idx[1]] for i in o.words]
            notes = [n for o in outs[o_idx[0]:o_idx[1]] for n in o.notes]
            factor = math.prod(o.factor for o in outs[o_idx[0]:o_idx[1]])
            known = _known(known_keys, c.family, c.code)
            if notes and not known:
                continue  # sound-alike guesses must be confirmed by the KB
            if not known:
                alt = _soundalike(c, known_keys, canonical, source, engines)
                if alt is not None:
                    c, known = alt, True
            if not known and not re.search(r"\d", c.text_as_read):
                continue
            ws = [words[i] for i in widx]
            p = sum(w.prob for w in ws) / len(ws) if ws else (sum(mean_p) / len(mean_p) if mean_p else 1.0)
            conf = c.confidence * (0.5 + 0.5 * p) * factor
            c = replace(c, confidence=max(0.0, min(1.0, conf)), repairs=list(c.repairs) + notes)
            sc = SpokenCode(c, ws[0].start_s if ws else seg.start_s, ws[-1].end_s if ws else seg.end_s,
                            [w.text for w in ws], " ".join(w.text for w in ws))
            key = (c.family, match_key(c.code))
            if key not in found or found[key].candidate.confidence < c.confidence:
                found[key] = sc
            used.update(range(o_idx[0], o_idx[1]))
        symptom_parts.append(" ".join((o.original or o.text) if i not in used else
                                      ("." if o.text.endswith(".") else "") for i, o in enumerate(outs)))
    codes = sorted(found.values(), key=lambda s: -s.candidate.confidence)
    symptom = re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"\s{2,}", " ", " ".join(symptom_parts))).strip()
    symptom = re.sub(r"^[.\s]+|(?<=[.])[.\s]*\.", "", symptom).strip()
    return SpokenCodes(codes, symptom, " ".join(norm_parts).strip())


def codes_from_transcript(transcript: Transcript, known_keys: Mapping[str, set[str]] | None = None,
                          canonical: Mapping[str, str] | None = None, *, source: str = "") -> list[SpokenCode]:
    """The codes of :func:`read_spoken_codes` only (best first)."""
    return read_spoken_codes(transcript, known_keys, canonical, source=source).codes


def _words_from_text(text: str, start: float, end: float) -> list[Word]:
    parts = text.split()
    if not parts:
        return []
    step = (end - start) / len(parts) if end > start else 0.0
    return [Word(start + i * step, start + (i + 1) * step, p, 1.0) for i, p in enumerate(parts)]


def _locate(outs: list[_Out], text_as_read: str) -> tuple[int, int] | None:
    """Output-token range whose joined match key equals (or, failing that, contains)
    the candidate's key."""
    key = match_key(text_as_read)
    if not key:
        return None
    keys = [match_key(re.sub(r"[,;:!?\"'()]", "", o.text)) for o in outs]
    for contains in (False, True):
        for width in range(1, 5):
            for i in range(0, len(outs) - width + 1):
                joined = "".join(keys[i:i + width])
                if (joined == key) if not contains else (key in joined):
                    return i, i + width
    return None
