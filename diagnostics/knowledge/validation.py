"""Validation of knowledge-base entry data (used by ``save_entry`` and by seeding).

Rules (each failure raises :class:`diagnostics.errors.ValidationError` naming the field):

* required non-empty text: ``code``, ``family``, ``title``, ``meaning``, ``reply_en``,
  ``reply_es``, ``source``;
* ``family`` is one of :data:`diagnostics.schema.FAMILIES`;
* ``severity`` is one of :data:`SEVERITIES`;
* OBD-II codes follow SAE J2012: ``^[PBCU][0-3][0-9A-F]{3}$``;
* Windows stop codes are written as ``0x`` plus 8 hex digits (``0x000000EF``), the form
  of Microsoft's bug check reference; the symbolic name goes in ``aliases``;
* ``steps`` is a non-empty list of non-empty strings (ordered); ``causes``/``safety`` lists
  of strings; ``aliases`` a list of strings whose match keys are not empty;
* ``technician``/``verified`` are booleans; unknown fields are refused (catches typos).
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import ValidationError
from ..schema import FAMILIES, FAMILY_OBD2, FAMILY_WINDOWS
from .keys import match_key

SEVERITIES = ("low", "medium", "high", "critical")
OBD2_CODE = re.compile(r"^[PBCU][0-3][0-9A-F]{3}$")  # SAE J2012 / ISO 15031-6
WINDOWS_CODE = re.compile(r"^0x[0-9A-F]{8}$")

TEXT_FIELDS = ("code", "family", "brand", "appliance", "model_scope", "title", "meaning",
               "reply_en", "reply_es", "source")
REQUIRED_TEXT = ("code", "family", "title", "meaning", "reply_en", "reply_es", "source")
LIST_FIELDS = ("aliases", "causes", "steps", "safety")
BOOL_FIELDS = ("technician", "verified")
ALLOWED_FIELDS = frozenset(TEXT_FIELDS + LIST_FIELDS + BOOL_FIELDS + ("id", "severity", "version"))
MAX_LEN = {"code": 64, "brand": 64, "appliance": 64, "model_scope": 255, "title": 255}


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError(f"{field}: {message}", detail=field)


def normalise_entry(data: dict[str, Any]) -> dict[str, Any]:
    """Check ``data`` and return a clean copy (strings stripped, defaults filled).

    Args:
        data: entry fields as in :class:`diagnostics.schema.KBEntry` (``id``/``version``
            are accepted and passed through untouched).

    Returns:
        A new dict with every field of an entry.

    Raises:
        ValidationError: message names the field, e.g. ``"steps: add at least one step"``.
    """
    if not isinstance(data, dict):
        raise ValidationError("An entry must be a mapping of field names to values.")
    unknown = sorted(set(data) - ALLOWED_FIELDS)
    if unknown:
        raise _fail(unknown[0], f"unknown field(s) {', '.join(unknown)}")
    out: dict[str, Any] = {}
    for f in TEXT_FIELDS:
        v = data.get(f, "")
        if v is None:
            v = ""
        if not isinstance(v, str):
            raise _fail(f, "must be text")
        v = v.strip()
        if f in MAX_LEN and len(v) > MAX_LEN[f]:
            raise _fail(f, f"at most {MAX_LEN[f]} characters")
        out[f] = v
    for f in REQUIRED_TEXT:
        if not out[f]:
            raise _fail(f, "is required")
    if out["family"] not in FAMILIES:
        raise _fail("family", f"'{out['family']}' is not one of {', '.join(FAMILIES)}")
    sev = data.get("severity", "medium")
    if sev not in SEVERITIES:
        raise _fail("severity", f"'{sev}' is not one of {', '.join(SEVERITIES)}")
    out["severity"] = sev
    for f in LIST_FIELDS:
        v = data.get(f) or []
        if isinstance(v, (str, bytes)) or not isinstance(v, (list, tuple)):
            raise _fail(f, "must be a list of text items")
        items = []
        for i, item in enumerate(v):
            if not isinstance(item, str) or not item.strip():
                raise _fail(f, f"item {i + 1} must be non-empty text")
            items.append(item.strip())
        out[f] = items
    if not out["steps"]:
        raise _fail("steps", "add at least one resolution step")
    for f in BOOL_FIELDS:
        v = data.get(f, False)
        if not isinstance(v, bool):
            raise _fail(f, "must be true or false")
        out[f] = v
    if not match_key(out["code"]):
        raise _fail("code", "has no letters or digits")
    if out["family"] == FAMILY_OBD2:
        out["code"] = out["code"].upper()
        if not OBD2_CODE.match(out["code"]):
            raise _fail("code", f"'{out['code']}' is not an SAE J2012 DTC (letter P/B/C/U, then 0-3, then 3 hex digits)")
    if out["family"] == FAMILY_WINDOWS:
        c = out["code"]
        if c[:2].lower() == "0x":
            c = "0x" + c[2:].upper()
        if not WINDOWS_CODE.match(c):
            raise _fail("code", f"'{out['code']}' is not a stop code written as 0x plus 8 hex digits (e.g. 0x000000EF); put names such as CRITICAL_PROCESS_DIED in aliases")
        out["code"] = c
    seen: set[str] = set()  # an alias may share the code's key (F28 for F.28): kept as a display form
    aliases = []
    for a in out["aliases"]:
        k = match_key(a)
        if not k:
            raise _fail("aliases", f"'{a}' has no letters or digits")
        if len(a) > 64:
            raise _fail("aliases", f"'{a}' is longer than 64 characters")
        if k not in seen and a != out["code"]:
            seen.add(k)
            aliases.append(a)
    out["aliases"] = aliases
    if "id" in data:
        out["id"] = data["id"]
    return out
