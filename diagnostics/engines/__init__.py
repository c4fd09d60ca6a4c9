"""Reading engines behind one interface (:class:`~diagnostics.engines.base.ReadingEngine`).

:func:`build_engines` is the factory: it loads each engine named in the settings once;
an engine that cannot load is reported (soft failure) and the others carry on.
"""

from __future__ import annotations

from ..errors import EngineError
from .base import ReadingEngine


def build_engine(name: str) -> ReadingEngine:
    """Load one engine by name: ``"seven_segment"``, ``"rapidocr"`` or ``"tesseract"``.

    Raises:
        EngineError: unknown name or the engine cannot load.
    """
    if name == "seven_segment":
        from .seven_segment import SevenSegmentEngine

        return SevenSegmentEngine()
    if name == "rapidocr":
        from .rapidocr_engine import RapidOCREngine

        return RapidOCREngine()
    if name == "tesseract":
        from .tesseract import TesseractEngine

        return TesseractEngine()
    raise EngineError(f"Unknown reading engine '{name}'.")


def build_engines(names: tuple[str, ...]) -> tuple[dict[str, ReadingEngine], list[str]]:
    """Load the engines named in ``names``.

    Returns:
        ``(engines by name, notes)``; each engine that failed to load adds a note
        instead of raising, so the pipeline degrades rather than stops.
    """
    engines: dict[str, ReadingEngine] = {}
    notes: list[str] = []
    for name in names:
        try:
            engines[name] = build_engine(name)
        except EngineError as exc:
            notes.append(f"{name} unavailable: {exc.user_message}")
    return engines, notes
