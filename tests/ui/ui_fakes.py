"""Hand-built results and a fake knowledge base for the panel tests (no engines run)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from diagnostics.schema import (  # noqa: E402
    CodeCandidate,
    Diagnosis,
    DisplayReading,
    KBEntry,
    MediaResult,
    QualityReport,
    Suggestion,
)

APP = str(REPO / "app.py")


def washer_entry(**kw) -> KBEntry:
    base = dict(
        id=1, code="E21", family="appliance", title="Water does not drain",
        meaning="The washer could not pump the water out in time.",
        brand="Acme", appliance="washer", model_scope="front loaders 2015+",
        causes=["blocked drain filter", "kinked hose"],
        steps=["Switch the washer off and unplug it.", "Empty and clean the drain filter.", "Run a spin cycle."],
        safety=["Water in the drum may be hot: let it cool first."],
        severity="medium", technician=False, source="our notes from public service pages", verified=False,
    )
    base.update(kw)
    return KBEntry(**base)


def fake_diagnosis(name: str = "washer.png", code: str = "E21") -> Diagnosis:
    """A plausible result for one photo with one code, one non-code reading and one suggestion."""
    img = np.full((240, 320, 3), 40, np.uint8)
    cand = CodeCandidate(text_as_read=code, code=code, family="appliance", engines=("seven_segment", "rapidocr"),
                         confidence=0.94, bbox=(40, 60, 120, 70), source=name)
    readings = [
        DisplayReading(code, 0.94, ("seven_segment", "rapidocr"), (40, 60, 120, 70), "seven_segment"),
        DisplayReading("12:45", 0.88, ("rapidocr",), (200, 60, 90, 40), "seven_segment"),
    ]
    media = MediaResult(name=name, size=(320, 240), readings=readings, candidates=[cand],
                        quality=QualityReport(sharpness=120.0), seconds=0.4, image=img)
    sug = Suggestion(entry=washer_entry(code=code), confidence=0.87,
                     reasons=[f"{code} read by seven_segment and rapidocr at 0.94"], candidate=cand,
                     deciding_detail="the brand on the washer's door label")
    return Diagnosis(media=[media], suggestions=[sug], reply=f"Hello, your washer shows {code}.")


def failed_diagnosis(name: str = "noise.bin") -> Diagnosis:
    media = MediaResult(name=name, error="This file type is not supported.",
                        hint="Please ask the customer to send a photo (JPEG, PNG, HEIC or WebP).")
    return Diagnosis(media=[media], ask_customer="Please send a clear photo of the display.",
                     reply="Hello, we could not open the file you sent.")


@dataclass
class FakeRow:
    path: Path
    expected: str
    extra: dict = field(default_factory=dict)


class FakeKB:
    def __init__(self):
        self.entries = [washer_entry(), washer_entry(id=2, code="F.28", family="appliance", title="Boiler did not light",
                                                     brand="Vaillant", appliance="boiler", model_scope="", technician=True,
                                                     severity="high")]

    def count(self):
        return len(self.entries)

    def all_entries(self, family=None):
        return [e for e in self.entries if family in (None, e.family)]

    def search_text(self, query):
        q = query.lower()
        return [e for e in self.entries if q in (e.code + " " + e.title + " " + e.meaning).lower()]

    def list_unmapped(self):
        return [{"code": "E99", "family": "appliance", "count": 3, "first_seen": "2026-11-01",
                 "last_seen": "2026-11-28", "text_as_read": "E99", "source": "photo.jpg"}]
