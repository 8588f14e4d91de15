"""Finding Baton's own earlier posts in a channel, by the message metadata it tags them with.

Every chat.postMessage delivery makes carries metadata naming its outbox row (and, for
a row with several posts, which one). Before re-sending a row whose earlier attempt
may have reached Slack, delivery reads the channel's recent history (with
`include_all_metadata`; for a reply, the thread's replies, which a channel's history
does not hold) and uses the post it finds instead of posting again. This
needs the `channels:history`, `groups:history`, `im:history` and `mpim:history` scopes
(and `im:write` to find a direct-message channel); without them Baton posts again
rather than not at all.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core import logs
from bot.delivery.failures import PERMANENT_ERRORS, classify

log = logging.getLogger(__name__)

METADATA_EVENT = "baton_outbox"
HISTORY_METHOD = "conversations.history"
REPLIES_METHOD = "conversations.replies"
THREAD_GONE = "thread_not_found"  # conversations.replies: no message at that ts
# Slack's clock and ours may disagree; look this much further back.
HISTORY_MARGIN = timedelta(minutes=2)
HISTORY_PAGE = 200
HISTORY_MAX_PAGES = 10
HISTORY_CACHE_SECONDS = 20.0


@dataclass(frozen=True)
class FoundMessage:
    channel: str
    ts: str
    message: dict[str, Any]

    @property
    def payload(self) -> dict[str, Any]:
        metadata = self.message.get("metadata") or {}
        payload = metadata.get("event_payload") if isinstance(metadata, dict) else None
        return payload if isinstance(payload, dict) else {}


@dataclass
class _Scan:
    at: float
    oldest: float
    channel: str
    messages: list[FoundMessage] = field(default_factory=list)


# A channel's history, or (channel, thread ts) for a thread's replies.
_Where = tuple[str, str | None]


class HistoryIndex:
    """Baton's own tagged posts in a channel's recent history, cached briefly.

    A post made by this process is recorded before the row is marked sent, so a
    cached scan can only miss posts that do not matter: the ones it already knows of.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._scans: dict[_Where, _Scan] = {}
        self._dm: dict[str, str] = {}

    def find(
        self,
        client: WebClient,
        channel: str,
        since: datetime | None,
        outbox_id: int,
        part: int | str,
        *,
        thread_ts: str | None = None,
    ) -> FoundMessage | None:
        """The post of `part` of outbox row `outbox_id` in `channel` (in the thread at
        `thread_ts`, for a reply), if Slack has it."""
        for message in self.messages(client, channel, since, thread_ts=thread_ts):
            payload = message.payload
            if payload.get("outbox_id") == outbox_id and payload.get("part") == part:
                return message
        return None

    def flood_list_containing(
        self, client: WebClient, channel: str, since: datetime | None, outbox_id: int
    ) -> FoundMessage | None:
        for message in self.messages(client, channel, since):
            if outbox_id in (message.payload.get("outbox_ids") or []):
                return message
        return None

    def messages(
        self,
        client: WebClient,
        channel: str,
        since: datetime | None,
        *,
        thread_ts: str | None = None,
    ) -> list[FoundMessage]:
        oldest = ((since or datetime.now().astimezone()) - HISTORY_MARGIN).timestamp()
        now = time.monotonic()
        where = (channel, thread_ts)
        with self._lock:
            scan = self._scans.get(where)
            if scan and now - scan.at < HISTORY_CACHE_SECONDS and scan.oldest <= oldest:
                return scan.messages
        scan = self._scan(client, channel, oldest, thread_ts)
        with self._lock:
            self._scans[where] = scan
            if len(self._scans) > 1000:
                self._scans = {k: v for k, v in self._scans.items() if now - v.at < 60}
        return scan.messages

    def forget(self, channel: str) -> None:
        with self._lock:
            for where in [w for w in self._scans if w[0] == channel]:
                del self._scans[where]

    def _scan(self, client: WebClient, channel: str, oldest: float, thread_ts: str | None) -> _Scan:
        target = self._conversation(client, channel)
        scan = _Scan(time.monotonic(), oldest, target)
        cursor: str | None = None
        method = REPLIES_METHOD if thread_ts else HISTORY_METHOD
        try:
            for _ in range(HISTORY_MAX_PAGES):
                page = (
                    client.conversations_replies(
                        channel=target,
                        ts=thread_ts,
                        oldest=f"{oldest:.6f}",
                        limit=HISTORY_PAGE,
                        include_all_metadata=True,
                        cursor=cursor,
                    )
                    if thread_ts
                    else client.conversations_history(
                        channel=target,
                        oldest=f"{oldest:.6f}",
                        limit=HISTORY_PAGE,
                        include_all_metadata=True,
                        cursor=cursor,
                    )
                )
                for message in page.get("messages") or []:
                    metadata = message.get("metadata") or {}
                    if isinstance(metadata, dict) and metadata.get("event_type") == METADATA_EVENT:
                        scan.messages.append(FoundMessage(target, str(message["ts"]), message))
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
                if not page.get("has_more") or not cursor:
                    break
        except SlackApiError as exc:
            failure = classify(exc, method, target)
            if failure.error not in PERMANENT_ERRORS and failure.error != THREAD_GONE:
                raise
            # Without history access Baton cannot look for its earlier post; sending a
            # message twice is better than never sending it. (A thread that is gone holds
            # no earlier reply either: the post that follows says what is wrong.)
            logs.event(
                log,
                "outbox.history_unavailable",
                logging.WARNING,
                channel=target,
                error=failure.error,
            )
        return scan

    def _conversation(self, client: WebClient, channel: str) -> str:
        """A user id posts into the bot's DM with them; history needs the DM's id."""
        if channel[:1] not in ("U", "W"):
            return channel
        with self._lock:
            known = self._dm.get(channel)
        if known:
            return known
        opened = client.conversations_open(users=channel)
        dm = str((opened.get("channel") or {}).get("id") or channel)
        with self._lock:
            self._dm[channel] = dm
        return dm
