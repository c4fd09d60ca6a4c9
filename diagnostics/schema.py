"""The result types that flow through the pipeline (media in, evidence, codes, suggestions).

Coordinates: every ``BBox`` is ``(x, y, w, h)`` in integer pixels of the upright
image that was analysed (EXIF orientation applied), i.e. ``MediaResult.image``.  This
equals the original file's pixels except for images over 40 MP, which ingest decodes
downscaled (``MediaResult.notes`` says so).
Confidences are floats in ``[0, 1]``.  All types are plain dataclasses and export
themselves with ``to_dict()`` (JSON-safe).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

BBox = tuple[int, int, int, int]
"""(x, y, w, h), integer pixels in the upright original image."""

# Code families (see diagnostics.extract.grammars for the grammar of each).
FAMILY_APPLIANCE = "appliance"
FAMILY_PRINTER = "printer"
FAMILY_OBD2 = "obd2"  # SAE J2012 diagnostic trouble codes
FAMILY_WINDOWS = "windows_stop"  # Windows bug check (stop) codes
FAMILY_ROUTER = "router"  # connection error codes, and router/modem status lights (LED:<LABEL>:<COLOUR>:<STATE>)
FAMILY_TELLTALE = "telltale"  # car tell-tales (ISO 2575 symbols): TELLTALE:<CLASS>:<COLOUR>, see diagnostics.telltales
FAMILIES = (FAMILY_APPLIANCE, FAMILY_PRINTER, FAMILY_OBD2, FAMILY_WINDOWS, FAMILY_ROUTER, FAMILY_TELLTALE)


@dataclass
class DecodedImage:
    """One decoded still image.

    Attributes:
        rgb: ``(H, W, 3) uint8`` RGB pixels, upright (EXIF orientation applied),
            metadata dropped.
        format: detected container format (``"JPEG"``, ``"PNG"``, ``"HEIF"``, ...).
        name: file name as uploaded (may be empty).
        original_size: ``(width, height)`` in pixels, upright.
        frame_index: for animated formats, which frame was taken (else 0).
        n_frames: number of frames in the file (1 for stills).
    """

    rgb: np.ndarray
    format: str
    name: str = ""
    original_size: tuple[int, int] = (0, 0)
    frame_index: int = 0
    n_frames: int = 1

    @property
    def height(self) -> int:
        return int(self.rgb.shape[0])

    @property
    def width(self) -> int:
        return int(self.rgb.shape[1])


@dataclass
class TextReading:
    """One line of text read by one engine from one region.

    Attributes:
        text: the text exactly as the engine returned it (``"E21"``, ``"12:45"``, ``"256.01"``).
        confidence: engine confidence in ``[0, 1]``.
        engine: engine name (``"seven_segment"``, ``"tesseract"``, ``"rapidocr"``).
        bbox: where it was read, original image pixels.
        region_id: index of the display/text region it came from (``None`` if whole image).
        polarity: ``"light_on_dark"`` or ``"dark_on_light"`` when the reader decided it.
    """

    text: str
    confidence: float
    engine: str
    bbox: BBox
    region_id: int | None = None
    polarity: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


@dataclass
class DisplayReading:
    """A reading of one display field after combining engines (what a finding shows,
    e.g. ``256.01`` or ``12:45`` even when it is not an error code).

    Attributes:
        text: combined text.
        confidence: combined confidence, ``[0, 1]``.
        engines: engines that agreed on this text.
        bbox: original image pixels.
        kind: ``"seven_segment"`` or ``"text"``.
        alternatives: other texts engines proposed for the same field, with confidences.
    """

    text: str
    confidence: float
    engines: tuple[str, ...]
    bbox: BBox
    kind: str = "text"
    alternatives: list[tuple[str, float, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


@dataclass
class CodeCandidate:
    """An error code taken from a reading.

    Attributes:
        text_as_read: the characters as the engine read them (``"SE"``).
        code: the normalised code in its canonical display form (``"5E"``, ``"F.28"``,
            ``"50.4"``, ``"P0420"``, ``"0x000000EF"``, ``"CRITICAL_PROCESS_DIED"``);
            see :mod:`diagnostics.extract`.
        family: one of :data:`FAMILIES`.
        engines: engines whose readings support it.
        confidence: ``[0, 1]``.
        bbox: original image pixels (``None`` for codes from typed text).
        repairs: human-readable notes of look-alike repairs (``"S read as 5 (SE -> 5E)"``).
        source: media name it came from.
        in_knowledge_base: filled by the ranking stage.
    """

    text_as_read: str
    code: str
    family: str
    engines: tuple[str, ...]
    confidence: float
    bbox: BBox | None = None
    repairs: list[str] = field(default_factory=list)
    source: str = ""
    in_knowledge_base: bool = False

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


@dataclass
class QualityReport:
    """Photo quality gate result.

    Attributes:
        sharpness: variance of the Laplacian on the region of interest (higher = sharper).
        glare_fraction: fraction ``[0, 1]`` of region pixels that are clipped highlights.
        mean_brightness: mean luma ``[0, 255]``.
        text_height_px: estimated character height of the best region, pixels (0 if none).
        issues: machine tags, any of ``"blur"``, ``"glare"``, ``"too_small"``,
            ``"overexposed"``, ``"underexposed"``, ``"no_display"``.
        retake_hint: sentence for the customer, empty when the photo is fine.
    """

    sharpness: float = 0.0
    glare_fraction: float = 0.0
    mean_brightness: float = 0.0
    text_height_px: float = 0.0
    issues: list[str] = field(default_factory=list)
    retake_hint: str = ""

    @property
    def ok(self) -> bool:
        return not self.issues

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


@dataclass
class KBEntry:
    """A knowledge-base entry, detached from the database session.

    Text fields are our own words.  ``verified`` is False for entries not checked
    against a manufacturer's manual (``source`` says where the fact came from).
    """

    id: int
    code: str
    family: str
    title: str
    meaning: str
    aliases: list[str] = field(default_factory=list)
    brand: str = ""
    appliance: str = ""  # washer, dishwasher, boiler, printer, router, car, windows ...
    model_scope: str = ""
    causes: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    safety: list[str] = field(default_factory=list)
    severity: str = "medium"  # low | medium | high | critical
    technician: bool = False
    reply_en: str = ""
    reply_es: str = ""
    source: str = ""
    verified: bool = False
    version: int = 1

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


@dataclass
class Suggestion:
    """A ranked fix for the agent.

    Attributes:
        entry: the knowledge-base entry suggested.
        confidence: ``[0, 1]`` combining reading confidence and match quality.
        reasons: sentences saying why (``"E21 read by seven_segment at 0.94; matches
            Samsung washer alias"``).
        candidate: the code candidate it answers.
        deciding_detail: when the same code exists in several scopes, what would decide
            (``"a photo of the model label"``); else empty.
    """

    entry: KBEntry
    confidence: float
    reasons: list[str]
    candidate: CodeCandidate
    deciding_detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


@dataclass
class MediaResult:
    """What one file gave.

    Attributes:
        name: file name.
        kind: ``"image"``, ``"video"`` or ``"audio"``.
        size: ``(width, height)`` of the upright image, pixels.
        readings: every display reading (codes or not).
        raw_readings: every engine reading before combination (for evidence/debug).
        candidates: code candidates presented as findings (confident enough).
        rejected: candidates held back (too unsure) — never shown as findings.
        quality: the quality gate result.
        notes: soft failures and remarks (engine missing, downscaled, ...).
        seconds: wall time for this file.
        error: user message if the file could not be analysed at all (then ``hint`` too).
        image: the upright ``(H, W, 3) uint8`` RGB image that was analysed, kept so the
            panel can draw evidence without decoding again; not exported.
        duration_s: length of a video or audio file, seconds (0 for photos).
        transcript: speech-to-text of a voice note or a video's audio track.
        timeline: what was seen or heard when, as dicts ``{"start_s", "end_s", "what",
            "source"}`` (video frames, spoken codes, beep groups, LED states).
        events: other evidence items as dicts (``{"kind": "beeps" | "blink" | ..., ...}``).
        key_frames: ``[(t_s, (h, w, 3) uint8 RGB)]`` frames a video's findings came from; not
            exported.
        waveform: ``(N,) float32`` mono 16 kHz audio for plotting; not exported.
    """

    name: str
    kind: str = "image"
    size: tuple[int, int] = (0, 0)
    readings: list[DisplayReading] = field(default_factory=list)
    raw_readings: list[TextReading] = field(default_factory=list)
    candidates: list[CodeCandidate] = field(default_factory=list)
    rejected: list[CodeCandidate] = field(default_factory=list)
    quality: QualityReport = field(default_factory=QualityReport)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""
    hint: str = ""
    image: np.ndarray | None = field(default=None, repr=False, compare=False)
    duration_s: float = 0.0
    transcript: str = ""
    timeline: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    key_frames: list = field(default_factory=list, repr=False, compare=False)
    waveform: np.ndarray | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k not in ("image", "key_frames", "waveform")}
        return _jsonable({k: (asdict(v) if hasattr(v, "__dataclass_fields__") else
                              [asdict(x) if hasattr(x, "__dataclass_fields__") else x for x in v] if isinstance(v, list) else v)
                          for k, v in d.items()})


@dataclass
class Diagnosis:
    """The whole answer for one case (one or several files).

    Attributes:
        media: one :class:`MediaResult` per file, in upload order.
        suggestions: ranked, best first.
        unmapped: confident codes not in the knowledge base ("not in the knowledge base").
        ask_customer: what to ask for when nothing usable was found (else empty).
        reply: a draft reply for the customer (English).
    """

    media: list[MediaResult] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    unmapped: list[CodeCandidate] = field(default_factory=list)
    ask_customer: str = ""
    reply: str = ""

    @property
    def codes(self) -> list[str]:
        """Distinct normalised codes presented as findings, in order of confidence."""
        seen: dict[str, float] = {}
        for m in self.media:
            for c in m.candidates:
                seen[c.code] = max(seen.get(c.code, 0.0), c.confidence)
        return sorted(seen, key=lambda k: -seen[k])

    def to_dict(self) -> dict[str, Any]:
        d = {
            "media": [m.to_dict() for m in self.media],
            "suggestions": [s.to_dict() for s in self.suggestions],
            "unmapped": [c.to_dict() for c in self.unmapped],
            "ask_customer": self.ask_customer,
            "reply": self.reply,
            "codes": self.codes,
        }
        return d


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items() if not isinstance(v, np.ndarray)}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (np.floating,)):
        return float(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    return obj
