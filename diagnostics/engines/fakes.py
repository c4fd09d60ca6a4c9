"""Engine stand-ins for tests: a scripted reader and one that always crashes.

They satisfy :class:`~diagnostics.engines.base.ReadingEngine`, so pipeline tests can
check how readings are combined and how failures degrade, without loading models.
"""

from __future__ import annotations

import numpy as np

from ..errors import EngineError
from ..schema import TextReading


class ScriptedEngine:
    """Returns the given readings for every crop (boxes clipped to the crop)."""

    def __init__(self, name: str, readings: list[tuple[str, float]]):
        self.name = name
        self._readings = readings

    def read(self, rgb: np.ndarray) -> list[TextReading]:
        h, w = rgb.shape[:2]
        return [TextReading(t, c, self.name, (0, 0, w, h)) for t, c in self._readings]


class CrashingEngine:
    """Raises :class:`EngineError` on every call (tests the soft-failure path)."""

    def __init__(self, name: str = "crashing"):
        self.name = name

    def read(self, rgb: np.ndarray) -> list[TextReading]:
        raise EngineError("This engine always fails (test double).")


class FakeTelltaleClassifier:
    """A :class:`~diagnostics.engines.telltale_classifier.TelltaleClassifier` stand-in.

    Returns the scripted labels in turn (cycling), each with ``score``; ``"unknown"`` and
    the 23 tell-tale class names are allowed. Records how many crops it was given.
    """

    def __init__(self, labels: list[str], score: float = 0.97):
        from .telltale_classifier import CLASSES

        bad = [x for x in labels if x not in CLASSES]
        if bad or not labels:
            raise ValueError(f"FakeTelltaleClassifier: unknown labels {bad}")
        self.labels = tuple(CLASSES)
        self._script = list(labels)
        self._score = float(score)
        self.calls = 0
        self.crops_seen = 0

    def classify(self, crops):
        from .telltale_classifier import SymbolPrediction, check_crop

        out = []
        for c in crops:
            check_crop(c)
            lab = self._script[self.crops_seen % len(self._script)]
            self.crops_seen += 1
            out.append(SymbolPrediction(lab, self._score, ((lab, self._score),)))
        self.calls += 1
        return out
