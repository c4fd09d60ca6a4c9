"""Lit indicators of a photo as findings: car tell-tales and router / modem status lights.

Stage 7 of the photo path (:meth:`diagnostics.pipeline.Pipeline.analyse_image`).  The
detector (:func:`diagnostics.vision.indicators.find_lit_indicators`) finds lit blobs; this
module decides what they are and turns them into code candidates the ranking stage looks
up in the knowledge base, plus one ``{"kind": "light", ...}`` evidence item per light (box,
colour, state, name, crop) for the panel.

Notation (our own, like the blink notation of :mod:`diagnostics.vision.blink`):

=================================  ==========================================================
``TELLTALE:<CLASS>:<COLOUR>``      a car tell-tale: ``CLASS`` is the classifier label in upper
                                   case (``OIL_PRESSURE``, ``ENGINE_MIL``; ``UNKNOWN`` for a lit
                                   symbol it does not recognise), ``COLOUR`` the measured colour
``LED:<LABEL>:<COLOUR>:<STATE>``   a status light next to a printed label (``POWER``,
                                   ``INTERNET``, ``DSL``, ``WAN``, ``WIFI``, ``LAN``, ``WPS``,
                                   ``PHONE``, ``USB``; see :data:`LED_LABELS`); ``STATE`` is
                                   ``STEADY`` in a photo; a video's blink pattern (``SLOW``,
                                   ``FAST``, ``<N>``) as in ``BLINK:<COLOUR>:<PATTERN>``
``LED:<LABEL>:OFF``                a labelled light that is off
``LED:ALL:OFF``                    every labelled light is off
=================================  ==========================================================

``COLOUR`` is ``RED``, ``AMBER``, ``GREEN``, ``BLUE`` or ``WHITE``.  Severity follows the
colour first (ISO 2575 / UN R121: red = danger, stop safely; amber = warning, service
soon; green / blue / white = information), then the knowledge-base entry's severity
(:func:`light_order`).

Which scene is which:

* **router / modem (or boiler) panel**: at least two status-light words (:data:`LED_LABELS`)
  in the text the photo stages read.  Each label gets the lit blob next to it (above, below
  or left, the same side for every label), else it is off.  No symbol classifier runs.  A
  panel with a ``Fault`` or ``Burner`` light is a boiler's: its lights are looked up among
  the appliance entries (``LED:FAULT:RED:STEADY``), a router's among the router entries.
* **instrument cluster** (no display code the knowledge base knows was read): the lit
  blobs that are not part of a display the photo stages read (LED digits) go to the
  symbol classifier.  Known symbols are reported when the
  classifier is confident (``Settings.telltale_min_score``); lit symbols it does not
  know are reported as ``TELLTALE:UNKNOWN:<COLOUR>`` only in a scene that looks like a
  cluster: mostly dark (:data:`DARK_SCENE_FRACTION`), or holding a symbol the classifier
  recognised with :data:`STRONG_SCORE`.  An unknown light gets the knowledge base's
  advice for its colour only, never a specific fix.

The video path does not run this stage on key frames; it labels its blink codes with
:func:`label_blinking_lights` instead.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import cv2
import numpy as np

from .errors import EngineError
from .knowledge.keys import match_key
from .vision.blink import HUE_BORDERS
from .schema import FAMILY_APPLIANCE, FAMILY_ROUTER, FAMILY_TELLTALE, BBox, CodeCandidate, DisplayReading, TextReading
from .vision.indicators import LitIndicator, find_lit_indicators

COLOURS = ("RED", "AMBER", "GREEN", "BLUE", "WHITE")
COLOUR_RANK = {"RED": 3, "AMBER": 2, "GREEN": 1, "BLUE": 1, "WHITE": 1}
"""Urgency of a light's colour (ISO 2575 / UN R121): red (danger) > amber (warning) >
green, blue, white (information)."""
SEVERITY_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1}
UNKNOWN = "unknown"

DARK_SCENE_FRACTION = 0.35
"""A photo with at least this fraction of dark pixels (``max(R, G, B) < 80`` on a small
copy) looks like an instrument cluster (appliance photos of our samples: at most 0.23)."""
STRONG_SCORE = 0.8
"""A symbol the classifier names with at least this probability makes the scene a
cluster even when it is not mostly dark (a daytime photo)."""
UNKNOWN_MIN_SATURATION = 0.28
"""An unrecognised light is reported only when coloured (saturation of its measured colour;
0.28 is where :func:`~diagnostics.vision.blink.colour_name` starts calling a light white):
white glare, chrome and reflections are not lights."""
UNKNOWN_MAX_SURROUND = 110.0
"""... and lit against a dark surround (mean brightness of the ring around it, 0-255)."""
MIN_NAMED_PX = 16
"""A lit blob shorter than this (longer side, photo pixels) is not named by the classifier
(trained on symbols of 18 px and more): it can only be an unrecognised light, and the
unknown-light entries ask for a closer photo."""
MAX_CLASSIFIED = 12
"""Most blobs sent to the classifier per photo (the most prominent first)."""

# Printed label words of status lights -> normalised label (our list, from the labels common on
# provider routers, DSL modems and fibre boxes).
LED_LABELS: dict[str, str] = {
    "POWER": "POWER", "PWR": "POWER",
    "INTERNET": "INTERNET", "ONLINE": "INTERNET", "WWW": "INTERNET", "INET": "INTERNET",
    "DSL": "DSL", "ADSL": "DSL", "VDSL": "DSL", "XDSL": "DSL", "BROADBAND": "DSL", "LINE": "DSL", "SYNC": "DSL",
    "FIBRE": "DSL", "FIBER": "DSL", "PON": "DSL", "GPON": "DSL",
    "WAN": "WAN",
    "WIFI": "WIFI", "WLAN": "WIFI", "WIRELESS": "WIFI", "24G": "WIFI", "24GHZ": "WIFI", "5G": "WIFI", "5GHZ": "WIFI",
    "LAN": "LAN", "LAN1": "LAN", "LAN2": "LAN", "LAN3": "LAN", "LAN4": "LAN", "ETHERNET": "LAN", "ETH": "LAN",
    "WPS": "WPS", "PHONE": "PHONE", "TEL": "PHONE", "VOIP": "PHONE", "USB": "USB",
    # boilers without a display
    "FAULT": "FAULT", "LOCKOUT": "FAULT", "BURNER": "BURNER", "FLAME": "BURNER",
}
BOILER_LABELS = frozenset({"FAULT", "BURNER"})
"""Labels that make a panel a boiler's (its lights are looked up among appliance entries)."""
NAMES = {
    "POWER": "Power", "INTERNET": "Internet", "DSL": "DSL / broadband", "WAN": "WAN", "WIFI": "Wi-Fi", "LAN": "LAN",
    "WPS": "WPS", "PHONE": "Phone", "USB": "USB", "FAULT": "Fault", "BURNER": "Burner", "ALL": "All lights",
}
"""Display names of the normalised status-light labels."""
CLASS_NAMES = {
    "engine_mil": "engine warning (check engine)", "oil_pressure": "oil pressure", "battery_charge": "battery charging",
    "brake_system": "brake system", "abs": "ABS", "tyre_pressure": "tyre pressure",
    "coolant_temperature": "coolant temperature", "airbag": "airbag", "seat_belt": "seat belt",
    "esp_traction": "stability control (ESP)", "esp_off": "ESP off", "parking_brake": "parking brake",
    "low_fuel": "low fuel", "glow_plug": "glow plugs (diesel pre-heat)", "power_steering": "power steering",
    "brake_pad_wear": "brake pad wear", "door_open": "door open", "high_beam": "main beam",
    "low_beam": "dipped beam", "front_fog": "front fog lamps", "rear_fog": "rear fog lamp",
    "washer_fluid": "washer fluid", "service": "service due",
}
"""Display names of the tell-tale classes (ISO 2575 meanings, our wording)."""
USUAL_COLOURS = {
    "engine_mil": "AMBER", "oil_pressure": "RED", "battery_charge": "RED", "brake_system": "RED", "abs": "AMBER",
    "tyre_pressure": "AMBER", "coolant_temperature": "RED", "airbag": "RED", "seat_belt": "RED",
    "esp_traction": "AMBER", "esp_off": "AMBER", "parking_brake": "RED", "low_fuel": "AMBER", "glow_plug": "AMBER",
    "brake_pad_wear": "AMBER", "door_open": "RED", "high_beam": "BLUE", "low_beam": "GREEN", "front_fog": "GREEN",
    "rear_fog": "AMBER", "washer_fluid": "AMBER", "service": "AMBER",
}
"""The colour each tell-tale usually has (ISO 2575 / UN R121 conventions: red = danger,
amber = warning, green = on, blue = main beam); power steering is red or amber by make."""
_BORDER_MARGIN = {("RED", "AMBER"): 6.0, ("AMBER", "GREEN"): 8.0, ("GREEN", "BLUE"): 10.0}
BORDER_HUES = tuple((pair, HUE_BORDERS[pair] - m, HUE_BORDERS[pair] + m) for pair, m in _BORDER_MARGIN.items())
"""Hue bands (degrees) around the borders of :func:`~diagnostics.vision.blink.colour_name`
where a camera's white balance can tip a light into the next colour: there a named
symbol takes its usual colour when that is one of the two."""


