"""One job interface for every analysis.

The pipeline never calls itself directly from the panel or the CLI: it goes through a
:class:`JobRunner`.  The default runs in-process; a distributed task queue can be
added as another runner (same ``run`` contract) without touching the pipeline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from .config import Settings
from .errors import DiagnosticsError


class JobRunner(Protocol):
    """Runs ``fn(*args, **kwargs)`` as a job and returns its result (blocking)."""

    name: str

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any: ...


class InProcessRunner:
    """Runs the job in the calling process and thread (the default)."""

    name = "inprocess"

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)


_RUNNERS: dict[str, type] = {"inprocess": InProcessRunner}


def get_runner(settings: Settings) -> JobRunner:
    """The runner named by ``settings.job_backend``.

    Raises:
        DiagnosticsError: unknown backend name.
    """
    try:
        return _RUNNERS[settings.job_backend]()
    except KeyError:
        raise DiagnosticsError(f"Unknown job backend '{settings.job_backend}'. Use one of: {', '.join(_RUNNERS)}.") from None
