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
