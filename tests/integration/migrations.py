"""Moving a test database's schema down a migration and up again, as the migration tests do."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine

from engine.persistence import migrate


def move(database: Engine, to: str) -> None:
    """Run the migrations down to revision `to`, or up again when `to` is "head"."""
    config = migrate.alembic_config()
    with database.begin() as connection:
        config.attributes["connection"] = connection
        (command.upgrade if to == "head" else command.downgrade)(config, to)