def decide_colour(label: str, measured: str, hue: float) -> str:
    """Colour and symbol together: the measured colour, unless the hue lies in a border band
    (:data:`BORDER_HUES`) between the measured colour and the symbol's usual one
    (:data:`USUAL_COLOURS`), in which case the usual colour.  ``label`` is a classifier label
    (``"oil_pressure"``; ``"unknown"`` keeps the measured colour), ``hue`` in degrees."""
    usual = USUAL_COLOURS.get(label)
    if usual is None or usual == measured:
        return measured
    for pair, lo, hi in BORDER_HUES:
        if {measured, usual} == set(pair) and lo <= hue <= hi:
            return usual
    return measured


# ------------------------------------------------------------------ notation
class LightCode(NamedTuple):
    """A light code taken apart.

    Attributes:
        kind: ``"telltale"`` or ``"led"``.
        label: class (``"OIL_PRESSURE"``, ``"UNKNOWN"``) or status-light label (``"INTERNET"``, ``"ALL"``).
        colour: one of :data:`COLOURS`, ``""`` for a light that is off.
        state: ``"STEADY"``, ``"OFF"``, a blink pattern (``"SLOW"``, ``"FAST"``, ``"3"``), or
            ``""`` for tell-tales.
    """

    kind: str
    label: str
    colour: str
    state: str = ""


