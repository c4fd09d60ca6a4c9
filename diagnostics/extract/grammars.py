"""Code grammars per family, stoplists and context words.

A *shape* is a fixed-length sequence of character classes matched against the
*core* of a token (the token with the separators of that family removed, upper-cased).
Shapes rather than regular expressions are used because look-alike repair
(:mod:`diagnostics.extract.repair`) needs to know, position by position, which
characters the grammar allows.

Families and their grammars (sources):

``obd2``  SAE J2012 / ISO 15031-6 diagnostic trouble codes: one system letter
    (P powertrain, B body, C chassis, U network), one digit 0-3, three hex digits:
    ``^[PBCU][0-3][0-9A-F]{3}$`` (``P0420``, ``U0100``, ``C0035``).

``windows_stop``  Microsoft "Bug check code reference": a stop code is a 32-bit value
    printed as ``0x`` + 8 hex digits (``0x0000007B``), and most have a SYMBOLIC_NAME
    (``INACCESSIBLE_BOOT_DEVICE``).  Bug check values are 0x1-0x1FF, plus the ``_M``
    variants 0x1000xxxx and NTSTATUS values shown as stop codes (0xC000021A ...); other
    hex values (HRESULTs such as 0x80070005) only count after a "stop" context word.
    :data:`BUG_CHECKS` holds the common ones (facts from that reference).

``printer``  HP LaserJet control-panel numbering: ``NN.N`` (``50.4``), ``NN.NN``
    (``13.20``, ``79.00``), ``NN.X`` .. ``NN.XXXX`` with hex digits (``59.F0``,
    ``49.4C02``) and FutureSmart ``NN.XX.XX`` (``13.B2.D2``).

``router``  Windows RAS / dial-up connection errors (3 digits, 600-899: ``651``,
    ``691``, ``678``, ``720``), only after an "error"/"code" word or when the knowledge
    base knows the number; DOCSIS cable-modem timeouts ``T1``-``T7`` (``T3``, ``T4``;
    CableLabs DOCSIS RFI spec) only with a timeout/modem context or KB; Chromium network
    error names (``DNS_PROBE_FINISHED_NO_INTERNET``, ``ERR_*``; Chromium net_error_list).

``appliance``  washer, dishwasher and boiler displays (seven-segment, 14-segment,
    dot-matrix).  There is no standard; the shapes below cover the published lists of
    Samsung, LG, Bosch/Siemens, Whirlpool, Vaillant, Worcester Bosch and Baxi:
    letter(s)+digits (``E21``, ``F28``/``F.28``, ``E133``, ``LE1``), ``Er``/``Err`` +
    digits, digit+letter(s) (``4C``, ``5E``, ``3E``), two or three letters (``UE``,
    ``dE``, ``SUd``, ``EA``), letter-digit-letter-digit (``F9E1``) and 2-3 digit numbers
    (``227``; KB-only, see the false-positive rule).

False-positive rule: a purely numeric value (digits with ``.``) is a display value
(clock, temperature, spin speed, weight, counter) unless the knowledge base knows it
(or, in prose, an "error"/"code" word stands next to it); a value with ``:`` is a time
and never a code.  Display words (:data:`DISPLAY_WORDS`) are not codes unless the KB
knows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from diagnostics.schema import (
    FAMILY_APPLIANCE,
    FAMILY_OBD2,
    FAMILY_PRINTER,
    FAMILY_ROUTER,
    FAMILY_WINDOWS,
)

DIGITS = frozenset("0123456789")
LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
HEX = frozenset("0123456789ABCDEF")

FAMILY_ORDER = (FAMILY_OBD2, FAMILY_WINDOWS, FAMILY_PRINTER, FAMILY_ROUTER, FAMILY_APPLIANCE)
"""Tie-break order when one token fits several families equally well (most specific first)."""


@dataclass(frozen=True)
class Shape:
    """One fixed-length grammar shape.

    Attributes:
        family: code family (``diagnostics.schema.FAMILIES``).
        spec: readable spec (``"LDD"``, ``"{PBCU}{0123}HHH"``).
        classes: allowed upper-case characters per position.
        strength: ``"strong"`` (structure alone makes it code-like, e.g. ``E21``),
            ``"weak"`` (letters only, T-codes) or ``"numeric"`` (digits only: KB/context only).
    """

    family: str
    spec: str
    classes: tuple[frozenset[str], ...]
    strength: str

    @property
    def length(self) -> int:
        return len(self.classes)


def _parse(spec: str) -> tuple[frozenset[str], ...]:
    """``L`` letter, ``D`` digit, ``H`` hex digit, ``{abc}`` literal set, other chars literal."""
    out: list[frozenset[str]] = []
    i = 0
    while i < len(spec):
        c = spec[i]
        if c == "{":
            j = spec.index("}", i)
            out.append(frozenset(spec[i + 1 : j]))
            i = j + 1
            continue
        out.append({"L": LETTERS, "D": DIGITS, "H": HEX}.get(c, frozenset(c)))
        i += 1
    return tuple(out)


def _shapes(family: str, specs: list[str], strength: str) -> list[Shape]:
    return [Shape(family, s, _parse(s), strength) for s in specs]


SHAPES: dict[str, list[Shape]] = {
    FAMILY_OBD2: _shapes(FAMILY_OBD2, ["{PBCU}{0123}HHH"], "strong"),
    FAMILY_WINDOWS: _shapes(FAMILY_WINDOWS, ["{0}{X}" + "H" * n for n in range(1, 9)], "strong"),
    FAMILY_PRINTER: _shapes(FAMILY_PRINTER, ["DD.H", "DD.HH", "DD.HHH", "DD.HHHH", "DD.HH.HH"], "strong"),
    FAMILY_ROUTER: _shapes(FAMILY_ROUTER, ["{T}{1234567}"], "weak") + _shapes(FAMILY_ROUTER, ["DDD"], "numeric"),
    FAMILY_APPLIANCE: (
        _shapes(FAMILY_APPLIANCE, ["LD", "LDD", "LDDD", "LLD", "LLDD", "{E}{R}{R}D", "{E}{R}{R}DD",
                                   "DL", "DLL", "LDLD"], "strong")
        + _shapes(FAMILY_APPLIANCE, ["LL", "LLL"], "weak")
        + _shapes(FAMILY_APPLIANCE, ["DD", "DDD"], "numeric")
    ),
}
"""Grammar shapes per family, matched against the family's token core (see module doc)."""


