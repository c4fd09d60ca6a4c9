"""Adapter: our seven-segment reader as a :class:`~diagnostics.engines.base.ReadingEngine`."""

from __future__ import annotations

import numpy as np

from ..errors import EngineError
from ..schema import TextReading
from ..vision.seven_segment import SevenSegmentInputError, read_seven_segment


class SevenSegmentEngine:
    """Reads LCD/LED seven-segment fields with :func:`read_seven_segment`.

    Attributes:
        name: ``"seven_segment"``.
        min_confidence: fields below this confidence (``[0, 1]``) are not returned.
    """

    name = "seven_segment"

    def __init__(self, min_confidence: float = 0.05) -> None:
        self.min_confidence = float(min_confidence)

    def read(self, rgb: np.ndarray) -> list[TextReading]:
        """Read a display crop.

        Args:
            rgb: ``(H, W, 3) uint8`` RGB crop.

        Returns:
            One :class:`TextReading` per field (``engine="seven_segment"``, ``polarity``
            set, ``bbox`` in crop pixels); empty when no seven-segment text is found.

        Raises:
            EngineError: the crop is not a ``(H, W, 3) uint8`` array, or the reader
                failed unexpectedly.
        """
        try:
            fields = read_seven_segment(rgb, min_confidence=self.min_confidence)
        except SevenSegmentInputError as exc:
            raise EngineError("The seven-segment reader was given an unusable crop.", detail=exc.detail) from exc
        except (ValueError, IndexError, ArithmeticError) as exc:  # defensive: never crash the pipeline
            raise EngineError("The seven-segment reader failed on this crop.", detail=repr(exc)) from exc
        return [TextReading(text=f.text, confidence=f.confidence, engine=self.name, bbox=f.bbox,
                            polarity=f.polarity) for f in fields]
