"""Public facade used by the panel, the CLI and the tests.

Everything a caller needs goes through here, so the panel stays thin:

- :func:`diagnose` runs one case (one or several files) and returns a :class:`Diagnosis`.
- :func:`get_knowledge_base` opens (migrates, seeds) the knowledge base once per URL.
- :func:`load_samples` lists ``sample_media/`` with expected answers.
- :func:`evaluate` scores a manifest CSV (see :mod:`diagnostics.evaluation`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from .config import Settings
from .schema import Diagnosis

ProgressFn = Callable[[float, str], None]
"""progress(fraction in [0, 1], message)."""


@lru_cache(maxsize=4)
def get_knowledge_base(settings: Settings | None = None):
    """Open the knowledge base for ``settings.database_url``: run migrations, seed it
    from the repo's data files when empty.  Cached per settings.

    Raises:
        diagnostics.errors.KnowledgeBaseError: database unreachable or migration failed.
    """
    from .knowledge.store import KnowledgeBase

    return KnowledgeBase.open(settings or Settings.from_env())


@lru_cache(maxsize=4)
def get_pipeline(settings: Settings | None = None):
    """Build the analysis pipeline (engines loaded once) for ``settings``; cached."""
    from .pipeline import Pipeline

    settings = settings or Settings.from_env()
    return Pipeline(settings, get_knowledge_base(settings))


def diagnose(
    files: Sequence[tuple[str, bytes]],
    *,
    settings: Settings | None = None,
    progress: ProgressFn | None = None,
    text: str = "",
) -> Diagnosis:
    """Analyse one customer case.

    Args:
        files: ``(file name, raw bytes)`` pairs as uploaded; names are only labels,
            formats are detected from content.
        settings: run settings (default from the environment).
        progress: optional callback ``progress(fraction, message)``.
        text: optional typed text from the customer (codes in it are extracted too).

    Returns:
        A :class:`Diagnosis`.  Files that cannot be used do not raise: their
        ``MediaResult.error`` / ``hint`` say why and what to ask for.
    """
    from .jobs import get_runner

    settings = settings or Settings.from_env()
    return get_runner(settings).run(get_pipeline(settings).diagnose, files, progress=progress, text=text)


def load_samples():
    """Return the bundled sample media with expected answers
    (list of :class:`diagnostics.evaluation.ManifestRow`)."""
    from .config import SAMPLE_MEDIA_DIR
    from .evaluation import read_manifest

    return read_manifest(SAMPLE_MEDIA_DIR / "expected.csv")


def evaluate(manifest_path, *, settings: Settings | None = None, progress: ProgressFn | None = None):
    """Score a manifest CSV; returns :class:`diagnostics.evaluation.EvalReport`."""
    from .evaluation import evaluate_manifest

    settings = settings or Settings.from_env()
    return evaluate_manifest(manifest_path, get_pipeline(settings), progress=progress)