def core_for(family: str, token: str) -> str:
    """The part of ``token`` a family's shapes are matched against.

    Appliance/router: separators (space, ``-``, ``.``, ``:``, ``_``) removed
    (``F.28`` -> ``F28``, ``E 21`` -> ``E21``); printer: spaces removed, dots kept;
    OBD-II: spaces and hyphens removed; Windows hex: spaces removed.
    """
    if family in (FAMILY_APPLIANCE, FAMILY_ROUTER):
        return re.sub(r"[\s\-.:_]+", "", token)
    if family == FAMILY_PRINTER:
        return re.sub(r"\s+", "", token)
    if family == FAMILY_OBD2:
        return re.sub(r"[\s\-]+", "", token)
    return re.sub(r"\s+", "", token)


# ---------------------------------------------------------------- symbolic names

NAME_RE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
"""Windows bug check / Chromium error symbolic name (upper case, underscores)."""

ROUTER_NAME_PREFIXES = ("DNS_PROBE_", "ERR_")
"""Chromium network error names (browser error pages): family ``router``."""

BUG_CHECKS: dict[int, str] = {
    0x01: "APC_INDEX_MISMATCH",
    0x0A: "IRQL_NOT_LESS_OR_EQUAL",
    0x18: "REFERENCE_BY_POINTER",
    0x19: "BAD_POOL_HEADER",
    0x1A: "MEMORY_MANAGEMENT",
    0x1E: "KMODE_EXCEPTION_NOT_HANDLED",
    0x24: "NTFS_FILE_SYSTEM",
    0x2E: "DATA_BUS_ERROR",
    0x3B: "SYSTEM_SERVICE_EXCEPTION",
    0x4E: "PFN_LIST_CORRUPT",
    0x50: "PAGE_FAULT_IN_NONPAGED_AREA",
    0x74: "BAD_SYSTEM_CONFIG_INFO",
    0x77: "KERNEL_STACK_INPAGE_ERROR",
    0x7A: "KERNEL_DATA_INPAGE_ERROR",
    0x7B: "INACCESSIBLE_BOOT_DEVICE",
    0x7E: "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED",
    0x7F: "UNEXPECTED_KERNEL_MODE_TRAP",
    0x9C: "MACHINE_CHECK_EXCEPTION",
    0x9F: "DRIVER_POWER_STATE_FAILURE",
    0xA5: "ACPI_BIOS_ERROR",
    0xBE: "ATTEMPTED_WRITE_TO_READONLY_MEMORY",
    0xC2: "BAD_POOL_CALLER",
    0xC4: "DRIVER_VERIFIER_DETECTED_VIOLATION",
    0xC5: "DRIVER_CORRUPTED_EXPOOL",
    0xD1: "DRIVER_IRQL_NOT_LESS_OR_EQUAL",
    0xE2: "MANUALLY_INITIATED_CRASH",
    0xEA: "THREAD_STUCK_IN_DEVICE_DRIVER",
    0xED: "UNMOUNTABLE_BOOT_VOLUME",
    0xEF: "CRITICAL_PROCESS_DIED",
    0xF4: "CRITICAL_OBJECT_TERMINATION",
    0xF7: "DRIVER_OVERRAN_STACK_BUFFER",
    0xFC: "ATTEMPTED_EXECUTE_OF_NOEXECUTE_MEMORY",
    0x101: "CLOCK_WATCHDOG_TIMEOUT",
    0x109: "CRITICAL_STRUCTURE_CORRUPTION",
    0x116: "VIDEO_TDR_FAILURE",
    0x117: "VIDEO_TDR_TIMEOUT_DETECTED",
    0x119: "VIDEO_SCHEDULER_INTERNAL_ERROR",
    0x124: "WHEA_UNCORRECTABLE_ERROR",
    0x12B: "FAULTY_HARDWARE_CORRUPTED_PAGE",
    0x133: "DPC_WATCHDOG_VIOLATION",
    0x139: "KERNEL_SECURITY_CHECK_FAILURE",
    0x13A: "KERNEL_MODE_HEAP_CORRUPTION",
    0x144: "BUGCODE_USB3_DRIVER",
    0x154: "UNEXPECTED_STORE_EXCEPTION",
}
"""Common Windows bug check codes -> symbolic names (Microsoft bug check code reference)."""

