"""Split display readings and typed text into code-sized tokens with their context.

One :class:`Line` per text line.  A line is *prose* when it holds a real word (4+ letters,
not a panel word such as ``PAUSE``); prose lines apply stricter rules to short tokens
(see :mod:`diagnostics.extract.extractor`).  Tokens keep what is needed to judge them:
whether they sit inside parentheses (stop-code parameters), whether an "error"/"code"
word (strong context) or a "shows"/"says" word (weak context) stands next to them.

Merges: a lone prefix letter followed by a short number is one code when written apart
(``E 21``, ``F 28``, ``Er 3``, ``Err 3``, ``P 0420``).  Names: ``Stop code: CRITICAL
PROCESS DIED`` (OCR often drops underscores) and ``DNS PROBE FINISHED NO INTERNET``
are joined back into one symbolic name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .grammars import DISPLAY_WORDS, PROSE_STOP, STRONG_CONTEXT, WEAK_CONTEXT

_WORD_RE = re.compile(r"[^\s,;()\[\]{}<>\"“”‘’'?/\\=]+")
_LEAD_STRIP = "*#~`'\"-"
_TRAIL_STRIP = ".:;,!?*'\"-"
_MERGE_PREFIX_RE = re.compile(r"^(?:[A-Za-z]|Er|ER|er|Err|ERR|err)$")
_MERGE_NUMBER_RE = re.compile(r"^[0-9OoIlSZB|]{1,3}$")
_MERGE_OBD_PREFIX_RE = re.compile(r"^[PBCU]$")
_MERGE_OBD_RE = re.compile(r"^[0-3O][0-9A-FO]{3}$")
_STOP_CODE_RE = re.compile(r"stop\s*code\s*[:;.]?\s*(.*)$", re.IGNORECASE)
_ROUTER_NAME_RE = re.compile(r"\b((?:DNS|ERR)(?:[ _]+[A-Z][A-Z0-9]*)+)")
_CAPS_RUN_RE = re.compile(r"(?<![A-Za-z0-9_])([A-Z][A-Z0-9]+(?: [A-Z][A-Z0-9]*){2,})(?![A-Za-z0-9_])")
_STOP_LINE_RE = re.compile(r"\bSTOP\b", re.IGNORECASE)

MAX_TEXT_CHARS = 50_000
"""Longest text searched for codes (characters); longer input is a ValidationError."""


@dataclass
class Token:
    """A code-sized piece of a line.

    Attributes:
        text: as written (merged tokens keep their space: ``"E 21"``).
        index: word position in the line.
        in_parens: inside ``( )`` (Windows stop-code parameters are).
        strong_ctx: an error/code word within 3 words before or after.
        weak_ctx: a shows/says word within 2 words before.
        prev_ctx: the word right before is an error/code or shows/says word.
        joined_name: for joined symbolic names, the name with underscores.
        known_only: a joined name without a "Stop code" context: kept only when the
            knowledge base or the built-in name tables know it.
        skip: a percentage, temperature, URL or e-mail, or a run of separators inside
            the token (``D--C``): never a code.
    """

    text: str
    index: int
    in_parens: bool = False
    strong_ctx: bool = False
    weak_ctx: bool = False
    joined_name: str = ""
    skip: bool = False
    known_only: bool = False
    prev_ctx: bool = False


@dataclass
class Line:
    """One line of text and its tokens.

    Attributes:
        text: the line.
        prose: holds a real word of 4+ letters (stricter rules for short tokens).
        has_stop: mentions STOP (a Windows ``*** STOP: 0x... (params)`` line).
        tokens: tokens in reading order, joined names last.
    """

    text: str
    prose: bool
    has_stop: bool
    tokens: list[Token] = field(default_factory=list)


def _clean(word: str) -> str:
    w = word.lstrip(_LEAD_STRIP)
    while w and w[-1] in _TRAIL_STRIP:
        w = w[:-1]
    return w


_SEPARATOR_RUN_RE = re.compile(r"[A-Za-z0-9][^A-Za-z0-9]{2,}[A-Za-z0-9]")
"""Two or more separators between two characters (``D--C``, ``E..2``): OCR of clutter (a
label's dashes, a scratch), never how a display or a manual writes a code."""


def _is_skip(word: str) -> bool:
    return (bool(_SEPARATOR_RUN_RE.search(word)) or "%" in word or "°" in word or any(c in word for c in "$€£¥") or "://" in word or word.lower().startswith("www.")
            or "@" in word)


def _is_prose(words: list[str]) -> bool:
    """A real word (4+ letters, not a panel word), two short sentence words
    (``it is on the way``), or one in a line of 3+ words (``DTC 1 OF 1 P0300``)."""
    short = 0
    for w in words:
        if not w.isalpha() or w.upper() in DISPLAY_WORDS:
            continue
        if len(w) >= 4:
            return True
        if w.lower() in PROSE_STOP:
            short += 1
    return short >= 2 or (short >= 1 and len(words) >= 3)


def split_lines(text: str, *, force_display: bool = False) -> list[Line]:
    """Tokenise ``text`` (any number of lines).

    Args:
        text: OCR text of a screen, a display reading, or customer text.
        force_display: treat every line as a display field (seven-segment readings).

    Returns:
        One :class:`Line` per non-empty line.
    """
    lines: list[Line] = []
    for raw_line in text.splitlines():
        if not raw_line.strip():
            continue
        depth_at = []
        depth = 0
        for ch in raw_line:
            if ch == "(":
                depth += 1
            depth_at.append(depth)
            if ch == ")":
                depth = max(0, depth - 1)
        pieces = []
        for m in _WORD_RE.finditer(raw_line):
            w = _clean(m.group())
            if not w:
                continue
            pieces.append((w, depth_at[m.start()] > 0, _is_skip(m.group())))
        words = [p[0] for p in pieces]
        lower = [re.sub(r"[^\w]", "", w.lower()) for w in words]
        prose = (not force_display) and _is_prose(words)
        line = Line(raw_line, prose, bool(_STOP_LINE_RE.search(raw_line)))
        i = 0
        while i < len(pieces):
            w, paren, skip = pieces[i]
            tok = Token(w, i, paren, skip=skip)
            if i + 1 < len(pieces) and not skip and not pieces[i + 1][2]:
                nxt = pieces[i + 1][0]
                merge = False
                if _MERGE_PREFIX_RE.match(w) and _MERGE_NUMBER_RE.match(nxt) and any(c.isdigit() for c in nxt):
                    merge = not prose or (w not in ("a", "A", "I", "i") and not w.islower())
                elif _MERGE_OBD_PREFIX_RE.match(w) and _MERGE_OBD_RE.match(nxt):
                    merge = True
                if merge:
                    tok = Token(f"{w} {nxt}", i, paren)
                    i += 1
            before = lower[max(0, tok.index - 3): tok.index]
            after = lower[i + 1: i + 4]
            tok.strong_ctx = any(b in STRONG_CONTEXT for b in before) or any(a in STRONG_CONTEXT for a in after)
            tok.weak_ctx = any(b in WEAK_CONTEXT for b in lower[max(0, tok.index - 2): tok.index])
            tok.prev_ctx = tok.index > 0 and (lower[tok.index - 1] in STRONG_CONTEXT
                                              or lower[tok.index - 1] in WEAK_CONTEXT)
            line.tokens.append(tok)
            i += 1
        line.tokens.extend(_joined_names(raw_line))
        lines.append(line)
    return lines


def _joined_names(line: str) -> list[Token]:
    """Symbolic names written with spaces instead of underscores."""
    out: list[Token] = []
    m = _STOP_CODE_RE.search(line)
    if m:
        parts = []
        for w in m.group(1).split():
            w = _clean(w)
            if re.fullmatch(r"[A-Z0-9_]+", w) and any(c.isalpha() for c in w):
                parts.append(w)
            else:
                break
        if len(parts) >= 2 or (len(parts) == 1 and "_" in parts[0]):
            name = re.sub(r"_+", "_", "_".join(parts))
            out.append(Token(" ".join(parts), -1, strong_ctx=True, joined_name=name))
    for m in _CAPS_RUN_RE.finditer(line):
        written = m.group(1)
        name = re.sub(r"[ _]+", "_", written)
        if not any(t.joined_name == name for t in out):
            out.append(Token(written, -1, joined_name=name, known_only=True))
    for m in _ROUTER_NAME_RE.finditer(line):
        written = m.group(1)
        if " " in written:
            out.append(Token(written, -1, joined_name=re.sub(r"[ _]+", "_", written)))
    return out
