"""The SQLAlchemy models (engine/persistence/tables.py) and the Alembic migrations describe
the same schema: a database built by the migrations alone has nothing autogenerate would add,
drop or alter, on SQLite and (with ESKALASI_TEST_DATABASE_URL) on PostgreSQL."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, create_engine

from engine.persistence.migrate import upgrade
from engine.persistence.tables import SEARCH_INDEX_OBJECTS, Base


def differences(url: str, models: MetaData = Base.metadata) -> list[Any]:
    """What autogenerate finds between the database at `url`, migrated, and `models`."""
    database = create_engine(url)
    try:
        upgrade(database)
        with database.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": True,
                                  "include_name": modelled})
            return list(compare_metadata(context, models))
    finally:
        database.dispose()


def modelled(name: str | None, kind: str, parents: Any) -> bool:
    """Everything but the database's own full-text index objects (0020), which SQLAlchemy
    cannot declare."""
    return name not in SEARCH_INDEX_OBJECTS


def test_the_migrations_build_exactly_the_schema_the_models_declare(
        empty_database_url: str) -> None:
    assert differences(empty_database_url) == []


def test_a_column_only_the_models_have_is_reported(empty_database_url: str) -> None:
    models = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(models)
    models.tables["lpse"].append_column(Column("only_in_the_model", Integer))
    found = differences(empty_database_url, models)
    assert len(found) == 1 and found[0][0] == "add_column", found
    assert (found[0][2], found[0][3].name) == ("lpse", "only_in_the_model")
