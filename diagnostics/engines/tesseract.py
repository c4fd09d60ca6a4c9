"""Tesseract 5 through pytesseract: printed text (labels, printer and router screens,
blue screens).

The only module that calls the ``tesseract`` binary.  Failures map to
:class:`~diagnostics.errors.EngineError` so the pipeline can carry on without it.
"""

from __future__ import annotations

import numpy as np

from ..errors import EngineError
from ..schema import TextReading


class TesseractEngine:
    """Line reader over Tesseract's LSTM model.

    Args:
        lang: Tesseract language string (``"eng"``; ``"eng+spa"`` for Spanish screens).
        psm: page segmentation mode; 6 = a block of text (default), 7 = one line.
        timeout_s: seconds before a call is abandoned (raises EngineError).
        min_height_px: crops are upscaled so text is at least this tall (Tesseract
            reads best at 20-40 px x-height).
    """

    name = "tesseract"

    def __init__(self, lang: str = "eng", psm: int = 6, timeout_s: float = 8.0, min_height_px: int = 48):
        try:
            import pytesseract

            pytesseract.get_tesseract_version()
        except Exception as exc:  # binary missing or broken
            raise EngineError("Tesseract OCR is not installed.", detail=str(exc)) from exc
        self._pt = pytesseract
        self.lang = lang
        self.psm = psm
        self.timeout_s = timeout_s
        self.min_height_px = min_height_px

    def read(self, rgb: np.ndarray, psm: int | None = None) -> list[TextReading]:
        """Read ``(H, W, 3) uint8 RGB``; returns one reading per text line, boxes in
        crop pixels, confidence = mean word confidence / 100.

        Raises:
            EngineError: Tesseract crashed or timed out.
        """
        import cv2

        if rgb.size == 0:
            return []
        h = rgb.shape[0]
        scale = 1.0
        if h < self.min_height_px:
            scale = self.min_height_px / max(h, 1)
            rgb = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        # Tesseract expects dark text on light ground: invert light-on-dark crops.
        if float(np.median(gray)) < 110:
            gray = 255 - gray
        config = f"--psm {psm or self.psm} --oem 1"
        try:
            data = self._pt.image_to_data(
                gray, lang=self.lang, config=config, timeout=self.timeout_s, output_type=self._pt.Output.DICT
            )
        except RuntimeError as exc:  # pytesseract raises RuntimeError on timeout
            raise EngineError("Tesseract took too long on this image.", detail=str(exc)) from exc
        except Exception as exc:
            raise EngineError("Tesseract failed on this image.", detail=str(exc)) from exc
        lines: dict[tuple[int, int, int], list[int]] = {}
        for i, word in enumerate(data["text"]):
            if not str(word).strip() or float(data["conf"][i]) < 0:
                continue
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            lines.setdefault(key, []).append(i)
        out: list[TextReading] = []
        for idx in lines.values():
            words = [str(data["text"][i]) for i in idx]
            confs = [float(data["conf"][i]) / 100.0 for i in idx]
            x0 = min(data["left"][i] for i in idx)
            y0 = min(data["top"][i] for i in idx)
            x1 = max(data["left"][i] + data["width"][i] for i in idx)
            y1 = max(data["top"][i] + data["height"][i] for i in idx)
            bbox = (int(x0 / scale), int(y0 / scale), int((x1 - x0) / scale), int((y1 - y0) / scale))
            out.append(TextReading(" ".join(words), float(np.mean(confs)), self.name, bbox))
        return out