def telltale_code(label: str, colour: str) -> str:
    """``TELLTALE:<CLASS>:<COLOUR>`` for a classifier label (``"oil_pressure"``) and a colour name."""
    return f"TELLTALE:{label.upper()}:{colour.upper()}"


def led_code(label: str, colour: str, state: str) -> str:
    """``LED:<LABEL>:<COLOUR>:<STATE>``, or ``LED:<LABEL>:OFF`` when ``state`` is ``"OFF"``."""
    if state.upper() == "OFF":
        return f"LED:{label.upper()}:OFF"
    return f"LED:{label.upper()}:{colour.upper()}:{state.upper()}"


_TT = re.compile(r"^TELLTALE:([A-Z0-9_]+)(?::(RED|AMBER|GREEN|BLUE|WHITE))?$")
_LED = re.compile(r"^LED:([A-Z0-9_]+):(?:(RED|AMBER|GREEN|BLUE|WHITE):([A-Z0-9+]+)|(OFF))$")


def parse_light_code(code: str) -> LightCode | None:
    """Take a tell-tale or status-light code apart (case-insensitive); ``None`` for any other code."""
    c = (code or "").strip().upper()
    m = _TT.match(c)
    if m:
        return LightCode("telltale", m.group(1), m.group(2) or "")
    m = _LED.match(c)
    if m:
        if m.group(4):
            return LightCode("led", m.group(1), "", "OFF")
        return LightCode("led", m.group(1), m.group(2), m.group(3))
    return None


def light_order(code: str, severity: str, confidence: float) -> tuple:
    """Sort key (ascending = most urgent first) of a suggestion: lights before other codes,
    then by colour (:data:`COLOUR_RANK`), then by the entry's severity, then confidence."""
    lc = parse_light_code(code)
    if lc is None:
        return (1, 0, 0, -confidence)
    return (0, -COLOUR_RANK.get(lc.colour, 0), -SEVERITY_RANK.get(severity, 0), -confidence)


_SAFE = re.compile(r"^\s*Safe to drive:\s*(yes|with care|no)\b", re.IGNORECASE)


def safe_to_drive(entry) -> str:
    """``"yes"``, ``"with care"`` or ``"no"`` from a tell-tale entry's ``Safe to drive: ...``
    safety line (see ``knowledge/seed/telltales.yaml``); ``""`` when it has none."""
    for line in getattr(entry, "safety", None) or []:
        m = _SAFE.match(line)
        if m:
            return m.group(1).lower()
    return ""