BUG_CHECK_VALUES: dict[str, int] = {v: k for k, v in BUG_CHECKS.items()}

STOP_NTSTATUS = frozenset({0xC000021A, 0xC0000218, 0xC0000221, 0xDEADDEAD})
"""Non-bug-check values Windows shows in the stop-code position (Microsoft reference)."""

ROUTER_NAMES = frozenset({
    "DNS_PROBE_FINISHED_NO_INTERNET", "DNS_PROBE_FINISHED_NXDOMAIN", "DNS_PROBE_FINISHED_BAD_CONFIG",
    "DNS_PROBE_STARTED", "ERR_INTERNET_DISCONNECTED", "ERR_NAME_NOT_RESOLVED", "ERR_CONNECTION_TIMED_OUT",
    "ERR_CONNECTION_REFUSED", "ERR_CONNECTION_RESET", "ERR_CONNECTION_CLOSED", "ERR_NETWORK_CHANGED",
    "ERR_ADDRESS_UNREACHABLE", "ERR_PROXY_CONNECTION_FAILED", "ERR_TIMED_OUT", "ERR_SSL_PROTOCOL_ERROR",
    "ERR_CERT_DATE_INVALID", "ERR_NETWORK_ACCESS_DENIED",
})
"""Chromium net error names seen on browser error pages (Chromium net_error_list.h)."""


def bug_check_name(code: str) -> str | None:
    """Symbolic name of a hex stop code (``"0x0000007B"`` -> ``"INACCESSIBLE_BOOT_DEVICE"``),
    ``None`` if not in :data:`BUG_CHECKS` or not hex."""
    try:
        return BUG_CHECKS.get(int(code.strip(), 16))
    except ValueError:
        return None


def plausible_stop_value(value: int) -> bool:
    """Whether a hex value can be a stop code without a "stop" context word
    (bug checks 0x1-0x1FF, ``_M`` variants 0x1000xxxx, :data:`STOP_NTSTATUS`)."""
    return 0 < value <= 0x1FF or (value & 0xFFFF0000) == 0x10000000 or value in STOP_NTSTATUS


# ---------------------------------------------------------------- stoplists and context

DISPLAY_WORDS = frozenset({
    "END", "ON", "OFF", "HOT", "HI", "LO", "SET", "AUTO", "ECO", "RUN", "DRY", "PAUSE", "ADD", "DOOR",
    "START", "CLN", "CL", "RINSE", "SPIN", "WASH", "COLD", "WARM", "OPEN", "LOCK", "DEL", "PRE", "MIX",
    "MAX", "MIN", "OK", "NO", "YES", "AM", "PM", "HR", "KG", "LB", "RPM", "SEC", "STOP", "PUSH", "TUB",
    "BAL", "CAL", "INT", "OUT", "NEW", "HOLD", "FULL", "LOW", "DAY", "ALL", "EXP",
    # device UI key labels
    "ESC", "SEL", "ENT", "CLR", "FN", "RST", "PWR", "MENU", "BACK", "MODE",
})
"""Words that seven-segment / LCD panels spell out (cycle names, states, units); not codes
unless the knowledge base knows them (``CL`` is LG's child lock: KB-known wins)."""

