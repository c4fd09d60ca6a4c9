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
TOKENS: dict[str, str] = {}
"""role -> live session token of the test database (filled by conftest's ``_isolated_env``)."""


def signed_in_app(role: str | None = "agent", timeout: float = 30):
    """An AppTest of the panel with ``role``'s session token in its session state (not run
    yet); ``role=None``: nobody signed in."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=timeout)
    if role is not None:
        at.session_state["tt_auth_token"] = TOKENS[role]
    return at


def texts(at) -> str:
    """Everything an AppTest shows as markdown, alerts, captions, plain text, code and
    expander labels, joined, with markdown escapes removed."""
    parts = [e.value for kind in ("markdown", "success", "info", "warning", "error", "caption", "text", "code")
             for e in getattr(at, kind)]
    parts += [e.label for e in at.expander]
    return "\n".join(str(p) for p in parts).replace("\\", "")


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


# --------------------------------------------------------------------------- videos and voice notes

MP4_BYTES = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(200)
"""Starts like an MP4 (the fake backend and the player only look at the header)."""


def fake_video_diagnosis(name: str = "clip.mp4") -> Diagnosis:
    """A 6 s video: '4C' at 0.3 s then '5E' at 4.0 s, a red light blinking 3 times,
    two key frames, a beep in the sound track."""
    img = np.full((360, 640, 3), 30, np.uint8)
    thumb = np.full((90, 160, 3), 60, np.uint8)
    c5e = CodeCandidate("5E", "5E", "appliance", ("seven_segment",), 0.97, bbox=(200, 100, 160, 90),
                        source=f"{name} @ 4.0 s (2 of 3 frames)")
    c4c = CodeCandidate("4C", "4C", "appliance", ("seven_segment",), 0.81, bbox=(200, 100, 160, 90),
                        source=f"{name} @ 0.3 s")
    blink = {"kind": "blink", "code": "BLINK:RED:3", "colour": "RED", "pattern": "groups", "count": 3,
             "bbox": [120, 40, 8, 8], "frame_size": [320, 180], "t_start": 0.0, "t_end": 6.0,
             "timeline": [[0.0, 0.3, "on"], [0.3, 0.6, "off"], [0.6, 0.9, "on"]],
             "description": "red light: 3 flashes, pause, repeating (seen 2 times)", "confidence": 0.8}
    wave = (0.4 * np.sin(np.linspace(0, 2000, 16000 * 6))).astype(np.float32)
    beeps = {"kind": "beeps", "beeps": [{"start_s": 5.0, "end_s": 5.2, "freq_hz": 2000.0, "level_dbfs": -9.0,
                                         "kind": "S"}], "groups": [[0]], "notations": ["1S"],
             "description": "1 short beep", "codes": [], "confidence": 0.7}
    media = MediaResult(
        name=name, kind="video", size=(640, 360), candidates=[c5e, c4c], seconds=3.2, image=img,
        readings=[DisplayReading("5E", 0.97, ("seven_segment",), (200, 100, 160, 90), "seven_segment")],
        duration_s=6.0, key_frames=[(0.3, thumb), (4.0, thumb.copy())], waveform=wave,
        timeline=[{"start_s": 0.0, "end_s": 2.5, "what": "4C", "source": "video"},
                  {"start_s": 3.1, "end_s": 5.6, "what": "5E", "source": "video"},
                  {"start_s": 5.0, "end_s": 5.2, "what": "1 beep", "source": "beeps"}],
        events=[blink, beeps, {"kind": "speech", "engine": "whisper-tiny.en", "speech_detected": False,
                               "reason": "no speech detected (no voice in the recording)", "elapsed_s": 0.5}],
    )
    sug = Suggestion(entry=washer_entry(code="5E", title="Drain error"), confidence=0.9,
                     reasons=["5E read on 2 of 3 frames"], candidate=c5e)
    return Diagnosis(media=[media], suggestions=[sug], reply="Hello, your washer shows 5E.")


def fake_voice_diagnosis(name: str = "note.opus", transcript: str = "My washer shows E twenty-one and won't drain.",
                         speech: bool = True) -> Diagnosis:
    """A 5 s voice note; with ``speech`` the code "E twenty-one" was heard at 2.0-2.7 s."""
    wave = (0.2 * np.sin(np.linspace(0, 3000, 16000 * 5))).astype(np.float32)
    if not speech:
        media = MediaResult(name=name, kind="audio", duration_s=5.0, waveform=wave, seconds=0.2,
                            events=[{"kind": "speech", "engine": "whisper-tiny.en", "speech_detected": False,
                                     "reason": "no speech detected (only noise)", "elapsed_s": 0.1}])
        return Diagnosis(media=[media], ask_customer="Please tell us the code on the display.", reply="Hello.")
    cand = CodeCandidate("E twenty-one", "E21", "appliance", ("whisper-tiny.en",), 0.6,
                         source=f"{name} 2.0-2.7 s: “E twenty-one”")
    media = MediaResult(name=name, kind="audio", duration_s=5.0, waveform=wave, seconds=0.9, transcript=transcript,
                        candidates=[cand],
                        timeline=[{"start_s": 2.0, "end_s": 2.7, "what": "said “E twenty-one” → E21",
                                   "source": "speech"}],
                        events=[{"kind": "speech", "engine": "whisper-tiny.en", "speech_detected": True, "reason": "",
                                 "elapsed_s": 0.8}, {"kind": "symptoms", "text": "won't drain"}])
    sug = Suggestion(entry=washer_entry(), confidence=0.6, reasons=["E21 heard at 2.0 s"], candidate=cand)
    return Diagnosis(media=[media], suggestions=[sug], reply="Hello, your washer shows E21.")
