"""One small exception hierarchy for Telltale.

Every exception raised on purpose by the package is a :class:`DiagnosticsError`.
Each carries ``user_message``: a sentence an agent can read (and usually pass on to
the customer), never a traceback.  The panel and the CLI turn these into output in
one place (:func:`diagnostics.presenting.describe_error`).
"""

from __future__ import annotations


class DiagnosticsError(Exception):
    """Base class. ``user_message`` is plain language for the agent; ``hint`` says
    what to ask the customer for (may be empty)."""

    default_message = "Something went wrong while analysing this file."
    default_hint = ""

    def __init__(self, user_message: str | None = None, *, hint: str | None = None, detail: str = ""):
        self.user_message = user_message or self.default_message
        self.hint = self.default_hint if hint is None else hint
        self.detail = detail
        super().__init__(self.user_message + (f" ({detail})" if detail else ""))


class MediaError(DiagnosticsError):
    """A customer file could not be used (ingest stage)."""

    default_message = "This file could not be opened."
    default_hint = "Please ask the customer to send the photo again as a normal camera picture."


class UnsupportedFormatError(MediaError):
    """The bytes are not an image (or other media) format Telltale can decode."""

    default_message = "This file type is not supported."
    default_hint = "Please ask the customer to send a photo (JPEG, PNG, HEIC or WebP)."


class FileTooLargeError(MediaError):
    """Byte size over the configured limit (``Settings.max_bytes``)."""

    default_message = "This file is too large to analyse."
    default_hint = "Please ask the customer to send the photo from the chat camera, which compresses it."


class ImageTooLargeError(MediaError):
    """Pixel count over the configured limit (decompression-bomb guard)."""

    default_message = "This image has too many pixels to analyse safely."
    default_hint = "Please ask the customer to send a normal phone photo of the display instead."


class CorruptMediaError(MediaError):
    """Truncated or damaged file."""

    default_message = "This file is damaged or was only partly received."
    default_hint = "Please ask the customer to send the photo again."


class EmptyMediaError(MediaError):
    """Zero-byte upload."""

    default_message = "This file is empty."
    default_hint = "Please ask the customer to send the photo again."


class EngineError(DiagnosticsError):
    """An OCR/vision engine failed or is not installed. Soft: the pipeline records
    it as a note and carries on with the other engines."""

    default_message = "One of the reading engines is not available."


class KnowledgeBaseError(DiagnosticsError):
    """The knowledge base could not be opened, migrated or written."""

    default_message = "The knowledge base is not available."


class ValidationError(DiagnosticsError):
    """Data offered to the knowledge base (or a manifest) is not valid."""

    default_message = "The data is not valid."


class ManifestError(DiagnosticsError):
    """An evaluation manifest is missing or malformed."""

    default_message = "The evaluation manifest could not be read."