PROSE_STOP = frozenset({
    # English and Spanish short words that look like 2-3 letter codes
    "a", "i", "an", "am", "pm", "is", "it", "in", "on", "of", "to", "be", "he", "me", "my", "we", "us",
    "so", "no", "ok", "or", "up", "by", "as", "at", "if", "do", "go", "hi", "oh", "ed", "the", "and",
    "for", "not", "but", "you", "all", "any", "can", "had", "has", "her", "his", "how", "its", "may",
    "new", "now", "off", "old", "our", "out", "see", "she", "two", "was", "way", "who", "why", "yes",
    "yet", "get", "got", "set", "put", "let", "did", "one", "day", "end", "too", "use", "hot", "run",
    "de", "la", "el", "en", "es", "lo", "le", "se", "te", "mi", "tu", "su", "un", "ya", "que", "por",
    "con", "del", "los", "las", "una", "mas", "sin", "dos", "hay", "sus",
    # brands and acronyms customers type in capitals
    "lg", "hp", "ge", "pc", "tv", "usb", "led", "lcd", "isp", "dns", "obd", "dtc", "ecu", "rpm", "aeg",
    "abs", "mil", "sms", "uk", "eu", "wifi", "pin", "sim", "vw", "bmw", "kg", "etc", "asap", "fyi",
    "cel", "ac", "id", "ip", "dvd", "cd", "gps", "mac",
})
"""Short words and acronyms that are never read as codes in prose without a context word."""

MIXED_PROSE_STOP = frozenset({"A3", "A4", "A5", "2G", "3G", "4G", "5G", "2D", "3D", "4K", "8K", "MP3", "MP4",
                              "I3", "I5", "I7", "I9", "W10", "W11", "X2", "X3", "X4"})
"""Letter+digit tokens that are common non-code words in prose (paper sizes, networks ...)."""

UNIT_RE = re.compile(
    r"^\d+(?:st|nd|rd|th|am|pm|kg|g|lb|lbs|mm|cm|m|km|ml|l|h|hr|hrs|min|mins|s|sec|x|k|gb|mb|kb|tb|"
    r"v|w|kw|hz|rpm|c|f|yr|yrs|y|d|mo|p|mph|kmh|ms|db)$",
    re.IGNORECASE,
)
"""Numbers with units or ordinal suffixes (``10kg``, ``2nd``, ``5pm``): not codes in prose
unless the KB knows the exact spelling (``5c`` = Samsung 5C)."""

STRONG_CONTEXT = frozenset({
    "error", "err", "errors", "code", "fault", "failure", "fail", "stop", "bugcheck", "dtc",
    "código", "codigo", "falla", "fallo", "avería", "averia", "errno",
})
"""Words that make the next (or a nearby) token an error code, even a bare number."""

WEAK_CONTEXT = frozenset({
    "shows", "showing", "shown", "show", "displays", "displaying", "display", "displayed", "says",
    "saying", "reads", "reading", "flashing", "flashes", "blinking", "blinks", "screen", "getting",
    "gives", "giving", "muestra", "aparece", "pone", "marca", "sale", "dice",
})
"""Words that make a nearby short token likely to be a code (letters-only or KB numbers)."""

WINDOWS_TEXT_RE = re.compile(
    r"stop\s*code|\*\*\*\s*stop|bug\s*check|your (?:pc|device) ran into|problem has been detected|"
    r"windows|blue ?screen|bsod",
    re.IGNORECASE,
)
"""Text that says we are looking at a Windows blue screen (allows unknown stop-code names)."""

TIMEOUT_TEXT_RE = re.compile(r"time[\s-]?out|timed out|docsis|ranging|modem|cable", re.IGNORECASE)
"""Text that makes ``T1``-``T7`` a DOCSIS timeout (family router) rather than an appliance code."""

LETTERISE = {"0": "O", "1": "I", "5": "S", "2": "Z", "8": "B", "6": "G", "9": "g"}
"""Digit -> letter of the same seven-segment glyph (used to recognise display words)."""


def is_display_word(text: str, seven_segment: bool = False) -> bool:
    """Whether ``text`` is a panel word of :data:`DISPLAY_WORDS` (for seven-segment readings
    also after mapping ambiguous digits back to letters: ``0FF`` -> ``OFF``, ``5Et`` -> ``SET``)."""
    up = re.sub(r"[\s.\-]", "", text).upper()
    if up in DISPLAY_WORDS:
        return True
    if seven_segment and any(c.isalpha() for c in up):
        return "".join(LETTERISE.get(c, c) for c in up).upper() in DISPLAY_WORDS
    return False


def numeric_router_range(code: str) -> bool:
    """3-digit Windows RAS/dial-up error numbers are 600-899 (Microsoft RAS error list)."""
    return code.isdigit() and len(code) == 3 and 600 <= int(code) <= 899
