"""Shared fixtures: a database per test (SQLite and PostgreSQL), a policy, a fake clock,
the Slack stand-in and a Baton app wired to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from hypothesis import settings as hypothesis_settings

from bot.core.policy import Policy, parse_policy
from bot.core.settings import Settings
from bot.leads.lifecycle import LeadService
from bot.runtime import Runtime, build_runtime
from bot.slack_app import create_bolt_app
from bot.store.database import Database
from bot.web import create_web_app
from tests.support import databases
from tests.support.clock import FakeClock
from tests.support.policies import STANDARD
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import BOT_TOKEN, SIGNING_SECRET, SlackClientSim

_pg_problem: dict[str, str | None] = {}

# Property tests check what is true, not how fast: on a loaded CI machine one example can
# take longer than Hypothesis's default 200 ms deadline without anything being wrong.
hypothesis_settings.register_profile("baton", deadline=None)
hypothesis_settings.load_profile("baton")


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[databases.MigratedTemplates]:
    templates = databases.MigratedTemplates(tmp_path_factory.mktemp("templates"))
    yield templates
    templates.close()


def require_postgres() -> None:
    if "problem" not in _pg_problem:
        _pg_problem["problem"] = databases.postgres_unavailable()
    if _pg_problem["problem"]:
        databases.skip_or_fail(_pg_problem["problem"])


@pytest.fixture(params=databases.backends())
def database_url(
    request: pytest.FixtureRequest, migrated: databases.MigratedTemplates, tmp_path: Path
) -> str:
    """The URL of an empty, migrated database: SQLite, then PostgreSQL."""
    if request.param == "postgresql":
        require_postgres()
        return migrated.postgres_url()
    return migrated.sqlite_url(tmp_path / "baton.db")


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def policy() -> Policy:
    return parse_policy(STANDARD, "test-policy.yml")


@pytest.fixture
def service(db: Database, policy: Policy, clock: FakeClock) -> LeadService:
    return LeadService(db, policy, clock=clock)


# --- Slack: the stand-in for Slack's Web API, and an app wired to it -----------------


@pytest.fixture
def slack_api() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        yield standin
        standin.assert_no_violations()


@pytest.fixture
def settings(database_url: str, slack_api: SlackStandIn) -> Settings:
    return Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack_api.url,
        database_url=database_url,
        # Tests deliver many messages to one channel; pacing is tested on its own.
        baton_post_interval_seconds=0,
    )


@pytest.fixture
def runtime(settings: Settings, policy: Policy) -> Iterator[Runtime]:
    """Baton's runtime on the test database and the stand-in (real clock; no threads
    started: tests deliver with `tests.support.slack_app.drain`)."""
    built = build_runtime(settings, policy=policy)
    yield built
    built.close()


@pytest.fixture
def web(runtime: Runtime) -> Flask:
    return create_web_app(runtime, create_bolt_app(runtime))


@pytest.fixture
def slack(web: Flask) -> SlackClientSim:
    return SlackClientSim(web.test_client())