def light_name(code: str) -> str:
    """Plain name of a light code: ``"oil pressure (red)"``, ``"Internet light: red, steady"``,
    ``"unrecognised amber light"``, ``"all lights off"``."""
    lc = parse_light_code(code)
    if lc is None:
        return code
    col = lc.colour.lower()
    if lc.kind == "telltale":
        if lc.label == "UNKNOWN":
            return f"unrecognised {col} light".replace("  ", " ")
        label = lc.label.lower()
        return CLASS_NAMES.get(label, label.replace("_", " ")) + (f" ({col})" if col else "")
    if lc.label == "ALL":
        return "all lights off"
    name = NAMES.get(lc.label, lc.label.title())
    if lc.state == "OFF":
        return f"{name} light: off"
    return f"{name} light: {col}, {lc.state.lower()}"


def light_key(code: str) -> str:
    """Short key of a light code, as written in an evaluation manifest's ``lights`` column:
    ``TELLTALE:OIL_PRESSURE:RED`` -> ``oil_pressure:red``, ``LED:INTERNET:RED:STEADY`` ->
    ``led:internet:red:steady``, ``LED:LAN:OFF`` -> ``led:lan:off``; ``""`` for other codes."""
    lc = parse_light_code(code)
    if lc is None:
        return ""
    if lc.kind == "telltale":
        return f"{lc.label}:{lc.colour}".lower().rstrip(":")
    if lc.state == "OFF":
        return f"led:{lc.label}:off".lower()
    return f"led:{lc.label}:{lc.colour}:{lc.state}".lower()


def light_class(key: str) -> str:
    """The class a light key is scored under: the tell-tale class (``oil_pressure``,
    ``unknown``) or ``led:<label>`` (``led:internet``, ``led:all``)."""
    parts = key.strip().lower().split(":")
    return ":".join(parts[:2]) if parts[0] == "led" else parts[0]


def led_label(text: str) -> str | None:
    """Normalised status-light label of one printed word (``"Wi-Fi"`` -> ``"WIFI"``,
    ``"Broadband"`` -> ``"DSL"``); ``None`` for other words."""
    k = re.sub(r"[^A-Z0-9]", "", (text or "").upper())
    return LED_LABELS.get(k)


# ------------------------------------------------------------------ results
@dataclass
class Light:
    """One light as a finding.

    Attributes:
        kind: ``"telltale"`` or ``"led"``.
        code: its code (see module doc).
        label: classifier label (``"oil_pressure"``, ``"unknown"``) or normalised status
            label (``"INTERNET"``).
        colour: one of :data:`COLOURS`; ``""`` when off.
        state: ``"lit"``, ``"off"`` (status lights), or a blink pattern.
        bbox: ``(x, y, w, h)`` px of the photo (the label's box for a light that is off).
        confidence: ``[0, 1]``.
        classifier: the classifier's top classes ``[(label, probability)]`` (tell-tales).
        indicator: the detection it came from (``None`` for a light that is off).
        reported: True when it is a finding (a code candidate; several lights of one code
            share one candidate), else shown as evidence only.
    """

    kind: str
    code: str
    label: str
    colour: str
    state: str
    bbox: BBox
    confidence: float
    classifier: list[tuple[str, float]] = field(default_factory=list)
    indicator: LitIndicator | None = None
    reported: bool = True

    @property
    def name(self) -> str:
        """Plain name (:func:`light_name`): ``"oil pressure (red)"``."""
        return light_name(self.code)

    def to_event(self) -> dict:
        """The ``{"kind": "light", ...}`` evidence item (``crop`` is an array, left out of JSON)."""
        ev = {"kind": "light", "type": self.kind, "code": self.code, "label": self.label, "name": self.name,
              "colour": self.colour, "state": self.state, "bbox": [int(v) for v in self.bbox],
              "confidence": round(float(self.confidence), 3), "reported": self.reported,
              "classifier": [[lab, round(float(p), 3)] for lab, p in self.classifier]}
        if self.indicator is not None:
            ev["hue"] = round(self.indicator.hue, 1)
            ev["colour_measured"] = self.indicator.colour
            ev["saturation"] = round(self.indicator.saturation, 3)
            ev["crop"] = self.indicator.crop
        return ev


