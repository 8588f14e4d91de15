"""Baton's WebClients for Slack's Web API.

`BatonClient` counts and logs every call (method, result, Slack's request id). The
one used while answering a request from Slack retries a dropped connection once and
never sleeps on a 429: a request thread must answer Slack within 3 seconds.

`OutboxClient` is the one delivery uses. It has no retry handlers of its own: the
outbox retries, with backoff, at the row level. While a row is being sent it also
- holds each call until the pacer allows it (a short wait inline, a long one by
  raising NotReady so the row is rescheduled and the worker moves on),
- tags every chat.postMessage with message metadata naming the outbox row, and
- when the row was attempted before (the last attempt may have died after Slack
  accepted the post), looks for that tagged post in the channel's history first and
  answers with it instead of posting twice.
"""

from __future__ import annotations

import json as jsonlib
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler
from slack_sdk.web import SlackResponse

from bot.core import logs, metrics
from bot.core.settings import Settings
from bot.delivery.failures import classify, retry_after_of
from bot.delivery.pacing import POST_MESSAGE, NotReady, Pacer
from bot.delivery.slack_history import METADATA_EVENT, FoundMessage, HistoryIndex
from bot.delivery.token_health import TokenHealth
from bot.store.models import InSlack, OutboxMessage

log = logging.getLogger(__name__)

INLINE_WAIT_SECONDS = 2.0


def _base_url(settings: Settings) -> str:
    base = settings.slack_api_url
    return base if base.endswith("/") else base + "/"


def make_web_client(
    settings: Settings,
    *,
    timeout: int = 10,
    token_health: TokenHealth | None = None,
    library_logger: logging.Logger | None = None,
) -> BatonClient:
    """The client for calls made while answering a request from Slack (`library_logger`:
    where slack_sdk logs, when not its own)."""
    client = BatonClient(
        token=settings.slack_bot_token,
        base_url=_base_url(settings),
        timeout=timeout,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1)],
        logger=library_logger,
    )
    client.token_health = token_health
    return client


def make_outbox_client(
    settings: Settings,
    pacer: Pacer,
    *,
    timeout: int = 10,
    token_health: TokenHealth | None = None,
) -> OutboxClient:
    """The client delivery sends with (see the module docstring)."""
    client = OutboxClient(
        token=settings.slack_bot_token,
        base_url=_base_url(settings),
        timeout=timeout,
        retry_handlers=[],
        pacer=pacer,
    )
    client.token_health = token_health
    return client


def channel_of(*bodies: dict[str, Any] | None) -> str | None:
    for body in bodies:
        if body and body.get("channel"):
            return str(body["channel"])
    return None


class BatonClient(WebClient):
    """A WebClient that counts and logs each call, and tells `token_health` whether
    Slack accepted the token."""

    token_health: TokenHealth | None = None

    def api_call(  # type: ignore[override]
        self,
        api_method: str,
        *,
        http_verb: str = "POST",
        files: dict | None = None,
        data: dict | None = None,
        params: dict | None = None,
        json: dict | None = None,
        headers: dict | None = None,
        auth: dict | None = None,
    ) -> SlackResponse:
        channel = channel_of(json, params, data)
        started = time.monotonic()
        try:
            response = super().api_call(
                api_method,
                http_verb=http_verb,
                files=files,
                data=data,
                params=params,
                json=json,
                headers=headers,
                auth=auth,
            )
        except Exception as exc:
            failure = classify(exc, api_method, channel)
            response_of = getattr(exc, "response", None)
            self._observe(api_method, channel, started, failure.error, response_of)
            raise
        self._observe(api_method, channel, started, "ok", response)
        return response

    def _observe(
        self, method: str, channel: str | None, started: float, result: str, response: Any
    ) -> None:
        elapsed = time.monotonic() - started
        if self.token_health is not None:
            self.token_health.saw(method, result)
        metrics.SLACK_CALLS.labels(method, result).inc()
        metrics.SLACK_CALL_SECONDS.labels(method).observe(elapsed)
        headers = getattr(response, "headers", None) or {}
        request_id = next(
            (v for k, v in headers.items() if str(k).lower() == "x-slack-req-id"), None
        )
        logs.event(
            log,
            "slack.call",
            logging.DEBUG if result == "ok" else logging.INFO,
            method=method,
            channel=channel,
            result=result,
            duration_ms=round(elapsed * 1000, 1),
            slack_request_id=request_id,
        )


@dataclass
class SendScope:
    """The outbox row a worker thread is sending."""

    outbox_id: int
    first_attempt_at: datetime | None
    # an earlier attempt may have posted (the row's `in_slack` was MAYBE as this began):
    # each post looks for its earlier copy in Slack before it is made again
    look_first: bool
    parts: int = 0
    # something this attempt sent may have reached Slack (so a retry must look for it)
    uncertain: bool = False
    last_call: tuple[str, str | None] | None = None

    @classmethod
    def of(cls, row: OutboxMessage) -> SendScope:
        """The scope of an attempt `Leases.start` began on `row`."""
        return cls(row.id, row.first_attempt_at, look_first=row.in_slack == InSlack.MAYBE)

    def next_part(self) -> int:
        self.parts += 1
        return self.parts


