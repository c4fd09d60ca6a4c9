"""Curation: sign-in, agents' feedback, unmapped-code thumbnails, replies marked missing.

Adds ``entries.reply_missing`` (JSON list of languages knowingly without a reply),
``entry_versions.note``, ``unmapped_codes.resolved_*``/``dismissed``, and the tables ``unmapped_examples``,
``users``, ``auth_sessions``, ``diagnoses``, ``shown_suggestions``, ``kept_media``
(see :mod:`diagnostics.knowledge.models`).

Revision ID: 0002_curation
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_curation"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entries") as b:
        b.add_column(sa.Column("reply_missing", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    with op.batch_alter_table("entry_versions") as b:
        b.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("unmapped_codes") as b:
        b.add_column(sa.Column("resolved_entry_id", sa.Integer(), nullable=True))
        b.add_column(sa.Column("resolved_by", sa.String(64), nullable=False, server_default=""))
        b.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        b.add_column(sa.Column("dismissed", sa.Boolean(), nullable=False, server_default=sa.false()))

    op.create_table(
        "unmapped_examples",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("unmapped_id", sa.Integer(), sa.ForeignKey("unmapped_codes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("jpeg", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("height", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("source", sa.String(255), nullable=False, server_default=""),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_unmapped_examples_unmapped_id", "unmapped_examples", ["unmapped_id"])
    op.create_index("ix_unmapped_examples_seen_at", "unmapped_examples", ["seen_at"])

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False, server_default=""),
        sa.Column("last_sign_in", sa.DateTime(timezone=True), nullable=True),
    )

    op.create_table(
        "auth_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_auth_sessions_user_id", "auth_sessions", ["user_id"])
    op.create_index("ix_auth_sessions_expires_at", "auth_sessions", ["expires_at"])

    op.create_table(
        "diagnoses",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("agent", sa.String(64), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
    )
    op.create_index("ix_diagnoses_created_at", "diagnoses", ["created_at"])

    op.create_table(
        "shown_suggestions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("diagnosis_id", sa.String(32), sa.ForeignKey("diagnoses.id", ondelete="CASCADE"), nullable=False),
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("entries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("entry_version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False, server_default="0"),
        sa.Column("code", sa.String(64), nullable=False, server_default=""),
        sa.Column("shown_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verdict", sa.String(8), nullable=False, server_default=""),
        sa.Column("right_code", sa.String(64), nullable=False, server_default=""),
        sa.Column("right_entry_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("verdict_by", sa.String(64), nullable=False, server_default=""),
        sa.Column("verdict_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("diagnosis_id", "entry_id", name="uq_shown_diagnosis_entry"),
    )
    op.create_index("ix_shown_suggestions_diagnosis_id", "shown_suggestions", ["diagnosis_id"])
    op.create_index("ix_shown_suggestions_entry_id", "shown_suggestions", ["entry_id"])
    op.create_index("ix_shown_suggestions_shown_at", "shown_suggestions", ["shown_at"])

    op.create_table(
        "kept_media",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("diagnosis_id", sa.String(32), sa.ForeignKey("diagnoses.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(255), nullable=False, server_default=""),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("kept_by", sa.String(64), nullable=False, server_default=""),
        sa.Column("kept_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_kept_media_diagnosis_id", "kept_media", ["diagnosis_id"])


def downgrade() -> None:
    op.drop_index("ix_kept_media_diagnosis_id", table_name="kept_media")
    op.drop_table("kept_media")
    for ix in ("ix_shown_suggestions_shown_at", "ix_shown_suggestions_entry_id", "ix_shown_suggestions_diagnosis_id"):
        op.drop_index(ix, table_name="shown_suggestions")
    op.drop_table("shown_suggestions")
    op.drop_index("ix_diagnoses_created_at", table_name="diagnoses")
    op.drop_table("diagnoses")
    op.drop_index("ix_auth_sessions_expires_at", table_name="auth_sessions")
    op.drop_index("ix_auth_sessions_user_id", table_name="auth_sessions")
    op.drop_table("auth_sessions")
    op.drop_table("users")
    op.drop_index("ix_unmapped_examples_seen_at", table_name="unmapped_examples")
    op.drop_index("ix_unmapped_examples_unmapped_id", table_name="unmapped_examples")
    op.drop_table("unmapped_examples")
    with op.batch_alter_table("unmapped_codes") as b:
        b.drop_column("dismissed")
        b.drop_column("resolved_at")
        b.drop_column("resolved_by")
        b.drop_column("resolved_entry_id")
    with op.batch_alter_table("entry_versions") as b:
        b.drop_column("note")
    with op.batch_alter_table("entries") as b:
        b.drop_column("reply_missing")
