"""Persistence: SQLAlchemy models, repositories, Alembic migrations, the file store."""
