"""One unit of delivery work: send a row (or one flood list) and record the outcome.

Success is recorded with the sender's effects in one transaction; card updates that
the send covered are marked superseded. NotReady reschedules without counting a
failure; Slack's answers are classified (bot.delivery.failures) into wait, back off, or
dead letter.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_sdk.errors import SlackApiError
from sqlalchemy import or_, select, update

from bot.core import logs, metrics
from bot.core.clock import Now
from bot.core.policy import Policy
from bot.delivery import dead_letters, flood_list
from bot.delivery.failures import Failure, Verdict, backoff_seconds, classify, gives_up
from bot.delivery.leases import Leases
from bot.delivery.pacing import NotReady
from bot.delivery.registry import SENDERS, NoSender, SendContext, Sent
from bot.delivery.slack_client import OutboxClient, SendScope, outbox_metadata
from bot.store.database import UNSYNCED, Database
from bot.store.models import InSlack, OutboxMessage, SlackMessage
from bot.store.outbox import Intent, release_waiting

log = logging.getLogger(__name__)
NOT_READY_MAX_WAIT = 300.0


class Steps:
    def __init__(
        self, db: Database, client: OutboxClient, policy: Policy, clock: Now, leases: Leases
    ) -> None:
        self.db = db
        self.client = client
        self.policy = policy
        self.now = clock
        self.leases = leases

    # --- one row -----------------------------------------------------------------------

    def send_row(self, row_id: int, lane_channel: str | None, route: str | None = None) -> None:
        """Send one row; `route` (its lead's, as leased) only names it in the logs."""
        rows = self.leases.start([row_id])
        if not rows:
            return  # another process took it over
        row = rows[0]
        with logs.bound(outbox_id=row.id, lead_id=row.lead_id, kind=row.kind, route=route):
            scope = SendScope.of(row)
            ctx = SendContext(self.db, self.client, self.policy, self.now(), row=row)
            superseded: list[int] = []
            try:
                with self.client.sending(scope):
                    if row.kind == Intent.POST_CARD and scope.look_first and lane_channel:
                        found = self.client.history.flood_list_containing(
                            self.client, lane_channel, row.first_attempt_at, row.id
                        )
                        if found is not None:
                            self.record_flood_list([row], found.channel, found.ts)
                            return
                    if row.kind == Intent.UPDATE_CARD or _first_card_post(row):
                        superseded = self._later_updates(row)
                    sent = self._call_sender(row, ctx)
                    if sent.result and "skipped" in sent.result:
                        superseded = []  # nothing was rendered, so nothing is covered
            except NotReady as exc:
                self.defer([row], exc, may_have_posted=scope.uncertain)
                return
            except Exception as exc:
                self.fail([row], exc, scope.last_call, may_have_posted=scope.uncertain)
                return
            self._mark_sent(row, sent, superseded)

    def _call_sender(self, row: OutboxMessage, ctx: SendContext) -> Sent:
        if row.kind == Intent.UPDATE_CARD and row.lead_id is not None:
            refreshed = flood_list.refresh(ctx, row.lead_id)
            if refreshed and not self._has_card(row.lead_id):
                return Sent(result={"digests": refreshed})
        send = SENDERS.get(row.kind)
        if send is None:
            raise NoSender(row.kind)
        return send(row, ctx)

    def _has_card(self, lead_id: int) -> bool:
        with self.db.read() as session:
            found = session.scalar(
                select(SlackMessage.id)
                .where(SlackMessage.lead_id == lead_id, SlackMessage.purpose != flood_list.PURPOSE)
                .limit(1)
            )
        return found is not None

    def _later_updates(self, row: OutboxMessage) -> list[int]:
        """Pending card updates of the same lead after this one: this send covers them
        (a sender renders the lead as it is now, after all of them were written; a first
        card post shows the newest state too, so updates queued before it are moot)."""
        if row.lead_id is None:
            return []
        now = self.now()
        with self.db.read() as session:
            return list(
                session.scalars(
                    select(OutboxMessage.id).where(
                        OutboxMessage.lead_id == row.lead_id,
                        OutboxMessage.kind == Intent.UPDATE_CARD,
                        OutboxMessage.id > row.id,
                        OutboxMessage.sent_at.is_(None),
                        OutboxMessage.dead_at.is_(None),
                        or_(OutboxMessage.leased_until.is_(None), OutboxMessage.leased_until < now),
                    )
                )
            )

    def _mark_sent(self, row: OutboxMessage, sent: Sent, superseded: list[int]) -> None:
        now = self.now()
        with self.db.transaction() as session:
            if sent.record is not None:
                sent.record(session)
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id, OutboxMessage.sent_at.is_(None))
                .values(
                    sent_at=now,
                    leased_until=None,
                    leased_by=None,
                    result=sent.result,
                    last_error=None,
                    failure=None,
                )
                .execution_options(**UNSYNCED)
            )
            if superseded:
                session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(superseded), OutboxMessage.sent_at.is_(None))
                    .values(sent_at=now, leased_until=None, result={"superseded_by": row.id})
                    .execution_options(**UNSYNCED)
                )
        metrics.OUTBOX_SENT.labels(row.kind, "send").inc()
        if superseded:
            metrics.OUTBOX_SENT.labels(row.kind, "coalesced").inc(len(superseded))
        logs.event(log, "outbox.sent", attempts=row.attempts, coalesced=len(superseded) or None)

    # --- flood lists -----------------------------------------------------------------------

    def send_flood_list(self, ids: list[int], channel: str) -> None:
        rows = self.leases.start(ids)
        if not rows:
            return
        # One post for many rows, tagged with all of them: the client's scope (the first
        # row's) only keeps track of whether the post may have reached Slack.
        scope = SendScope.of(rows[0])
        with logs.bound(channel=channel, kind="digest"), self.client.sending(scope):
            try:
                rows = self._recover_listed(rows, channel)
                if not rows:
                    return
                text, blocks = flood_list.render_for_rows(self.db, rows, self.policy)
                metadata = outbox_metadata(rows[0].id, "digest", outbox_ids=[r.id for r in rows])
                answer = self.client.chat_postMessage(
                    channel=channel, text=text, blocks=blocks, metadata=metadata
                )
            # Refused for now, the list is tried again as one: its rows come back together
            # and are never leased one by one (`flood_list`, bot/delivery/leases.py).
            except NotReady as exc:
                self.defer(rows, exc, may_have_posted=scope.uncertain, flood_list=rows[0].id)
                return
            except Exception as exc:
                self.fail(
                    rows,
                    exc,
                    scope.last_call,
                    may_have_posted=scope.uncertain,
                    flood_list=rows[0].id,
                )
                return
            self.record_flood_list(rows, str(answer.get("channel") or channel), str(answer["ts"]))

    def _recover_listed(self, rows: list[OutboxMessage], channel: str) -> list[OutboxMessage]:
        """Rows an interrupted earlier attempt already put in a flood list: record, drop."""
        remaining = []
        for row in rows:
            found = None
            if row.in_slack == InSlack.MAYBE:
                found = self.client.history.flood_list_containing(
                    self.client, channel, row.first_attempt_at, row.id
                )
            if found is not None:
                self.record_flood_list([row], found.channel, found.ts)
            else:
                remaining.append(row)
        return remaining

    def record_flood_list(self, rows: list[OutboxMessage], channel: str, ts: str) -> None:
        now = self.now()
        with self.db.transaction() as session:
            done = list(
                session.scalars(
                    update(OutboxMessage)
                    .where(
                        OutboxMessage.id.in_([r.id for r in rows]),
                        OutboxMessage.sent_at.is_(None),
                    )
                    .values(
                        sent_at=now,
                        leased_until=None,
                        leased_by=None,
                        result={"digest": {"channel": channel, "ts": ts}},
                        last_error=None,
                        failure=None,
                    )
                    .returning(OutboxMessage.lead_id)
                    .execution_options(**UNSYNCED)
                )
            )
            listed = sorted({d for d in done if d is not None})
            session.add_all(
                SlackMessage(
                    lead_id=lead_id,
                    purpose=flood_list.PURPOSE,
                    channel=channel,
                    ts=ts,
                    created_at=now,
                )
                for lead_id in listed
            )
            # A listed lead's timeline goes under the flood list.
            release_waiting(session, Intent.THREAD_EVENT, listed, now)
        metrics.OUTBOX_SENT.labels(Intent.POST_CARD, "digest").inc(len(done))
        logs.event(log, "outbox.digest_sent", channel=channel, leads=len(done), ts=ts)

    # --- when it did not work ------------------------------------------------------------

    def defer(
        self,
        rows: list[OutboxMessage],
        exc: NotReady,
        *,
        may_have_posted: bool,
        flood_list: int | None = None,
    ) -> None:
        """Try `rows` again later; the rows of a `flood_list` (its first row's id) all at
        the same moment, as that list."""
        now = self.now()
        together = {"flood_list": flood_list} if flood_list is not None else {}
        oldest = min(row.created_at for row in rows)
        for row in rows:
            wait = exc.retry_in
            if wait is None:  # the longer a row has waited, the less often it looks
                age = (now - (oldest if together else row.created_at)).total_seconds()
                wait = min(max(age / 10, 1.0), NOT_READY_MAX_WAIT)
            self.leases.reschedule(
                row, now + timedelta(seconds=wait), may_have_posted=may_have_posted, **together
            )
            metrics.OUTBOX_RETRIES.labels(row.kind, "not_ready").inc()
        logs.event(log, "outbox.not_ready", logging.DEBUG, reason=exc.reason, rows=len(rows))

    def fail(
        self,
        rows: list[OutboxMessage],
        exc: BaseException,
        last_call: tuple[str, str | None] | None,
        *,
        may_have_posted: bool,
        flood_list: int | None = None,
    ) -> None:
        """Retry `rows` or bury them, as `exc` says; the rows of a `flood_list` (its first
        row's id) are retried at one moment, as that list."""
        failure = self._classify(exc, last_call)
        if failure.verdict is Verdict.UNKNOWN:  # most likely a bug in a sender
            log.error("outbox send failed", exc_info=exc)
        now = self.now()
        together = {"flood_list": flood_list} if flood_list is not None else {}
        shared_delay = backoff_seconds(max(row.failures for row in rows) + 1) if together else None
        for row in rows:
            if failure.verdict is Verdict.RATE_LIMITED:
                wait = timedelta(seconds=failure.retry_after or 1.0)
                self.leases.reschedule(row, now + wait, may_have_posted=may_have_posted, **together)
                metrics.OUTBOX_RETRIES.labels(row.kind, "rate_limited").inc()
                continue
            failures = row.failures + 1
            if gives_up(failure, failures):
                dead_letters.bury(
                    self.db, self.policy, row, failure, now, may_have_posted=may_have_posted
                )
                metrics.OUTBOX_DEAD.labels(row.kind, failure.error).inc()
                logs.event(
                    log, "outbox.dead", logging.ERROR, outbox_id=row.id, error=failure.describe()
                )
                continue
            delay = shared_delay if shared_delay is not None else backoff_seconds(failures)
            self.leases.reschedule(
                row,
                now + timedelta(seconds=delay),
                may_have_posted=may_have_posted,
                failures=failures,
                last_error=failure.describe(),
                failure=failure.as_record(),
                **together,
            )
            metrics.OUTBOX_RETRIES.labels(row.kind, failure.error).inc()
            logs.event(
                log,
                "outbox.retry",
                logging.WARNING,
                outbox_id=row.id,
                error=failure.describe(),
                retry_in=round(delay, 2),
            )

    @staticmethod
    def _classify(exc: BaseException, last_call: tuple[str, str | None] | None) -> Failure:
        if isinstance(exc, NoSender):
            return Failure(Verdict.PERMANENT, f"no_sender:{exc}")
        method, channel = last_call or (None, None)
        if isinstance(exc, SlackApiError):
            method, channel = _call_of(exc) or (method, channel)
        return classify(exc, method, channel)


def _call_of(exc: SlackApiError) -> tuple[str, str | None] | None:
    """The method and channel of the call that failed, from Slack's error."""
    response = exc.response
    url = str(getattr(response, "api_url", "") or "")
    if not url:
        return None
    req = getattr(response, "req_args", None) or {}
    body = req.get("json") or req.get("params") or {}
    channel = body.get("channel") if isinstance(body, dict) else None
    return url.rsplit("/", 1)[-1].split("?")[0], channel


def _first_card_post(row: OutboxMessage) -> bool:
    # A repost leaves the original card behind, which the queued updates still need.
    return row.kind == Intent.POST_CARD and not row.payload.get("repost")
