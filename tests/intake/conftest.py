"""Intake tests run against an app with both intake credentials configured."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from bot.core.settings import Settings
from bot.runtime import Runtime
from bot.store.database import Database
from tests.support.intake import intake_settings
from tests.support.slack_api import SlackStandIn


@pytest.fixture
def settings(database_url: str, slack_api: SlackStandIn) -> Settings:
    return intake_settings(database_url, slack_api)


@pytest.fixture
def http(web) -> FlaskClient:  # type: ignore[no-untyped-def]
    return web.test_client()


@pytest.fixture
def app_db(runtime: Runtime) -> Iterator[Database]:
    yield runtime.db
