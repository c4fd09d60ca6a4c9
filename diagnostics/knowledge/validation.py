"""Validation of knowledge-base entry data (used by ``save_entry`` and by seeding).

Rules (each failure raises :class:`diagnostics.errors.ValidationError` naming the field):

* required non-empty text: ``code``, ``family``, ``title``, ``meaning``, ``source``, and
  ``reply_en`` / ``reply_es`` unless that language is listed in ``reply_missing``
  (``["es"]``: knowingly saved without the Spanish reply; a reply both written and marked
  missing is refused);
* ``family`` is one of :data:`diagnostics.schema.FAMILIES`;
* ``severity`` is one of :data:`SEVERITIES`;
* OBD-II codes follow SAE J2012: ``^[PBCU][0-3][0-9A-F]{3}$``;
* Windows stop codes are written as ``0x`` plus 8 hex digits (``0x000000EF``), the form
  of Microsoft's bug check reference; the symbolic name goes in ``aliases``;
* car tell-tales (family ``telltale``) are written ``TELLTALE:<CLASS>`` or
  ``TELLTALE:<CLASS>:<COLOUR>`` (:mod:`diagnostics.telltales`), and their ``safety`` list
  holds one line ``Safe to drive: yes | with care | no ...``;
* ``steps`` is a non-empty list of non-empty one-line strings (ordered); ``causes``/``safety``
  lists of one-line strings (so CSV export can hold one item per line); ``aliases`` a list
  of strings whose match keys are not empty;
* ``technician``/``verified`` are booleans; unknown fields are refused (catches typos).

:func:`normalise_entry` raises on the first problem; :func:`field_errors` returns every
problem at once as ``{field: message}`` (a form shows each next to its field) and, with
``require_flags=True`` (knowledge managers' forms), also insists that ``severity`` and
``technician`` were chosen rather than left to their defaults.

Other families (appliance, printer, router) have no single standard grammar (see
:mod:`diagnostics.extract.grammars`); their codes need letters or digits and at most 64
characters.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import ValidationError
from ..schema import FAMILIES, FAMILY_OBD2, FAMILY_TELLTALE, FAMILY_WINDOWS
from .keys import match_key

SEVERITIES = ("low", "medium", "high", "critical")
OBD2_CODE = re.compile(r"^[PBCU][0-3][0-9A-F]{3}$")  # SAE J2012 / ISO 15031-6
WINDOWS_CODE = re.compile(r"^0x[0-9A-F]{8}$")
TELLTALE_CODE = re.compile(r"^TELLTALE:[A-Z][A-Z0-9_]*(:(RED|AMBER|GREEN|BLUE|WHITE))?$")
SAFE_TO_DRIVE = re.compile(r"^Safe to drive: (yes|with care|no)\b", re.IGNORECASE)

TEXT_FIELDS = ("code", "family", "brand", "appliance", "model_scope", "title", "meaning",
               "reply_en", "reply_es", "source")
REQUIRED_TEXT = ("code", "family", "title", "meaning", "reply_en", "reply_es", "source")
REPLY_LANGUAGES = {"en": "reply_en", "es": "reply_es"}
LIST_FIELDS = ("aliases", "causes", "steps", "safety")
BOOL_FIELDS = ("technician", "verified")
ALLOWED_FIELDS = frozenset(TEXT_FIELDS + LIST_FIELDS + BOOL_FIELDS + ("id", "severity", "version", "reply_missing"))
MAX_LEN = {"code": 64, "brand": 64, "appliance": 64, "model_scope": 255, "title": 255}


class _Errors(dict):
    """field -> first message for that field (later problems of the same field are dropped)."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, message)


_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
"""Control characters other than tab and line breaks, C1 controls (U+0085 NEL among them) and
the Unicode line/paragraph separators: invisible in the panel, and YAML treats U+0085,
U+2028 and U+2029 as line breaks, so an entry holding one would not round-trip through an
export."""


