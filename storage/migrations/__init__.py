"""Alembic migrations, shipped inside the package (``tidtam db upgrade`` runs them)."""
