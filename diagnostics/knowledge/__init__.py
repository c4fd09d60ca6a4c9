"""Knowledge base of error codes: SQLAlchemy store, Alembic migrations, YAML seed data.

Import :class:`diagnostics.knowledge.store.KnowledgeBase` from its module; this package file
stays import-light so that :mod:`diagnostics.knowledge.keys` can be used without SQLAlchemy.
"""
