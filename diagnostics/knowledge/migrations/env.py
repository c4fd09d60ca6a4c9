"""Alembic environment of the knowledge base.

Used two ways:

* programmatically by :func:`diagnostics.knowledge.migrate.upgrade_to_head`, which passes
  an open connection in ``config.attributes["connection"]``;
* by developers with ``alembic -c diagnostics/knowledge/alembic.ini upgrade head``; the URL
  then comes from ``sqlalchemy.url`` in the config or, when empty, from
  :meth:`diagnostics.config.Settings.from_env` (``DATABASE_URL``).

No logging configuration is loaded (the application owns logging).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from diagnostics.knowledge.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url") or ""
    if not url:
        from diagnostics.config import Settings

        url = Settings.from_env().database_url
    return url


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_migrations_offline() -> None:
    """Emit SQL to stdout (``alembic upgrade head --sql``)."""
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run against a live connection (given, or made from the URL)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_url())
    try:
        with engine.connect() as conn:
            _configure(conn)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