@dataclass
class LightsResult:
    """What the stage found in one photo: ``candidates`` (findings for the ranking), ``lights``
    (every light, for the evidence), ``notes``, ``seconds`` (wall time of the stage);
    ``label_boxes`` (status-light label words) and ``known_codes`` (match keys of display
    codes the knowledge base knows) serve :meth:`is_label` and :meth:`covers`."""

    candidates: list[CodeCandidate] = field(default_factory=list)
    lights: list[Light] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    label_boxes: list[BBox] = field(default_factory=list)
    known_codes: set[str] = field(default_factory=set)

    def covers(self, c: CodeCandidate) -> bool:
        """True for a code read on a tell-tale that was found (``(ABS)`` read as ``ABS``, a
        symbol read as ``Cu``): the symbol is reported as a light, not as a code.  (Blobs
        on codes the knowledge base knows are never lights, so those are never covered.)"""
        return bool(c.bbox) and match_key(c.code) not in self.known_codes and any(
            lt.kind == "telltale" and lt.reported and _centre_in(c.bbox, lt.bbox) for lt in self.lights)

    def is_label(self, c: CodeCandidate) -> bool:
        """True, on a status-light panel, for a code read from a light's label (``DSL`` read
        as ``0SL``): the label is not an error code."""
        if not self.label_boxes or not c.bbox:
            return False
        return led_label(c.text_as_read) is not None or any(_centre_in(c.bbox, b) for b in self.label_boxes)

    @property
    def events(self) -> list[dict]:
        """One ``{"kind": "light", ...}`` evidence item per light (:meth:`Light.to_event`)."""
        return [lt.to_event() for lt in self.lights]


# ------------------------------------------------------------------ the stage
def dark_fraction(rgb: np.ndarray) -> float:
    """Fraction ``[0, 1]`` of dark pixels (``max(R, G, B) < 80``) on a 320-px copy of ``rgb``
    (``(H, W, 3) uint8``)."""
    h, w = rgb.shape[:2]
    s = 320.0 / max(h, w)
    small = cv2.resize(rgb, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA) if s < 1 else rgb
    return float((small.max(axis=2) < 80).mean())


def _centre_in(box, outer) -> bool:
    cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
    return outer[0] <= cx <= outer[0] + outer[2] and outer[1] <= cy <= outer[1] + outer[3]


def display_boxes(readings: Sequence[DisplayReading], raw: Sequence[TextReading],
                  codes: Sequence[CodeCandidate], known: set[str] = frozenset(),
                  image_area: int = 0) -> tuple[list[BBox], list[BBox]]:
    """Boxes of what the photo stages read as a display, ``(sure, text)``:

    * ``sure``: seven-segment readings of three characters or more, text with three digits
      or more (a clock, an odometer) and codes the knowledge base knows (match keys in
      ``known``): lit blobs inside are digits, never indicators.  A reading of the whole
      photo (a box over a quarter of it) is no display;
    * ``text``: shorter readings and other codes: a lit symbol is often read as one or two
      characters (``E``, ``Cu``, ``88``, the lettering of ``(ABS)``), so a lit blob inside
      is a tell-tale only when the classifier is sure of it.
    """
    def chars(t: str) -> int:
        return sum(ch.isalnum() for ch in t)

    seven = [r for r in list(readings) if r.kind == "seven_segment" and r.confidence >= 0.5]
    seven += [r for r in raw if r.engine == "seven_segment" and r.confidence >= 0.6]
    sure = [tuple(r.bbox) for r in seven if chars(r.text) >= 3]
    sure += [tuple(r.bbox) for r in list(readings) + list(raw) if sum(ch.isdigit() for ch in r.text) >= 3]
    trusted = [c for c in codes if c.bbox and match_key(c.code) in known]
    sure += [tuple(c.bbox) for c in trusted]
    text = [tuple(r.bbox) for r in seven if 1 <= chars(r.text) < 3]
    text += [tuple(r.bbox) for r in list(readings) + list(raw) if sum(ch.isdigit() for ch in r.text) == 2]
    text += [tuple(c.bbox) for c in codes if c.bbox and not any(c is t for t in trusted)]
    if image_area:
        sure = [b for b in sure if b[2] * b[3] <= 0.25 * image_area]
        text = [b for b in text if b[2] * b[3] <= 0.25 * image_area]
    return sure, text


def on_display(ind: LitIndicator, boxes: Sequence[BBox]) -> bool:
    """True when a lit blob's centre lies in one of ``boxes`` (see :func:`display_boxes`)."""
    return any(_centre_in(ind.bbox, b) for b in boxes)


