"""Match keys: one function that decides when two spellings name the same code.

``F.28``, ``F28``, ``f 28`` and ``F-28`` share a key; Windows stop codes compare by
value (``0xEF`` == ``0x000000EF`` == ``0x0000_00ef``); symbolic stop-code names compare
case-insensitively.  Used by the knowledge base (lookup) and by code extraction
(look-alike repair against known codes), so both agree.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s.\-:_/]+")
_HEX = re.compile(r"^0X([0-9A-F_]+)$")


def match_key(code: str) -> str:
    """Return the comparison key of a code spelling.

    Args:
        code: a code as written or read (``"F.28"``, ``"0x000000EF"``, ``"E 21"``).

    Returns:
        Upper-case key without separators; hex stop codes become ``"0X"`` plus the
        hex value without leading zeros (``"0XEF"``); names with underscores keep
        them (``"CRITICAL_PROCESS_DIED"``).
    """
    s = code.strip().upper()
    m = _HEX.match(s.replace(" ", ""))
    if m:
        digits = m.group(1).replace("_", "").lstrip("0") or "0"
        return "0X" + digits
    if re.fullmatch(r"[A-Z0-9]+(_[A-Z0-9]+)+", s):  # symbolic name such as CRITICAL_PROCESS_DIED
        return s
    return _SEPARATORS.sub("", s)
