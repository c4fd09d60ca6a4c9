"""Initial knowledge-base schema: entries, aliases, entry_versions, unmapped_codes.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("match_key", sa.String(64), nullable=False),
        sa.Column("family", sa.String(32), nullable=False),
        sa.Column("brand", sa.String(64), nullable=False, server_default=""),
        sa.Column("appliance", sa.String(64), nullable=False, server_default=""),
        sa.Column("model_scope", sa.String(255), nullable=False, server_default=""),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("meaning", sa.Text(), nullable=False),
        sa.Column("causes", sa.JSON(), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("safety", sa.JSON(), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False, server_default="medium"),
        sa.Column("technician", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("reply_en", sa.Text(), nullable=False),
        sa.Column("reply_es", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("deleted", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False, server_default=""),
    )
    op.create_index("ix_entries_match_key", "entries", ["match_key"])
    op.create_index("ix_entries_family", "entries", ["family"])
    op.create_index("ix_entries_deleted", "entries", ["deleted"])

    op.create_table(
        "aliases",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("entries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("alias", sa.String(64), nullable=False),
        sa.Column("match_key", sa.String(64), nullable=False),
        sa.UniqueConstraint("entry_id", "match_key", name="uq_aliases_entry_key"),
    )
    op.create_index("ix_aliases_entry_id", "aliases", ["entry_id"])
    op.create_index("ix_aliases_match_key", "aliases", ["match_key"])

    op.create_table(
        "entry_versions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("entries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("changed_by", sa.String(128), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("entry_id", "version", name="uq_entry_versions_entry_version"),
    )
    op.create_index("ix_entry_versions_entry_id", "entry_versions", ["entry_id"])

    op.create_table(
        "unmapped_codes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("match_key", sa.String(64), nullable=False, unique=True),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("family", sa.String(32), nullable=False, server_default=""),
        sa.Column("count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("example", sa.String(255), nullable=False, server_default=""),
        sa.Column("last_source", sa.String(255), nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_table("unmapped_codes")
    op.drop_index("ix_entry_versions_entry_id", table_name="entry_versions")
    op.drop_table("entry_versions")
    op.drop_index("ix_aliases_match_key", table_name="aliases")
    op.drop_index("ix_aliases_entry_id", table_name="aliases")
    op.drop_table("aliases")
    op.drop_index("ix_entries_deleted", table_name="entries")
    op.drop_index("ix_entries_family", table_name="entries")
    op.drop_index("ix_entries_match_key", table_name="entries")
    op.drop_table("entries")
