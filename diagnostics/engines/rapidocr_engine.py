"""PP-OCR (PaddleOCR's detection + recognition models, ONNX) through RapidOCR.

The models ship inside the ``rapidocr`` wheel (no download).  Good at scene text in
photos; used both as a text-region detector for the whole photo and as a reader.
"""

from __future__ import annotations

import logging
import threading

import numpy as np

from ..errors import EngineError
from ..schema import TextReading


class RapidOCREngine:
    """Scene-text reader.

    Args:
        det_limit_side: the detector resizes the image so its *long* side is at most this
            many pixels (RapidOCR ``Det.limit_side_len`` with ``limit_type: max``); 960 keeps
            a display that fills a tenth of a photo's width at ~30 px digit height while
            detection stays near 0.2 s on two cores.
    """

    name = "rapidocr"

    def __init__(self, det_limit_side: int = 960):
        try:
            from rapidocr import RapidOCR
        except Exception as exc:
            raise EngineError("The PP-OCR engine (rapidocr) is not installed.", detail=str(exc)) from exc
        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        try:
            self._ocr = RapidOCR(params={"Global.log_level": "warning", "Det.limit_side_len": det_limit_side, "Det.limit_type": "max"})
        except Exception as exc:
            raise EngineError("The PP-OCR models could not be loaded.", detail=str(exc)) from exc
        self._lock = threading.Lock()  # onnxruntime sessions are shared; keep calls serial

    def read(self, rgb: np.ndarray) -> list[TextReading]:
        """Detect and read text lines in ``(H, W, 3) uint8 RGB``.

        Returns one reading per detected line; ``bbox`` is the axis-aligned box of the
        detected quadrilateral, crop pixels; confidence is the recogniser's score.

        Raises:
            EngineError: the ONNX runtime failed.
        """
        if rgb.size == 0 or min(rgb.shape[:2]) < 8:
            return []
        try:
            with self._lock:
                res = self._ocr(np.ascontiguousarray(rgb[:, :, ::-1]))  # RapidOCR expects BGR arrays
        except Exception as exc:
            raise EngineError("The PP-OCR engine failed on this image.", detail=str(exc)) from exc
        if res is None or res.boxes is None or res.txts is None:
            return []
        out = []
        for box, txt, score in zip(res.boxes, res.txts, res.scores):
            pts = np.asarray(box, dtype=np.float32)
            x0, y0 = pts.min(axis=0)
            x1, y1 = pts.max(axis=0)
            out.append(
                TextReading(str(txt), float(score), self.name, (int(x0), int(y0), int(x1 - x0), int(y1 - y0)))
            )
        return out

    def recognise_line(self, rgb: np.ndarray) -> TextReading | None:
        """Recognise a crop that holds a single text line (no detection); ``None`` if empty."""
        if rgb.size == 0 or min(rgb.shape[:2]) < 8:
            return None
        try:
            with self._lock:
                res = self._ocr(np.ascontiguousarray(rgb[:, :, ::-1]), use_det=False, use_cls=False)
        except Exception as exc:
            raise EngineError("The PP-OCR engine failed on this image.", detail=str(exc)) from exc
        if not res.txts or not str(res.txts[0]).strip():
            return None
        h, w = rgb.shape[:2]
        return TextReading(str(res.txts[0]).strip(), float(res.scores[0]), self.name, (0, 0, w, h))
