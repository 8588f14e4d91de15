"""Alembic makes exactly the models' schema, and walks down and up again, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from bot.store.engine import make_engine
from bot.store.models import Base
from bot.store.schema import SchemaState, downgrade, schema_status, upgrade
from tests.conftest import require_postgres
from tests.support import databases


@pytest.fixture(params=databases.backends())
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "postgresql":
        require_postgres()
        schema = databases.PostgresSchema("baton_migration")
        engine = make_engine(schema.url)
        yield engine
        engine.dispose()
        schema.drop()
    else:
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield engine
        engine.dispose()


def differences(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def test_migrations_make_exactly_the_models_schema(empty_engine: Engine) -> None:
    assert schema_status(empty_engine).state is SchemaState.EMPTY
    upgrade(empty_engine)
    assert schema_status(empty_engine).state is SchemaState.CURRENT
    assert differences(empty_engine) == []


def test_upgrade_downgrade_upgrade(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    downgrade(empty_engine, "base")
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}
    assert schema_status(empty_engine).state is SchemaState.EMPTY
    upgrade(empty_engine)
    assert differences(empty_engine) == []


def test_the_comparison_notices_a_missing_index(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    with empty_engine.begin() as conn:
        conn.exec_driver_sql("DROP INDEX ix_leads_email")
    assert differences(empty_engine) != []