class LightsStage:
    """Finds lit indicators in a photo and turns them into findings.

    Args:
        classifier: ``() -> TelltaleClassifier`` giving the symbol classifier (loaded on
            first use by the caller); may raise :class:`~diagnostics.errors.EngineError`.
        min_score: probability at or above which a classifier label is reported
            (``Settings.telltale_min_score``).
        min_confidence: lights below this confidence are shown as evidence, not reported
            as findings (``Settings.min_code_confidence``).
    """

    def __init__(self, classifier: Callable[[], object], *, min_score: float = 0.5, min_confidence: float = 0.55):
        self._classifier = classifier
        self.min_score = float(min_score)
        self.min_confidence = float(min_confidence)

    def analyse(self, rgb: np.ndarray, *, readings: Sequence[DisplayReading] = (), raw: Sequence[TextReading] = (),
                codes: Sequence[CodeCandidate] = (), held: Sequence[CodeCandidate] = (),
                known: dict[str, set[str]] | None = None, source: str = "") -> LightsResult:
        """Run the stage on one photo.

        Args:
            rgb: ``(H, W, 3) uint8`` RGB, upright (the photo the boxes refer to).
            readings, raw: what the photo stages read (display readings, engine readings
                with their boxes: scene text gives the status-light labels).
            codes: code candidates presented so far (their boxes are displays, and a photo
                whose display showed a code is not an instrument cluster unless it is mostly
                dark).
            held: code candidates held back as unsure (their boxes are displays too).
            known: family -> match keys of the knowledge base (status lights it knows are
                reported; others are shown as evidence only).
            source: file name, for the candidates.

        Returns:
            :class:`LightsResult`; the classifier failing is a note, never an exception.

        Raises:
            ValueError: ``rgb`` is not an ``(H, W, 3) uint8`` image of at least 8 x 8 px.
        """
        t0 = time.perf_counter()
        out = LightsResult()
        inds = find_lit_indicators(rgb)
        labels = _label_words(raw)
        if len({lab for lab, _, _ in labels}) >= 2:
            # printed text on a dark panel is bright too: a light is never inside a word
            text = [r.bbox for r in raw if r.engine in ("rapidocr", "tesseract") and r.text.strip()]
            inds = [i for i in inds if not any(_centre_in(i.bbox, b) for b in text)]
            out.label_boxes = [b for _, b, _ in labels]
            self._status_lights(inds, labels, known or {}, source, out)
        elif inds:
            keys = set().union(*(known or {}).values())
            out.known_codes = {k for k in keys if not k.startswith(("TELLTALE", "LED"))}
            sure, text = display_boxes(readings, raw, list(codes) + list(held), keys, rgb.shape[0] * rgb.shape[1])
            # a display code the knowledge base knows: the photo is of that display (its digits
            # and their glow are lit blobs too), not of an instrument cluster
            if not any(match_key(c.code) in out.known_codes for c in codes):
                self._telltales(rgb, [i for i in inds if not on_display(i, sure)], text, bool(codes), source, out)
        out.seconds = time.perf_counter() - t0
        return out

    # -------------------------------------------------------------- tell-tales
    def _telltales(self, rgb, inds: list[LitIndicator], text: list[BBox], has_codes: bool, source: str,
                   out: LightsResult) -> None:
        free = inds[:MAX_CLASSIFIED]
        if not free:
            return
        display = [on_display(i, text) for i in free]
        dark = dark_fraction(rgb) >= DARK_SCENE_FRACTION
        if not dark and has_codes:
            return  # a display that showed a code: a photo of an appliance or a screen
        try:
            preds = list(self._classifier().classify([i.crop for i in free]))
        except EngineError as exc:
            out.notes.append(f"Tell-tale symbols were not named: {exc.user_message}")
            preds = [None] * len(free)
        strong = any(p is not None and p.label != UNKNOWN and p.score >= STRONG_SCORE
                     and max(i.bbox[2], i.bbox[3]) >= MIN_NAMED_PX for i, p in zip(free, preds))
        if not (dark or strong):
            return
        best: dict[str, Light] = {}
        for ind, p, disp in zip(free, preds, display):
            top = [(str(a), float(b)) for a, b in (p.top if p is not None else ())]
            if max(ind.bbox[2], ind.bbox[3]) < MIN_NAMED_PX:
                p = None  # too small to name
            if disp and (p is None or p.label == UNKNOWN or p.score < STRONG_SCORE):
                continue  # letters read as a code, not a symbol the classifier is sure of
            colour = ind.colour
            if p is not None and p.label != UNKNOWN and p.score >= self.min_score and \
                    (ind.colour != "WHITE" or (dark and p.score >= STRONG_SCORE)):
                label, conf = p.label, float(p.score)
                colour = decide_colour(label, ind.colour, ind.hue)
            elif ind.colour != "WHITE" and ind.saturation >= UNKNOWN_MIN_SATURATION and ind.surround < UNKNOWN_MAX_SURROUND:
                label = UNKNOWN
                # how sure we are that a lit, coloured symbol is there (not what it is)
                conf = 0.6 + 0.3 * min(1.0, ind.contrast / 150.0)
            else:
                continue
            lt = Light("telltale", telltale_code(label, colour), label, colour, "lit", ind.bbox,
                       round(min(0.99, conf), 3), top, ind)
            out.lights.append(lt)
            prev = best.get(lt.code)
            if prev is None or lt.confidence > prev.confidence:
                best[lt.code] = lt
        # one finding per code (two unrecognised red lights are one finding with two boxes); a
        # light is reported when its code's finding is confident enough
        for lt in out.lights:
            lt.reported = best[lt.code].confidence >= self.min_confidence
        for lt in best.values():
            if lt.reported:
                out.candidates.append(self._candidate(lt, FAMILY_TELLTALE, source, ("lit-indicator", "telltale-classifier")))
        out.lights.sort(key=lambda lt: (not lt.reported, -COLOUR_RANK.get(lt.colour, 0), -lt.confidence))

    # -------------------------------------------------------------- status lights
    def _status_lights(self, inds, labels, known, source, out: LightsResult) -> None:
        family = FAMILY_APPLIANCE if any(lab in BOILER_LABELS for lab, _, _ in labels) else FAMILY_ROUTER
        keys = known.get(family, set())
        pairs = _assign(inds, labels)
        lights: list[Light] = []
        for (lab, box, conf), ind in pairs:
            if ind is None:
                lights.append(Light("led", led_code(lab, "", "OFF"), lab, "", "off", box, round(0.5 + 0.3 * conf, 3)))
            else:
                lights.append(Light("led", led_code(lab, ind.colour, "STEADY"), lab, ind.colour, "lit", ind.bbox,
                                    round(min(0.95, 0.6 + 0.35 * conf), 3), [], ind))
        if lights and all(lt.state == "off" for lt in lights):
            xs = [lt.bbox for lt in lights]
            x0, y0 = min(b[0] for b in xs), min(b[1] for b in xs)
            x1, y1 = max(b[0] + b[2] for b in xs), max(b[1] + b[3] for b in xs)
            for lt in lights:
                lt.reported = False
            allof = Light("led", "LED:ALL:OFF", "ALL", "", "off", (x0, y0, x1 - x0, y1 - y0),
                          round(min(0.9, 0.45 + 0.1 * len(lights)), 3))
            lights.insert(0, allof)
        power = next((lt for lt in lights if lt.label == "POWER"), None)
        powered = power is None or (power.state == "lit" and power.colour in ("GREEN", "WHITE", "BLUE"))
        for lt in lights:
            if not lt.reported:
                continue
            # a status light the knowledge base knows, or a red/amber one, is a finding;
            # a green/white/blue one or an off one that it does not know is evidence only;
            # with the power light off or red, the other lights being off follows from it
            lt.reported = (match_key(lt.code) in keys or lt.colour in ("RED", "AMBER")) and lt.confidence >= self.min_confidence
            if lt.state == "off" and lt.label != "ALL" and not powered:
                lt.reported = False
            if lt.reported:
                out.candidates.append(self._candidate(lt, family, source, ("lit-indicator", "label-ocr")))
        out.lights = sorted(lights, key=lambda lt: (not lt.reported, -COLOUR_RANK.get(lt.colour, 0), lt.bbox[0]))
        out.notes.append("Status lights read from one photo: a photo cannot show blinking; ask for a short video "
                         "if a light may be flashing.")

    def _candidate(self, lt: Light, family: str, source: str, engines: tuple[str, ...]) -> CodeCandidate:
        return CodeCandidate(text_as_read=lt.name, code=lt.code, family=family, engines=engines,
                             confidence=lt.confidence, bbox=tuple(int(v) for v in lt.bbox), source=source)


