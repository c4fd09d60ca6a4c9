"""The reading-engine interface.

Every OCR engine (Tesseract, PP-OCR via RapidOCR, our seven-segment reader) is a
:class:`ReadingEngine`: it takes one crop and returns the lines it read, with boxes
relative to that crop.  The pipeline shifts boxes back to original coordinates.
Engines are built by :func:`diagnostics.engines.build_engines` so tests can swap in
fakes (:mod:`diagnostics.engines.fakes`).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from ..schema import TextReading


@runtime_checkable
class ReadingEngine(Protocol):
    """Reads text from an image crop.

    ``name`` is the engine's short name as it appears in evidence.
    """

    name: str

    def read(self, rgb: np.ndarray) -> list[TextReading]:
        """Read the crop.

        Args:
            rgb: ``(H, W, 3) uint8`` RGB crop (a rectified display region or a whole
                downscaled photo).

        Returns:
            One :class:`TextReading` per line/field, ``bbox`` in *crop* pixels,
            ``confidence`` in ``[0, 1]``; empty list when nothing was read.

        Raises:
            diagnostics.errors.EngineError: the engine is unavailable or crashed.
        """
        ...
