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


class FieldErrors(ValidationError):
    """An entry offered by a knowledge manager has invalid fields; nothing was stored.

    Attributes:
        errors: ``{field name: message}`` for every invalid field (``{"code": "'P04200' is not
            an SAE J2012 DTC ...", "steps": "add at least one resolution step"}``), so a form can
            show each message next to its field.  ``user_message`` lists them all.
    """

    default_message = "Some fields need attention."

    def __init__(self, errors: dict[str, str], user_message: str | None = None):
        self.errors = dict(errors)
        msg = user_message or "; ".join(f"{f}: {m}" for f, m in self.errors.items()) or self.default_message
        super().__init__(msg, detail=",".join(self.errors))


class EditConflict(ValidationError):
    """Optimistic concurrency: the entry was saved by someone else after this editor opened it.
    Nothing was overwritten.

    Attributes:
        entry_id: the entry.
        your_version: the version the editor opened (``expected_version``).
        current_version: the version stored now.
        changed_by: who saved the current version (user name).
        changed_at: when, ISO-8601 UTC.
        changes: what the other person changed between ``your_version`` and
            ``current_version``: a list of :class:`diagnostics.knowledge.curation.FieldChange`
            (each with ``field``, ``before``, ``after`` and a readable ``text``).
        current: the stored entry's snapshot now (a dict of its fields).
    """

    default_message = "This entry was changed by someone else since you opened it."

    def __init__(self, user_message: str | None = None, *, entry_id: int = 0, your_version: int = 0,
                 current_version: int = 0, changed_by: str = "", changed_at: str = "",
                 changes: list | None = None, current: dict | None = None):
        self.entry_id = entry_id
        self.your_version = your_version
        self.current_version = current_version
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.changes = list(changes or [])
        self.current = dict(current or {})
        super().__init__(user_message, detail="version")


class AuthError(DiagnosticsError):
    """Base of sign-in and permission errors (:mod:`diagnostics.auth`)."""

    default_message = "You are not signed in."


class AuthenticationFailed(AuthError):
    """Wrong user name or password, or a deactivated account.  The message never says which
    of the two was wrong."""

    default_message = "The user name or password is not right."
    default_hint = "Check them and try again, or ask a knowledge manager to reset your password."


class SessionExpired(AuthError):
    """The session token is unknown, signed out or past its expiry time."""

    default_message = "Your session has expired. Please sign in again."


class PermissionDenied(AuthError):
    """The signed-in user's role does not allow this action.

    Attributes:
        permission: the permission that was needed (``"kb.edit"``).
        role: the user's role (``"agent"``, ``"reviewer"``, ``"manager"``).
    """

    default_message = "Your role does not allow this."

    def __init__(self, user_message: str | None = None, *, permission: str = "", role: str = ""):
        self.permission = permission
        self.role = role
        super().__init__(user_message, detail=permission)


class ModelUnavailable(EngineError):
    """A model's weights are missing, unreadable or corrupt (e.g. the tell-tale symbol
    classifier in ``models/telltale-classifier``). Soft, like every :class:`EngineError`."""

    default_message = "A model this step needs is missing or damaged."
    default_hint = ""