def _label_words(raw: Sequence[TextReading]) -> list[tuple[str, BBox, float]]:
    """``(label, box, confidence)`` of every status-light word in the text read (one line may
    hold several words: each word's box is cut from the line's box by character position).
    A line that is mostly other words (a model name such as ``NETVIA DSL 5``) gives none."""
    out: list[tuple[str, BBox, float]] = []
    seen: list[tuple[str, BBox]] = []
    for r in raw:
        if r.engine not in ("rapidocr", "tesseract") or not r.text.strip():
            continue
        text = r.text
        x, y, w, h = r.bbox
        n = max(1, len(text))
        words = re.findall(r"\S+", text)
        if 2 * sum(1 for wd in words if led_label(wd)) < len(words):
            continue
        for m in re.finditer(r"\S+", text):
            lab = led_label(m.group(0))
            if lab is None:
                continue
            bx = int(x + w * m.start() / n)
            bw = max(1, int(w * (m.end() - m.start()) / n))
            box = (bx, int(y), bw, int(h))
            if any(lab == s and _centre_in(box, sb) for s, sb in seen):
                continue  # the same word read twice (two engines, overlapping regions)
            seen.append((lab, box))
            out.append((lab, box, float(r.confidence)))
    return out


def _assign(inds: list[LitIndicator], labels: list[tuple[str, BBox, float]]):
    """Pair each label with the lit blob next to it: all labels on the same side of their
    lights (above, below or right of them), nearest first, each blob used once.  Returns
    ``[((label, box, conf), LitIndicator | None)]`` in the labels' order."""
    def offsets(lbox, ind):
        lx, ly, lw, lh = lbox
        cx, cy = ind.bbox[0] + ind.bbox[2] / 2, ind.bbox[1] + ind.bbox[3] / 2
        lcx, lcy = lx + lw / 2, ly + lh / 2
        size = max(ind.bbox[2], ind.bbox[3])
        if size > 4 * lh:
            return {}
        out = {}
        reach = 4.0 * lh + size
        if abs(cx - lcx) <= lw / 2 + lh:
            if 0 < ly - cy <= reach:
                out["above"] = ly - cy
            if 0 < cy - (ly + lh) <= reach:
                out["below"] = cy - (ly + lh)
        if abs(cy - lcy) <= 1.2 * lh and 0 < lx - cx <= reach:
            out["left"] = lx - cx
        return out

    best_side, best_n = None, 0
    for side in ("above", "left", "below"):
        n = sum(1 for lab in labels if any(side in offsets(lab[1], i) for i in inds))
        if n > best_n:
            best_side, best_n = side, n
    pairs = []
    if best_side is not None:
        for li, lab in enumerate(labels):
            for ii, ind in enumerate(inds):
                d = offsets(lab[1], ind).get(best_side)
                if d is not None:
                    pairs.append((d / max(1, lab[1][3]), li, ii))
    pairs.sort()
    got: dict[int, LitIndicator] = {}
    used: set[int] = set()
    for _, li, ii in pairs:
        if li in got or ii in used:
            continue
        got[li] = inds[ii]
        used.add(ii)
    return [(lab, got.get(li)) for li, lab in enumerate(labels)]


