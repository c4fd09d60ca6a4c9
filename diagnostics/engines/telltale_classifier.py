"""Car tell-tale symbol classifier: a crop of one lit symbol in, its ISO 2575 class out.

The interface is :class:`TelltaleClassifier`; the real engine,
:class:`TransformersTelltaleClassifier`, is a small ConvNeXt V2 image classifier that we
train on generated symbols (``scripts/train_telltale_classifier.py``; model card in
``models/telltale-classifier/README.md``). It loads with
``AutoModelForImageClassification.from_pretrained`` from the local folder only and runs
with torch on the CPU. A crop is called ``"unknown"`` when the model's top class is
``unknown`` or its probability is below the calibrated threshold (stored in the model's
``config.json`` as ``telltale_unknown_threshold``), so a symbol it does not know is not
forced into a class.

torch and transformers are imported on first use only.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

import cv2
import numpy as np

from ..errors import ModelUnavailable, ValidationError

REPO = Path(__file__).resolve().parents[2]
#: Where the shipped weights live.
DEFAULT_MODEL_DIR = REPO / "models" / "telltale-classifier"
#: The tell-tales the classifier knows (snake_case labels used everywhere; meanings per
#: ISO 2575 in ``synth.telltales.symbols.ISO_2575`` and the knowledge base).
TELLTALE_CLASSES: tuple[str, ...] = (
    "engine_mil", "oil_pressure", "battery_charge", "brake_system", "abs", "tyre_pressure",
    "coolant_temperature", "airbag", "seat_belt", "esp_traction", "esp_off", "parking_brake",
    "low_fuel", "glow_plug", "power_steering", "brake_pad_wear", "door_open", "high_beam",
    "low_beam", "front_fog", "rear_fog", "washer_fluid", "service",
)
#: Label for "a symbol that is none of the known tell-tales".
UNKNOWN = "unknown"
#: Every label, in the model's id order (the tell-tales, then ``unknown``).
CLASSES: tuple[str, ...] = TELLTALE_CLASSES + (UNKNOWN,)
DEFAULT_UNKNOWN_THRESHOLD = 0.5
"""Used only when the model folder carries no calibrated threshold."""


@dataclass(frozen=True)
class SymbolPrediction:
    """What the classifier says about one crop.

    Attributes:
        label: a tell-tale class name (e.g. ``"oil_pressure"``) or ``"unknown"``.
        score: the model's probability for ``label`` (for ``"unknown"`` given by the
            threshold: the probability of ``unknown`` or one minus the top probability,
            whichever is larger), 0-1.
        top: the three most probable classes as ``(label, probability)``, best first
            (raw model output, before the unknown threshold).
    """

    label: str
    score: float
    top: tuple[tuple[str, float], ...]


@runtime_checkable
class TelltaleClassifier(Protocol):
    """Classifies crops of lit tell-tales.

    Attributes:
        labels: every label it can return, ``"unknown"`` included.
    """

    labels: tuple[str, ...]

    def classify(self, crops: Sequence[np.ndarray]) -> list[SymbolPrediction]:
        """Classify each crop.

        Args:
            crops: ``(h, w, 3) uint8`` RGB crops, any size (at least 4 x 4 px), each
                around one symbol.

        Returns:
            One :class:`SymbolPrediction` per crop, in order.

        Raises:
            ValidationError: a crop is not an ``(h, w, 3) uint8`` array of at least 4 x 4.
            diagnostics.errors.EngineError: the model failed.
        """
        ...


def check_crop(crop: np.ndarray) -> None:
    """Raise :class:`ValidationError` unless ``crop`` is ``(h, w, 3) uint8`` with h, w >= 4."""
    if not isinstance(crop, np.ndarray) or crop.dtype != np.uint8 or crop.ndim != 3 or crop.shape[2] != 3:
        raise ValidationError("A symbol crop must be an RGB image (h, w, 3) of 8-bit values.",
                              detail=f"got {type(crop).__name__} {getattr(crop, 'shape', '')} {getattr(crop, 'dtype', '')}")
    if crop.shape[0] < 4 or crop.shape[1] < 4:
        raise ValidationError("A symbol crop is too small to classify (under 4 x 4 pixels).", detail=str(crop.shape))


def square_resize(crop: np.ndarray, size: int) -> np.ndarray:
    """Pad a crop to a square (edge pixels repeated) and resize it.

    Args:
        crop: ``(h, w, 3) uint8`` RGB.
        size: output side, px.

    Returns:
        ``(size, size, 3) uint8`` RGB.
    """
    h, w = crop.shape[:2]
    if h != w:
        d = abs(h - w)
        a, b = d // 2, d - d // 2
        pads = ((a, b), (0, 0), (0, 0)) if h < w else ((0, 0), (a, b), (0, 0))
        crop = np.pad(crop, pads, mode="edge")
    interp = cv2.INTER_AREA if crop.shape[0] > size else cv2.INTER_LINEAR
    return cv2.resize(crop, (size, size), interpolation=interp)


def to_pixel_values(crops: Sequence[np.ndarray], size: int, mean: Sequence[float], std: Sequence[float]) -> np.ndarray:
    """The model's input batch (the same transform training used).

    Args:
        crops: ``(h, w, 3) uint8`` RGB crops.
        size: model input side, px (``preprocessor_config.json``'s ``size``).
        mean, std: per-channel normalisation on the 0-1 scale.

    Returns:
        ``(N, 3, size, size) float32``.
    """
    x = np.stack([square_resize(c, size) for c in crops]).astype(np.float32) / 255.0
    x = (x - np.float32(mean)) / np.float32(std)
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2))


def predictions_from_probs(probs: np.ndarray, labels: Sequence[str], threshold: float) -> list[SymbolPrediction]:
    """Turn ``(N, C)`` class probabilities into :class:`SymbolPrediction` s.

    A row is ``"unknown"`` when its top label is ``unknown`` or its top probability is
    below ``threshold``.
    """
    out = []
    unk = list(labels).index(UNKNOWN) if UNKNOWN in labels else None
    for row in probs:
        order = np.argsort(-row)[:3]
        top = tuple((str(labels[i]), float(row[i])) for i in order)
        best, p = top[0]
        if best == UNKNOWN or p < threshold:
            pu = float(row[unk]) if unk is not None else 0.0
            out.append(SymbolPrediction(UNKNOWN, max(pu, 1.0 - p if best != UNKNOWN else p), top))
        else:
            out.append(SymbolPrediction(best, p, top))
    return out


class TransformersTelltaleClassifier:
    """The shipped ConvNeXt V2 tell-tale classifier (torch, CPU, batched).

    Args:
        model_dir: folder with ``config.json``, ``model.safetensors`` and
            ``preprocessor_config.json`` (default :data:`DEFAULT_MODEL_DIR`).
        unknown_threshold: top probability below which a crop is ``"unknown"``
            (``None``: the calibrated value in the model's config).
        batch_size: crops per forward pass.

    Raises:
        ModelUnavailable: the folder, the weights or their configuration are missing or
            cannot be loaded (e.g. a truncated ``model.safetensors``).
    """

    name = "telltale_convnextv2"

    def __init__(self, model_dir: Path | None = None, unknown_threshold: float | None = None, batch_size: int = 64):
        self.model_dir = Path(model_dir or DEFAULT_MODEL_DIR)
        d = self.model_dir
        missing = [f for f in ("config.json", "model.safetensors", "preprocessor_config.json") if not (d / f).is_file()]
        if missing:
            raise ModelUnavailable("The tell-tale symbol classifier is not installed.",
                                   hint="Restore models/telltale-classifier or retrain it with scripts/train_telltale_classifier.py.",
                                   detail=f"{d}: missing {', '.join(missing)}")
        try:
            pre = json.loads((d / "preprocessor_config.json").read_text())
            cfg = json.loads((d / "config.json").read_text())
            self.size = int(pre["size"]["height"] if isinstance(pre["size"], dict) else pre["size"])
            self.mean, self.std = [float(v) for v in pre["image_mean"]], [float(v) for v in pre["image_std"]]
            id2label = {int(k): v for k, v in cfg["id2label"].items()}
            self.labels: tuple[str, ...] = tuple(id2label[i] for i in range(len(id2label)))
        except (ValueError, KeyError, TypeError) as exc:
            raise ModelUnavailable("The tell-tale symbol classifier's configuration is damaged.", detail=f"{d}: {exc}") from exc
        if UNKNOWN not in self.labels:
            raise ModelUnavailable("The tell-tale symbol classifier has no 'unknown' class.", detail=str(d))
        self.unknown_threshold = float(unknown_threshold if unknown_threshold is not None
                                       else cfg.get("telltale_unknown_threshold", DEFAULT_UNKNOWN_THRESHOLD))
        self.batch_size = int(batch_size)
        self._lock = threading.Lock()
        try:
            import torch
            from transformers import AutoModelForImageClassification
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # no "Loading weights" bars on stderr
            self._torch = torch
            self._model = AutoModelForImageClassification.from_pretrained(str(d), local_files_only=True).eval()
        except Exception as exc:  # noqa: BLE001 - any load failure means the weights are unusable
            raise ModelUnavailable("The tell-tale symbol classifier's weights could not be loaded (missing or corrupt file).",
                                   hint="Restore models/telltale-classifier or retrain it with scripts/train_telltale_classifier.py.",
                                   detail=f"{d}: {type(exc).__name__}: {exc}") from exc

    def probabilities(self, crops: Sequence[np.ndarray]) -> np.ndarray:
        """Class probabilities, ``(N, len(labels)) float32`` in label order.

        Raises:
            ValidationError: a crop is not ``(h, w, 3) uint8`` of at least 4 x 4.
        """
        for c in crops:
            check_crop(c)
        if len(crops) == 0:
            return np.zeros((0, len(self.labels)), np.float32)
        torch = self._torch
        outs = []
        with self._lock, torch.inference_mode():
            for i in range(0, len(crops), self.batch_size):
                x = torch.from_numpy(to_pixel_values(crops[i:i + self.batch_size], self.size, self.mean, self.std))
                outs.append(torch.softmax(self._model(pixel_values=x).logits.float(), -1).numpy())
        return np.concatenate(outs).astype(np.float32)

    def classify(self, crops: Sequence[np.ndarray]) -> list[SymbolPrediction]:
        """See :meth:`TelltaleClassifier.classify`."""
        return predictions_from_probs(self.probabilities(crops), self.labels, self.unknown_threshold)


_default: TransformersTelltaleClassifier | None = None
_default_lock = threading.Lock()


def default_telltale_classifier() -> TransformersTelltaleClassifier:
    """The shipped classifier, loaded once per process.

    Raises:
        ModelUnavailable: see :class:`TransformersTelltaleClassifier`.
    """
    global _default
    with _default_lock:
        if _default is None:
            _default = TransformersTelltaleClassifier()
        return _default
