"""PostgreSQL gone silent (a relay holds every byte, nothing is reset) behind a real
`baton serve`: POST /leads answers 503 with Retry-After and /healthz 503 within seconds
instead of for as long as the silence lasts, and both recover by themselves once the
network is back (bot/store/deadline.py, bot/store/engine.py)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.client import HTTPResponse
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.intake.auth import signed_headers
from tests.conftest import require_postgres
from tests.support import databases
from tests.support.intake import INTAKE_SECRET
from tests.support.processes import Baton, request, wait_until
from tests.support.slack_api import SlackStandIn
from tests.support.tcp_relay import TcpRelay

# Far above the few seconds Baton takes, far below a silence that is never answered:
# the test tells "answered" from "hung" without timing the machine.
PATIENCE = 60.0


def post(url: str, body: bytes, headers: dict[str, str]) -> HTTPResponse:
    try:
        return urllib.request.urlopen(
            urllib.request.Request(url, data=body, headers=headers), timeout=PATIENCE
        )
    except urllib.error.HTTPError as error:
        return error  # type: ignore[return-value]


def lead(n: int) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"source": "web", "external_id": f"p-{n}", "name": f"Lead {n}"}).encode()
    headers = {"Content-Type": "application/json"} | signed_headers(
        INTAKE_SECRET, body, int(time.time())
    )
    return body, headers


@pytest.fixture
def through_relay(slack_api: SlackStandIn, tmp_path: Path) -> Iterator[tuple[Baton, TcpRelay]]:
    if "postgresql" not in databases.backends():
        pytest.skip("PostgreSQL not selected")
    require_postgres()
    schema = databases.PostgresSchema("baton_partition")
    url = make_url(schema.url)
    try:
        from bot.store.engine import make_engine
        from bot.store.schema import upgrade

        engine = make_engine(schema.url)
        upgrade(engine)
        engine.dispose()
        with TcpRelay((url.host or "127.0.0.1", url.port or 5432)) as relay:
            relayed = url.set(host="127.0.0.1", port=relay.port)
            baton = Baton(
                "serve",
                database_url=relayed.render_as_string(hide_password=False),
                slack_api=slack_api,
                workdir=tmp_path,
                BATON_INTAKE_SECRET=INTAKE_SECRET,
            )
            try:
                yield baton.start(), relay
            finally:
                relay.release()
                baton.stop()
    finally:
        schema.drop()


def test_a_silent_database_gets_503s_in_seconds_and_recovers_by_itself(
    through_relay: tuple[Baton, TcpRelay],
) -> None:
    baton, relay = through_relay
    body, headers = lead(1)
    assert request(f"{baton.url}/leads", data=body, headers=headers)[0] == 201

    relay.hold()
    body, headers = lead(2)
    started = time.monotonic()
    refused = post(f"{baton.url}/leads", body, headers)
    assert refused.status == 503, refused.read()
    assert int(refused.headers["Retry-After"]) > 0
    assert "error" in json.loads(refused.read())
    health, _ = baton.get("/healthz", timeout=PATIENCE)
    assert health == 503
    assert time.monotonic() - started < PATIENCE

    relay.release()
    wait_until(lambda: baton.get("/healthz")[0] == 200, PATIENCE, baton.log)
    status, answer = request(f"{baton.url}/leads", data=body, headers=headers, timeout=PATIENCE)
    assert status == 201, answer  # nothing was stored for the refused lead
