"""Run the knowledge-base migrations programmatically (no ``alembic.ini`` needed).

The Alembic ``Config`` is built in code with ``script_location`` pointing at
``diagnostics/knowledge/migrations``; the caller's connection is handed to ``env.py``.
"""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
HEAD_REVISION = "0002_curation"
_LOCK = threading.Lock()  # Alembic's ``context`` proxy is process-global: one migration at a time


def alembic_config(url: str = "") -> Config:
    """Build the Alembic config for the knowledge base.

    Args:
        url: SQLAlchemy URL (only used when no connection is passed in ``attributes``).
    """
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_to_head(engine: Engine) -> None:
    """Upgrade the database behind ``engine`` to the newest revision.

    Serialised within the process (Alembic keeps global state); across processes the
    database's own locking applies.

    Raises:
        sqlalchemy.exc.SQLAlchemyError, alembic.util.CommandError: the caller
        (:meth:`KnowledgeBase.open`) wraps these in ``KnowledgeBaseError``.
    """
    with _LOCK:
        cfg = alembic_config()
        with engine.connect() as conn:
            conn.execution_options(sqlite_begin="IMMEDIATE")  # SQLite: hold the write lock for the whole upgrade
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
