"""Public facade used by the panel, the CLI and the tests.

Everything a caller needs goes through here, so the panel stays thin:

- :func:`diagnose` runs one case (one or several files) and returns a :class:`Diagnosis`.
- :func:`get_knowledge_base` opens (migrates, seeds) the knowledge base once per URL.
- :func:`load_samples` lists ``sample_media/`` with expected answers.
- :func:`evaluate` scores a manifest CSV (see :mod:`diagnostics.evaluation`).
- :func:`get_auth`, :func:`get_curation`, :func:`get_feedback`, :func:`get_unmapped_queue`:
  sign-in and the knowledge managers' tools (curation, import/export in
  :mod:`diagnostics.knowledge.transfer`, agents' feedback, the unmapped-codes queue).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from .config import Settings
from .schema import Diagnosis

ProgressFn = Callable[[float, str], None]
"""progress(fraction in [0, 1], message)."""


def get_knowledge_base(settings: Settings | None = None):
    """Open the knowledge base for ``settings.database_url``: run migrations, seed it
    from the repo's data files when empty.  Cached per settings (``None`` = the
    environment's settings as they are at the call, so a changed ``TELLTALE_DATA_DIR``
    opens that database).

    Raises:
        diagnostics.errors.KnowledgeBaseError: database unreachable or migration failed.
    """
    return _knowledge_base(settings or Settings.from_env())


@lru_cache(maxsize=4)
def _knowledge_base(settings: Settings):
    from .knowledge.store import KnowledgeBase

    return KnowledgeBase.open(settings)


def get_pipeline(settings: Settings | None = None):
    """Build the analysis pipeline (engines loaded once) for ``settings``; cached per
    settings (``None`` = the environment's settings at the call)."""
    return _pipeline(settings or Settings.from_env())


@lru_cache(maxsize=4)
def _pipeline(settings: Settings):
    from .pipeline import Pipeline

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


# ---------------------------------------------------------------- curation (knowledge managers)


def get_auth(settings: Settings | None = None):
    """Sign-in service (:class:`diagnostics.auth.AuthService`) on the knowledge-base database,
    sessions lasting ``settings.session_ttl_s``; cached per settings (``None`` = the
    environment's settings at the call)."""
    return _auth(settings or Settings.from_env())


@lru_cache(maxsize=4)
def _auth(settings: Settings):
    from .auth import AuthService

    return AuthService.from_settings(get_knowledge_base(settings), settings)


def get_curation(settings: Settings | None = None):
    """Knowledge-manager operations (:class:`diagnostics.knowledge.curation.Curation`) on the
    same knowledge base the pipeline uses, so saved changes reach the next diagnosis."""
    from .knowledge.curation import Curation

    return Curation(get_knowledge_base(settings or Settings.from_env()))


def get_feedback(settings: Settings | None = None):
    """Agents' feedback and per-entry figures (:class:`diagnostics.knowledge.feedback.Feedback`)."""
    from .knowledge.feedback import Feedback

    return Feedback(get_knowledge_base(settings or Settings.from_env()))


def get_unmapped_queue(settings: Settings | None = None):
    """The unmapped-codes queue (:class:`diagnostics.knowledge.unmapped.UnmappedQueue`) with
    ``settings.unmapped_retention_days``."""
    from .knowledge.unmapped import UnmappedQueue

    settings = settings or Settings.from_env()
    return UnmappedQueue(get_knowledge_base(settings), retention_days=settings.unmapped_retention_days)


def kb_revision(settings: Settings | None = None) -> tuple[int, int, int]:
    """A cheap stamp of the knowledge base's content: ``(entries, highest entry id, sum of
    entry versions)``.  It changes whenever an entry is created, edited, retired, restored
    or imported, so the panel can tell that a diagnosis kept in a browser session was made
    on older knowledge and must be run again.

    Raises:
        diagnostics.errors.KnowledgeBaseError: the database could not be read.
    """
    from sqlalchemy import func, select

    from .knowledge.models import Entry

    kb = get_knowledge_base(settings or Settings.from_env())
    with kb.transaction("be read") as s:
        n, top, vsum = s.execute(select(func.count(), func.max(Entry.id), func.sum(Entry.version))).one()
    return int(n or 0), int(top or 0), int(vsum or 0)