def outbox_metadata(outbox_id: int, part: int | str, **extra: Any) -> dict[str, Any]:
    return {
        "event_type": METADATA_EVENT,
        "event_payload": {"outbox_id": outbox_id, "part": part, **extra},
    }


def marked(**marker: Any) -> dict[str, Any]:
    """Message metadata a sender adds to a post (what the post is about: a lead, a due
    work row); the outbox client adds the row and part to it when it posts."""
    return {"event_type": METADATA_EVENT, "event_payload": marker}


class OutboxClient(BatonClient):
    def __init__(self, *args: Any, pacer: Pacer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pacer = pacer
        self.history = HistoryIndex()
        self._local = threading.local()

    @contextmanager
    def sending(self, scope: SendScope) -> Iterator[SendScope]:
        previous = getattr(self._local, "scope", None)
        self._local.scope = scope
        try:
            yield scope
        finally:
            self._local.scope = previous

    @property
    def scope(self) -> SendScope | None:
        return getattr(self._local, "scope", None)

    def api_call(  # type: ignore[override]
        self,
        api_method: str,
        *,
        http_verb: str = "POST",
        files: dict | None = None,
        data: dict | None = None,
        params: dict | None = None,
        json: dict | None = None,
        headers: dict | None = None,
        auth: dict | None = None,
    ) -> SlackResponse:
        channel = channel_of(json, params, data)
        scope = self.scope
        if scope is not None:
            scope.last_call = (api_method, channel)
        self._respect_limits(api_method, channel)
        posting = api_method == POST_MESSAGE and scope is not None and channel is not None
        if posting:
            assert scope is not None and channel is not None
            json, params, found = self._tag_and_find(scope, channel, json, params)
            if found is not None:
                return found
        try:
            response = super().api_call(
                api_method,
                http_verb=http_verb,
                files=files,
                data=data,
                params=params,
                json=json,
                headers=headers,
                auth=auth,
            )
        except SlackApiError as exc:
            status = getattr(exc.response, "status_code", None)
            if status == 429:
                self.pacer.rate_limited(api_method, channel, retry_after_of(exc.response))
            if posting and scope is not None and (status or 0) >= 500:
                scope.uncertain = True  # Slack may have posted before it failed
            raise
        except Exception:
            if posting and scope is not None:
                scope.uncertain = True  # the answer was lost, not necessarily the post
            raise
        finally:
            self.pacer.called(api_method, channel)
        if posting and scope is not None:
            scope.uncertain = True
        return response

    def _respect_limits(self, method: str, channel: str | None) -> None:
        while (wait := self.pacer.wait_time(method, channel)) > 0:
            if wait > INLINE_WAIT_SECONDS:
                raise NotReady(f"Slack asked Baton to wait before {method}", retry_in=wait)
            time.sleep(wait)

    def _tag_and_find(
        self,
        scope: SendScope,
        channel: str,
        json: dict | None,
        params: dict | None,
    ) -> tuple[dict | None, dict | None, SlackResponse | None]:
        body = json if json is not None else (params or {})
        marker = _payload_of(body.get("metadata"))
        if "outbox_id" in marker:  # the caller tags its own posts (flood lists do)
            return json, params, None
        part = scope.next_part()
        metadata = outbox_metadata(scope.outbox_id, part, **marker)
        if json is not None:
            json = {**json, "metadata": metadata}
        else:
            params = {**(params or {}), "metadata": jsonlib.dumps(metadata)}
        if scope.look_first:
            thread_ts = body.get("thread_ts")
            found = self.history.find(
                self,
                channel,
                scope.first_attempt_at,
                scope.outbox_id,
                part,
                thread_ts=str(thread_ts) if thread_ts else None,
            )
            if found is not None:
                logs.event(log, "outbox.recovered_post", outbox_id=scope.outbox_id, channel=channel)
                return json, params, self._answer(found)
        return json, params, None

    def _answer(self, found: FoundMessage) -> SlackResponse:
        data = {"ok": True, "channel": found.channel, "ts": found.ts, "message": found.message}
        return SlackResponse(
            client=self,
            http_verb="POST",
            api_url=f"{self.base_url}{POST_MESSAGE}",
            req_args={},
            data=data,
            headers={},
            status_code=200,
        )


def _payload_of(metadata: Any) -> dict[str, Any]:
    if isinstance(metadata, str):  # form-encoded calls carry it as JSON
        metadata = jsonlib.loads(metadata)
    payload = metadata.get("event_payload") if isinstance(metadata, dict) else None
    return payload if isinstance(payload, dict) else {}
