"""Intake tests run against an app with both intake credentials configured."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from bot.core.settings import Settings
from bot.runtime import Runtime
from bot.store.database import Database
from tests.support.intake import INTAKE_SECRET, INTAKE_TOKEN
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import BOT_TOKEN, SIGNING_SECRET


@pytest.fixture
def settings(database_url: str, slack_api: SlackStandIn) -> Settings:
    return Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack_api.url,
        database_url=database_url,
        baton_intake_secret=INTAKE_SECRET,
        baton_intake_token=INTAKE_TOKEN,
    )


@pytest.fixture
def http(web) -> FlaskClient:  # type: ignore[no-untyped-def]
    return web.test_client()


@pytest.fixture
def app_db(runtime: Runtime) -> Iterator[Database]:
    yield runtime.db
