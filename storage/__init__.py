"""Persistence: SQLAlchemy models, Alembic migrations, repositories, encryption and pseudonyms."""
