"""Dead letters: messages Slack (or a webhook's receiver) refused for a reason a person
must fix.

`problems(db)` groups them by cause and target, each with a sentence a manager can act
on ("Baton cannot post to #sales: it is not in the channel — invite it with /invite
@Baton"); `/lead-status` and App Home show them. `retry_failed(db)` (the `baton
retry-failed` command) puts them back in line once the cause is fixed. When a cause
first appears, the managers named in the policy get one direct message about it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from bot.core.i18n import t
from bot.core.policy import Policy
from bot.delivery.failures import MESSAGE_ERRORS, WEBHOOK_ERROR, Failure
from bot.delivery.leases import in_slack_after
from bot.store import outbox
from bot.store.database import Database
from bot.store.models import OutboxMessage
from bot.store.outbox import Intent

# Slack error code -> the catalog sentence that explains it (bot/core/catalog/delivery.py).
_PROBLEM_KEYS = {
    "not_in_channel": "delivery.problem.not_in_channel",
    "channel_not_found": "delivery.problem.channel_not_found",
    "is_archived": "delivery.problem.is_archived",
    "channel_is_archived": "delivery.problem.is_archived",
    "restricted_action": "delivery.problem.restricted",
    "restricted_action_read_only_channel": "delivery.problem.restricted",
    "restricted_action_thread_only_channel": "delivery.problem.restricted",
    "restricted_action_non_threadable_channel": "delivery.problem.restricted",
    "invalid_auth": "delivery.problem.token",
    "not_authed": "delivery.problem.token",
    "account_inactive": "delivery.problem.token",
    "token_revoked": "delivery.problem.token",
    "token_expired": "delivery.problem.token",
    "missing_scope": "delivery.problem.scope",
    "no_permission": "delivery.problem.scope",
    "not_allowed_token_type": "delivery.problem.scope",
    "user_not_found": "delivery.problem.user",
    "user_not_visible": "delivery.problem.user",
    "user_disabled": "delivery.problem.user",
    "cannot_dm_bot": "delivery.problem.user",
    "messages_tab_disabled": "delivery.problem.user",
}
MAX_ROWS = 5000


def problem_key(error: str) -> str:
    if error in _PROBLEM_KEYS:
        return _PROBLEM_KEYS[error]
    if error in MESSAGE_ERRORS:
        return "delivery.problem.message"
    if error.startswith("no_sender:"):
        return "delivery.problem.no_sender"
    if error.startswith(WEBHOOK_ERROR):
        return "delivery.problem.webhook"
    return "delivery.problem.other"


def _target(channel: str | None) -> str:
    if not channel:
        return "Slack"
    if channel.startswith(("http://", "https://")):  # a webhook's receiver
        return f"<{channel}>"
    return f"<@{channel}>" if channel[:1] in ("U", "W") else f"<#{channel}>"


@dataclass
class Problem:
    """Dead letters that share a cause and a target."""

    error: str
    channel: str | None
    count: int
    first_at: datetime
    last_at: datetime
    kinds: list[str] = field(default_factory=list)
    lead_ids: list[int] = field(default_factory=list)  # the first few, for context

    @property
    def key(self) -> str:
        return problem_key(self.error)

    def message(self, locale: str = "en") -> str:
        """What is wrong and what to do, for a manager reading Slack."""
        text = t(self.key, locale, **self.params())
        return f"{text} {t('delivery.problem.count', locale, count=self.count)}"

    def hint(self, locale: str = "en") -> str:
        return t("delivery.retry_hint", locale)

    def params(self) -> dict[str, Any]:
        return {"target": _target(self.channel), "error": self.error}


def problems(db: Database) -> list[Problem]:
    """Every open delivery problem, the most recent first."""
    with db.read() as session:
        rows = session.execute(
            select(
                OutboxMessage.kind,
                OutboxMessage.lead_id,
                OutboxMessage.dead_at,
                OutboxMessage.failure,
                OutboxMessage.last_error,
            )
            .where(OutboxMessage.dead_at.is_not(None), OutboxMessage.sent_at.is_(None))
            .order_by(OutboxMessage.dead_at.desc())
            .limit(MAX_ROWS)
        ).all()
    grouped: dict[tuple[str, str | None], Problem] = {}
    kinds: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    for kind, lead_id, dead_at, failure, last_error in rows:
        failure = failure or {}
        error = str(failure.get("error") or last_error or "unknown")
        channel = failure.get("channel")
        key = (error, channel)
        problem = grouped.get(key)
        if problem is None:
            problem = grouped[key] = Problem(error, channel, 0, dead_at, dead_at)
        problem.count += 1
        problem.first_at = min(problem.first_at, dead_at)
        problem.last_at = max(problem.last_at, dead_at)
        kinds[key].add(kind)
        if lead_id is not None and len(problem.lead_ids) < 10:
            problem.lead_ids.append(lead_id)
    for key, problem in grouped.items():
        problem.kinds = sorted(kinds[key])
    return sorted(grouped.values(), key=lambda p: p.last_at, reverse=True)


def retry_failed(
    db: Database, now: datetime, *, channel: str | None = None, error: str | None = None
) -> int:
    """Put dead letters back in line (optionally only one channel's or one error's)."""
    with db.transaction() as session:
        rows = session.execute(
            select(OutboxMessage.id, OutboxMessage.failure, OutboxMessage.last_error).where(
                OutboxMessage.dead_at.is_not(None), OutboxMessage.sent_at.is_(None)
            )
        ).all()
        ids = [
            row.id
            for row in rows
            if (channel is None or (row.failure or {}).get("channel") == channel)
            and (error is None or (row.failure or {}).get("error", row.last_error) == error)
        ]
        for start in range(0, len(ids), 500):
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids[start : start + 500]))
                .values(dead_at=None, failures=0, available_at=now, leased_until=None)
            )
        if ids:
            outbox.wake_delivery(session)
    return len(ids)


def bury(
    db: Database,
    policy: Policy,
    row: OutboxMessage,
    failure: Failure,
    now: datetime,
    *,
    may_have_posted: bool,
) -> None:
    """Make `row` a dead letter; tell the managers if this is a new problem."""
    values: dict[str, Any] = {
        "dead_at": now,
        "leased_until": None,
        "leased_by": None,
        "failures": row.failures + 1,
        "last_error": failure.describe(),
        "failure": failure.as_record(),
        "in_slack": in_slack_after(row, may_have_posted=may_have_posted),
    }
    with db.transaction() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id, OutboxMessage.sent_at.is_(None))
            .values(**values)
        )
        if row.kind == Intent.NOTICE or not policy.roles.managers:
            return  # a notice about a notice would go nowhere better
        others = session.execute(
            select(OutboxMessage.failure).where(
                OutboxMessage.dead_at.is_not(None),
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.id != row.id,
            )
        ).scalars()
        if any(
            (other or {}).get("error") == failure.error
            and (other or {}).get("channel") == failure.channel
            for other in others
        ):
            return
        problem = Problem(failure.error, failure.channel, 1, now, now)
        for manager in policy.roles.managers:
            outbox.queue(
                session,
                outbox.message(
                    Intent.NOTICE,
                    now,
                    to=manager,
                    lines=[
                        {"key": _alert_key(failure), "params": {}},
                        {"key": problem.key, "params": problem.params()},
                        {"key": "delivery.retry_hint", "params": {}},
                    ],
                ),
            )


def _alert_key(failure: Failure) -> str:
    return "delivery.webhook_alert" if failure.error.startswith(WEBHOOK_ERROR) else "delivery.alert"
