"""SQLAlchemy 2.x models of the knowledge base.

Tables (see ``docs/knowledge-base.md``):

``entries``         one fix sheet per (family, brand, appliance, code); soft-deleted rows keep
                    ``deleted = True`` so history stays readable.
``aliases``         other display forms of an entry's code (``F28`` for ``F.28``,
                    ``CRITICAL_PROCESS_DIED`` for ``0x000000EF``), compared by
                    :func:`diagnostics.knowledge.keys.match_key`.
``entry_versions``  one row per change (create, update, delete) with a full JSON snapshot,
                    who made it and when: the audit trail knowledge managers curate from.
``unmapped_codes``  codes read with confidence that the knowledge base does not know,
                    counted per match key, so curators can see what to add next.
``unmapped_examples`` small JPEG crops around unmapped codes (pruned by retention).
``users``, ``auth_sessions``  sign-in (:mod:`diagnostics.auth`).
``diagnoses``, ``shown_suggestions``, ``kept_media``  agents' feedback on suggestions
                    (:mod:`diagnostics.knowledge.feedback`).

All JSON columns use :class:`sqlalchemy.JSON` and all types are portable between SQLite and
PostgreSQL.  Timestamps are stored in UTC.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """Current time, timezone-aware UTC."""
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    """Declarative base of the knowledge-base tables."""


class Entry(Base):
    """One knowledge-base entry (a code in one brand/appliance scope)."""

    __tablename__ = "entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    match_key: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    family: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    brand: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    appliance: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    model_scope: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    title: Mapped[str] = mapped_column(String(255), nullable=False)
    meaning: Mapped[str] = mapped_column(Text, nullable=False)
    causes: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    steps: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    safety: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    severity: Mapped[str] = mapped_column(String(16), nullable=False, default="medium")
    technician: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    reply_en: Mapped[str] = mapped_column(Text, nullable=False, default="")
    reply_es: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # languages whose reply is knowingly missing (["es"]): saved without that reply, on purpose
    reply_missing: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    source: Mapped[str] = mapped_column(Text, nullable=False, default="")
    verified: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    deleted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(128), nullable=False, default="")

    aliases: Mapped[list["Alias"]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="Alias.id", lazy="selectin"
    )


class Alias(Base):
    """Another display form of an entry's code."""

    __tablename__ = "aliases"
    __table_args__ = (UniqueConstraint("entry_id", "match_key", name="uq_aliases_entry_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), nullable=False, index=True)
    alias: Mapped[str] = mapped_column(String(64), nullable=False)
    match_key: Mapped[str] = mapped_column(String(64), nullable=False, index=True)

    entry: Mapped[Entry] = relationship(back_populates="aliases")


class EntryVersion(Base):
    """One recorded change of an entry: full snapshot after the change."""

    __tablename__ = "entry_versions"
    __table_args__ = (UniqueConstraint("entry_id", "version", name="uq_entry_versions_entry_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    snapshot: Mapped[dict] = mapped_column(JSON, nullable=False)
    # create | update | delete (older releases) | retire | restore | restore_version | import
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    changed_by: Mapped[str] = mapped_column(String(128), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    # free text with the change ("restored version 2", "duplicated from entry 12", an import's file digest)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class UnmappedCode(Base):
    """A code read confidently but not found in the knowledge base."""

    __tablename__ = "unmapped_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    match_key: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    family: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    example: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    last_source: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    # set when an entry is created for the code (or a manager dismisses it as a misread)
    resolved_entry_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    resolved_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    dismissed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


# --------------------------------------------------------------------- curation (revision 0002_curation)


class UnmappedExample(Base):
    """A small JPEG crop (long side <= 160 px) around an unmapped code, from the photo it was
    read on; deleted after ``Settings.unmapped_retention_days`` (customer media, kept short)."""

    __tablename__ = "unmapped_examples"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unmapped_id: Mapped[int] = mapped_column(ForeignKey("unmapped_codes.id", ondelete="CASCADE"), nullable=False,
                                             index=True)
    jpeg: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    width: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    height: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    source: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)


class User(Base):
    """A panel / CLI user.  ``password_hash`` is an argon2id PHC string (argon2-cffi)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)  # agent | manager | reviewer
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    last_sign_in: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AuthSession(Base):
    """A signed-in session.  Only the SHA-256 of the token is stored, so a copy of the
    database does not hand out live sessions."""

    __tablename__ = "auth_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)


class DiagnosisRecord(Base):
    """One diagnosis whose suggestions were shown to an agent: its findings (JSON, no media)."""

    __tablename__ = "diagnoses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # uuid4 hex
    agent: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    findings: Mapped[dict] = mapped_column(JSON, nullable=False)


class ShownSuggestion(Base):
    """One suggestion shown for a diagnosis (entry, rank 1 = top), and the agent's verdict."""

    __tablename__ = "shown_suggestions"
    __table_args__ = (UniqueConstraint("diagnosis_id", "entry_id", name="uq_shown_diagnosis_entry"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    diagnosis_id: Mapped[str] = mapped_column(ForeignKey("diagnoses.id", ondelete="CASCADE"), nullable=False,
                                              index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), nullable=False, index=True)
    entry_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    rank: Mapped[int] = mapped_column(Integer, nullable=False)
    confidence: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    code: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    shown_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    verdict: Mapped[str] = mapped_column(String(8), nullable=False, default="")  # "" | used | edited | wrong
    right_code: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    right_entry_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    verdict_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    verdict_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class KeptMedia(Base):
    """A customer file an agent chose to keep with a diagnosis (only then is media stored)."""

    __tablename__ = "kept_media"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    diagnosis_id: Mapped[str] = mapped_column(ForeignKey("diagnoses.id", ondelete="CASCADE"), nullable=False,
                                              index=True)
    name: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    kept_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    kept_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
