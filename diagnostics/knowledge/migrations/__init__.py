"""Alembic migrations of the knowledge base (run by :mod:`diagnostics.knowledge.migrate`)."""
