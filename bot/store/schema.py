"""Schema state: which Alembic revision a database is at, and bringing it to the newest.

Alembic (migrations/) is the only thing that creates or changes the schema.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

import migrations
from bot.store.engine import normalize_url


class SchemaState(enum.Enum):
    EMPTY = "empty"
    CURRENT = "current"
    OUTDATED = "outdated"
    UNKNOWN = "unknown"  # a revision this version of Baton does not know (newer code ran)


@dataclass(frozen=True)
class SchemaStatus:
    state: SchemaState
    current: str | None
    head: str


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    config.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return config


def schema_status(engine: Engine) -> SchemaStatus:
    script = ScriptDirectory.from_config(alembic_config(str(engine.url)))
    head = script.get_current_head()
    assert head is not None
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current is None:
        state = SchemaState.EMPTY
    elif current == head:
        state = SchemaState.CURRENT
    elif current in {rev.revision for rev in script.walk_revisions()}:
        state = SchemaState.OUTDATED
    else:
        state = SchemaState.UNKNOWN
    return SchemaStatus(state, current, head)


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


class SchemaNotReady(Exception):
    """The database schema is not the one this version of Baton needs."""


def ensure_schema(engine: Engine) -> SchemaStatus:
    """Make the schema ready for serving, or say what the operator must do.

    The embedded SQLite default migrates itself so a first `baton serve` just works;
    a shared PostgreSQL database is migrated deliberately, by `baton migrate`
    (the Procfile's release phase), never by whichever process starts first.
    """
    status = schema_status(engine)
    if status.state is SchemaState.CURRENT:
        return status
    if status.state is SchemaState.UNKNOWN:
        raise SchemaNotReady(
            f"The database is at schema revision {status.current}, which this version of "
            "Baton does not know (a newer Baton migrated it). Run the newer Baton."
        )
    if engine.dialect.name == "sqlite":
        upgrade(engine)
        return schema_status(engine)
    have = "empty" if status.state is SchemaState.EMPTY else f"at revision {status.current}"
    raise SchemaNotReady(
        f"The database schema is {have}; this version of Baton needs {status.head}. "
        "Run `baton migrate` first."
    )