def label_blinking_lights(candidates: list[CodeCandidate], frames: Sequence, known: dict[str, set[str]]) -> list[str]:
    """Name a video's blink codes by the printed label next to each light.

    A ``BLINK:<COLOUR>:<PATTERN>`` candidate whose light has a status-light word next to it
    in a key frame's text becomes ``LED:<LABEL>:<COLOUR>:<PATTERN>`` when the knowledge
    base knows that code (the blink code is kept in ``repairs``); otherwise it is left as
    it is.  Changed in place.

    Args:
        candidates: the video's presented candidates.
        frames: :class:`diagnostics.schema.MediaResult` of the key frames (their
            ``raw_readings`` and ``size``), boxes in the same pixels as the candidates.
        known: family -> match keys of the knowledge base.

    Returns:
        Notes for the agent (one per light renamed).
    """
    notes: list[str] = []
    words = [w for f in frames for w in _label_words(getattr(f, "raw_readings", []) or [])]
    if len({lab for lab, _, _ in words}) < 2:
        return notes
    family = FAMILY_APPLIANCE if any(lab in BOILER_LABELS for lab, _, _ in words) else FAMILY_ROUTER
    keys = known.get(family, set())
    for c in candidates:
        if not c.code.startswith("BLINK:") or not c.bbox:
            continue
        parts = c.code.split(":")
        if len(parts) != 3:
            continue
        fake = LitIndicator(bbox=tuple(c.bbox), colour=parts[1], hue=0.0, saturation=0.0, value=0.0, contrast=0.0,
                            surround=0.0, fill=1.0)
        pairs = [(lab, ind) for lab, ind in _assign([fake], words) if ind is not None]
        if not pairs:
            continue
        (lab, _, _), _ = pairs[0]
        code = led_code(lab, parts[1], parts[2])
        if match_key(code) not in keys:
            continue
        c.repairs.append(f"light labelled '{NAMES.get(lab, lab)}': {c.code} read as {code}")
        c.code, c.family = code, family
        notes.append(f"The {parts[1].lower()} light in the video is the {NAMES.get(lab, lab)} light ({code}).")
    return notes
