"""Telltale diagnostics: customer media in, evidence, codes and suggested fixes out.

The public facade::

    from diagnostics import diagnose, Settings
    d = diagnose([("photo.jpg", data)])      # -> Diagnosis
    d.codes, d.suggestions, d.reply

See :mod:`diagnostics.api` (facade), :mod:`diagnostics.pipeline` (stages) and
:mod:`diagnostics.schema` (result types).
"""

from .api import diagnose, evaluate, get_knowledge_base
from .config import Settings
from .errors import DiagnosticsError
from .schema import Diagnosis

__all__ = ["diagnose", "evaluate", "get_knowledge_base", "Settings", "Diagnosis", "DiagnosticsError"]
