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

All JSON columns use :class:`sqlalchemy.JSON` and all types are portable between SQLite and
PostgreSQL.  Timestamps are stored in UTC.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
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
    action: Mapped[str] = mapped_column(String(16), nullable=False)  # create | update | delete
    changed_by: Mapped[str] = mapped_column(String(128), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)


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
