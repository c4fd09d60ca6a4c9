"""Canonical display form of a code per family.

Rules (decided here, used everywhere a code is shown):

* the knowledge base's spelling wins: when ``canonical`` maps the code's ``match_key``
  to a spelling, that spelling is returned (``5UD`` -> ``SUd``, ``F28`` -> ``F.28``);
* ``appliance``: whitespace, ``-``, ``:`` and ``_`` dropped (``E 21`` -> ``E21``); the
  display's dot is kept when it sits between the letter prefix and the digits
  (``F.28`` stays ``F.28``, ``F28`` stays ``F28``; both share a match key); letter case
  is kept as read because seven-segment panels distinguish ``dE``/``Ub`` (all-lower-case
  typed text is upper-cased: ``e21`` -> ``E21``).  ``Er 3`` / ``Err 3`` become ``Er3`` /
  ``Err3`` (the prefix as shown; the KB decides if that is the same as ``E3``);
* ``printer``: upper-case hex letters, dots kept, ``,`` read as ``.`` (``49.4c02`` -> ``49.4C02``);
* ``obd2``: upper case, no separators (``p0420`` -> ``P0420``);
* ``windows_stop``: hex as ``0x`` + 8 upper-case hex digits (``0x7b`` -> ``0x0000007B``),
  names upper case with underscores (``critical process died`` -> ``CRITICAL_PROCESS_DIED``);
* ``router``: numbers as digits (``Error 691`` -> ``691``), names/``T3`` upper case.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from diagnostics.errors import ValidationError
from diagnostics.knowledge.keys import match_key
from diagnostics.schema import (
    FAMILY_APPLIANCE,
    FAMILY_OBD2,
    FAMILY_PRINTER,
    FAMILY_ROUTER,
    FAMILY_WINDOWS,
)

_HEX_RE = re.compile(r"^0[xX]([0-9A-Fa-f]{1,8})$")


def normalise(code: str, family: str, canonical: Mapping[str, str] | None = None) -> str:
    """Return the canonical display form of ``code`` in ``family``.

    Args:
        code: the code as read or typed (``"f.28"``, ``"0x7b"``, ``"E 21"``).
        family: one of ``diagnostics.schema.FAMILIES`` (other strings: cleaned, case kept).
        canonical: optional ``match_key -> spelling`` map from the knowledge base.

    Returns:
        The display form (see module doc).

    Raises:
        ValidationError: ``code`` is not a string or is empty after cleaning.
    """
    if not isinstance(code, str):
        raise ValidationError("A code must be text.", detail=f"got {type(code).__name__}")
    s = code.strip()
    if not s:
        raise ValidationError("An empty code cannot be normalised.")
    if canonical:
        hit = canonical.get(match_key(s))
        if hit:
            return hit
    if family == FAMILY_WINDOWS:
        m = _HEX_RE.match(re.sub(r"\s+", "", s))
        if m:
            return "0x" + m.group(1).upper().rjust(8, "0")
        return re.sub(r"[\s\-]+", "_", s).upper()
    if family == FAMILY_OBD2:
        return re.sub(r"[\s\-.]+", "", s).upper()
    if family == FAMILY_PRINTER:
        return re.sub(r"\s+", "", s).replace(",", ".").upper()
    if family == FAMILY_ROUTER:
        s = re.sub(r"(?i)^(?:error|err|code)\s*[:#]?\s*(?=\d)", "", s)
        if "_" in s or re.search(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}", s):
            return re.sub(r"[\s\-]+", "_", s).upper()
        return re.sub(r"[\s\-.:]+", "", s).upper()
    if family == FAMILY_APPLIANCE:
        return _appliance(s)
    return re.sub(r"\s+", "", s)


def _appliance(s: str) -> str:
    s = re.sub(r"[\s\-:_]+", "", s).strip(".")
    m = re.fullmatch(r"([A-Za-z]+)\.(\d+)", s)
    core = s.replace(".", "")
    if m:
        core = m.group(1) + "." + m.group(2)
    letters = [c for c in core if c.isalpha()]
    if letters and all(c.islower() for c in letters):
        core = core.upper()
    return core
