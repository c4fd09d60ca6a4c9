"""Look-alike repair: the spellings a reading could stand for, constrained by grammar.

OCR engines and seven-segment readers confuse characters that share a glyph: ``O``/``0``,
``I``/``1``/``l``, ``S``/``5``, ``B``/``8``, ``Z``/``2``, ``G``/``6``, ``b``/``6``,
``D``/``0``, ``q``/``9``, ``g``/``9``, ``V``/``U`` (:data:`CONFUSIONS`).  Seven-segment
readers output the digit for the shared glyph (``5Ud`` for ``SUd``), so a character
whitelist cannot decide; the family grammar and the knowledge base do.

For one token and one set of shapes (:mod:`diagnostics.extract.grammars`), each position
is *valid as read*, *repairable* (its character is not allowed there but a look-alike
is: a **forced** repair, e.g. ``O`` in a hex position) or impossible (the shape fails).
Valid characters that have allowed look-alikes give **optional** repairs, only ever
chosen when the knowledge base knows the result.  Variants are enumerated by number of
optional repairs (0, then 1, ...), at most :data:`MAX_VARIANTS` per token.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations, product

from .grammars import Shape

CONFUSIONS: dict[str, tuple[str, ...]] = {
    "O": ("0",), "o": ("0",), "Q": ("0",), "D": ("0",), "0": ("O", "D"),
    "I": ("1",), "i": ("1",), "l": ("1", "I", "L"), "|": ("1", "I"), "1": ("I",),
    "S": ("5",), "s": ("5",), "5": ("S",),
    "B": ("8",), "8": ("B",),
    "Z": ("2",), "z": ("2",), "2": ("Z",),
    "G": ("6",), "b": ("6",), "6": ("G", "b"),
    "g": ("9",), "q": ("9",), "9": ("g", "q"),
    "V": ("U",), "×": ("x",),
}
"""Read character -> characters it may stand for (glyph look-alikes in sans and
seven-segment fonts).  Letters produced for digits use the seven-segment spelling
(``6`` -> ``b`` as in ``Ub``; ``9`` -> ``g``)."""

NEVER_AS_READ = frozenset({"l"})
"""Characters never kept as read: lower-case ``l`` is no display glyph (it is ``1``/``I``/``L``)."""

SEVEN_SEGMENT_EXCLUDED = frozenset({("0", "D"), ("D", "0")})
"""Confusions that cannot happen on a seven-segment panel (``D`` is shown as ``d``)."""

MAX_VARIANTS = 64
"""Upper bound on variants generated per token (all families together)."""


@dataclass(frozen=True)
class Variant:
    """One grammar-valid spelling of a token.

    Attributes:
        family: code family of the shape that accepted it.
        shape: the accepting shape.
        text: the repaired core (original case kept for unchanged characters).
        subs: repairs made, ``(position, read_char, new_char, forced)``.
    """

    family: str
    shape: Shape
    text: str
    subs: tuple[tuple[int, str, str, bool], ...]

    @property
    def n_subs(self) -> int:
        return len(self.subs)


def _valid(ch: str, allowed: frozenset[str]) -> bool:
    return ch not in NEVER_AS_READ and ch.upper() in allowed


def optional_cap(core: str) -> int:
    """Most optional (KB-driven) repairs allowed in one token: 1 up to 5 characters, else 2."""
    return 1 if len(core) <= 5 else 2


def variants(core: str, shapes: Iterable[Shape], limit: int = MAX_VARIANTS, *,
             seven_segment: bool = False) -> list[Variant]:
    """Every grammar-valid spelling of ``core`` under ``shapes``.

    Args:
        core: token core for the shapes' family (see ``grammars.core_for``).
        shapes: candidate shapes (any family; only those of ``len(core)`` apply).
        limit: maximum number of variants returned.
        seven_segment: the reading came from a seven-segment reader (drops
            :data:`SEVEN_SEGMENT_EXCLUDED` confusions).

    Returns:
        Variants ordered by number of optional repairs (as read / forced-only first).
    """
    plans = []
    for shape in shapes:
        if shape.length != len(core):
            continue
        info = []
        for ch, allowed in zip(core, shape.classes):
            alts = tuple(a for a in CONFUSIONS.get(ch, ()) if _valid(a, allowed)
                         and not (seven_segment and (ch, a) in SEVEN_SEGMENT_EXCLUDED))
            if _valid(ch, allowed):
                info.append((True, alts))
            elif alts:
                info.append((False, alts))
            else:
                info = None
                break
        if info is not None:
            plans.append((shape, info))
    out: list[Variant] = []
    seen: set[tuple[str, str]] = set()
    cap = optional_cap(core)
    for k in range(cap + 1):
        for shape, info in plans:
            forced = [i for i, (ok, _) in enumerate(info) if not ok]
            optional = [i for i, (ok, alts) in enumerate(info) if ok and alts]
            for opt in combinations(optional, k):
                positions = sorted(forced + list(opt))
                for choice in product(*(info[i][1] for i in positions)):
                    chars = list(core)
                    subs = []
                    for i, new in zip(positions, choice):
                        subs.append((i, core[i], new, i in forced))
                        chars[i] = new
                    text = "".join(chars)
                    key = (shape.family, text.upper())
                    if key in seen:
                        continue
                    seen.add(key)
                    out.append(Variant(shape.family, shape, text, tuple(subs)))
                    if len(out) >= limit:
                        return out
    return out


def describe(subs: Iterable[tuple[int, str, str, bool]]) -> str:
    """Human-readable list of repairs: ``"S read as 5"``, ``"O read as 0 (x7)"``."""
    counts: dict[tuple[str, str], int] = {}
    for _, old, new, _forced in subs:
        counts[(old, new)] = counts.get((old, new), 0) + 1
    parts = []
    for (old, new), n in counts.items():
        parts.append(f"{old} read as {new}" + (f" (x{n})" if n > 1 else ""))
    return ", ".join(parts)