def _check(data: dict[str, Any], require_flags: bool = False) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean copy of ``data`` and ``{field: message}`` for every invalid field, in the order
    the checks run (unknown fields, text, required, family, severity, lists, steps, flags,
    code grammar, aliases, replies)."""
    err = _Errors()
    unknown = sorted(set(data) - ALLOWED_FIELDS)
    if unknown:
        err.add(unknown[0], f"unknown field(s) {', '.join(unknown)}")
    out: dict[str, Any] = {}
    for f in TEXT_FIELDS:
        v = data.get(f, "")
        if v is None:
            v = ""
        if not isinstance(v, str):
            err.add(f, "must be text")
            v = ""
        v = v.strip()
        if _CONTROL_RE.search(v):
            err.add(f, "holds an invisible control character (NUL, U+0085, U+2028, ...): retype or paste as "
                       "plain text")
        if f in MAX_LEN and len(v) > MAX_LEN[f]:
            err.add(f, f"at most {MAX_LEN[f]} characters")
        out[f] = v
    missing = data.get("reply_missing") or []
    if isinstance(missing, str) or not isinstance(missing, (list, tuple)) or \
            any(m not in REPLY_LANGUAGES for m in missing):
        err.add("reply_missing", f"list the languages whose reply is missing, from {', '.join(REPLY_LANGUAGES)}")
        missing = []
    out["reply_missing"] = [lang for lang in REPLY_LANGUAGES if lang in missing]
    for f in REQUIRED_TEXT:
        lang = next((k for k, v in REPLY_LANGUAGES.items() if v == f), None)
        if lang and lang in out["reply_missing"]:
            if out[f]:
                err.add(f, "has text but is marked missing: remove the text or the mark")
            continue
        if not out[f]:
            err.add(f, "is required" if not lang else "is required (or mark this language's reply as missing)")
    if out["family"] and out["family"] not in FAMILIES:
        err.add("family", f"'{out['family']}' is not one of {', '.join(FAMILIES)}")
    if require_flags and data.get("severity") in (None, ""):
        err.add("severity", f"choose one of {', '.join(SEVERITIES)}")
    sev = data.get("severity", "medium")
    if sev in (None, "") and require_flags:
        sev = "medium"
    if sev not in SEVERITIES:
        err.add("severity", f"'{sev}' is not one of {', '.join(SEVERITIES)}")
    out["severity"] = sev if sev in SEVERITIES else "medium"
    for f in LIST_FIELDS:
        v = data.get(f) or []
        items = []
        if isinstance(v, (str, bytes)) or not isinstance(v, (list, tuple)):
            err.add(f, "must be a list of text items")
            v = []
        for i, item in enumerate(v):
            if not isinstance(item, str) or not item.strip():
                err.add(f, f"item {i + 1} must be non-empty text")
                continue
            if "\n" in item.strip() or "\r" in item.strip():
                err.add(f, f"item {i + 1} has a line break: make each line its own item")
                continue
            if _CONTROL_RE.search(item):
                err.add(f, f"item {i + 1} holds an invisible control character: retype it as plain text")
                continue
            items.append(item.strip())
        out[f] = items
    if not out["steps"]:
        err.add("steps", "add at least one resolution step")
    for f in BOOL_FIELDS:
        v = data.get(f, False)
        if v is None and require_flags and f == "technician":
            err.add(f, "say whether a technician is needed (yes or no)")
            v = False
        if require_flags and f == "technician" and f not in data:
            err.add(f, "say whether a technician is needed (yes or no)")
        if not isinstance(v, bool):
            err.add(f, "must be true or false")
            v = False
        out[f] = v
    if out["code"] and not match_key(out["code"]):
        err.add("code", "has no letters or digits")
    elif out["code"] and out["family"] == FAMILY_OBD2:
        out["code"] = out["code"].upper()
        if not OBD2_CODE.match(out["code"]):
            err.add("code", f"'{out['code']}' is not an SAE J2012 DTC (letter P/B/C/U, then 0-3, then 3 hex digits)")
    elif out["code"] and out["family"] == FAMILY_WINDOWS:
        c = out["code"]
        if c[:2].lower() == "0x":
            c = "0x" + c[2:].upper()
        if not WINDOWS_CODE.match(c):
            err.add("code", f"'{out['code']}' is not a stop code written as 0x plus 8 hex digits (e.g. 0x000000EF); "
                            "put names such as CRITICAL_PROCESS_DIED in aliases")
        out["code"] = c
    if out["family"] == FAMILY_TELLTALE:
        out["code"] = out["code"].upper()
        if out["code"] and not TELLTALE_CODE.match(out["code"]):
            err.add("code", f"'{out['code']}' is not a tell-tale code: write TELLTALE:<CLASS> or "
                            "TELLTALE:<CLASS>:<COLOUR> (colour RED, AMBER, GREEN, BLUE or WHITE), e.g. TELLTALE:OIL_PRESSURE")
        if sum(1 for x in out["safety"] if SAFE_TO_DRIVE.match(x)) != 1:
            err.add("safety", "a tell-tale entry needs exactly one line 'Safe to drive: yes | with care | no ...'")
    seen: set[str] = set()  # an alias may share the code's key (F28 for F.28): kept as a display form
    aliases = []
    for a in out["aliases"]:
        k = match_key(a)
        if not k:
            err.add("aliases", f"'{a}' has no letters or digits")
            continue
        if len(a) > 64:
            err.add("aliases", f"'{a}' is longer than 64 characters")
            continue
        if k not in seen and a != out["code"]:
            seen.add(k)
            aliases.append(a)
    out["aliases"] = aliases
    if "id" in data:
        out["id"] = data["id"]
    return out, dict(err)


def normalise_entry(data: dict[str, Any]) -> dict[str, Any]:
    """Check ``data`` and return a clean copy (strings stripped, defaults filled).

    Args:
        data: entry fields as in :class:`diagnostics.schema.KBEntry` plus ``reply_missing``
            (``id``/``version`` are accepted; ``id`` is passed through untouched).

    Returns:
        A new dict with every field of an entry (``reply_missing`` included, ``[]`` by default).

    Raises:
        ValidationError: message names the field, e.g. ``"steps: add at least one step"``;
            ``detail`` is the field name.
    """
    if not isinstance(data, dict):
        raise ValidationError("An entry must be a mapping of field names to values.")
    out, errors = _check(data)
    if errors:
        field, message = next(iter(errors.items()))
        raise ValidationError(f"{field}: {message}", detail=field)
    return out


def field_errors(data: dict[str, Any], *, require_flags: bool = False) -> dict[str, str]:
    """Every problem of ``data`` at once, for messages next to the form's fields.

    Args:
        data: entry fields (see :func:`normalise_entry`).
        require_flags: also require ``severity`` and ``technician`` to be given explicitly
            (a knowledge manager must choose them; shipped seed entries may default).

    Returns:
        ``{field: message}`` (messages without the field name, e.g. ``{"steps": "add at least
        one resolution step"}``); empty when valid.  Database checks (code or alias already
        used in the same scope) are made by
        :meth:`diagnostics.knowledge.curation.Curation.validate`.
    """
    if not isinstance(data, dict):
        return {"entry": "must be a mapping of field names to values"}
    return _check(data, require_flags)[1]


def clean_entry(data: dict[str, Any], *, require_flags: bool = False) -> tuple[dict[str, Any], dict[str, str]]:
    """``(clean copy, {field: message})`` in one pass; the copy is only meaningful when the
    errors are empty (see :func:`normalise_entry` and :func:`field_errors`)."""
    if not isinstance(data, dict):
        return {}, {"entry": "must be a mapping of field names to values"}
    return _check(data, require_flags)
