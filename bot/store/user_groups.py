"""The members of the Slack user groups (S…) named in assignment pools.

Slack lists a group's members only when asked (`usergroups.users.list`, scope
`usergroups:read`), and a hand-off never waits for Slack: the answer is kept here for
an hour, and a choice that finds a group unknown or older queues a look-up
(`Intent.LOOK_UP_GROUP`, sent by bot/delivery/people.py) and goes on with what it
knows (at first, nobody from that group).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store import outbox
from bot.store.assignment_models import USER_GROUPS_TABLE, UserGroup
from bot.store.database import upsert
from bot.store.outbox import Intent

LOOKUP_LIFETIME = timedelta(hours=1)
ASK_AGAIN_AFTER = timedelta(minutes=10)


def members(
    session: Session, groups: list[str], now: datetime, *, ask: bool = True
) -> dict[str, list[str]]:
    """Each group's members as last known (a group never heard of: none); with `ask`,
    queues a look-up of each group unknown or older than LOOKUP_LIFETIME, once per
    ASK_AGAIN_AFTER."""
    if not groups:
        return {}
    known = {
        row.group_id: row
        for row in session.scalars(select(UserGroup).where(UserGroup.group_id.in_(groups)))
    }
    for group in groups:
        row = known.get(group)
        fresh = (
            row is not None
            and row.checked_at is not None
            and now - row.checked_at < LOOKUP_LIFETIME
        )
        asked = (
            row is not None and row.asked_at is not None and now - row.asked_at < ASK_AGAIN_AFTER
        )
        if ask and not fresh and not asked:
            upsert(session, USER_GROUPS_TABLE, {"group_id": group, "asked_at": now}, "group_id")
            outbox.queue(session, outbox.message(Intent.LOOK_UP_GROUP, now, group=group))
    return {group: list((known[group].members or []) if group in known else []) for group in groups}


def remember(session: Session, group: str, users: list[str] | None, now: datetime) -> None:
    """Record Slack's answer (None: Slack could not say; asked again after the lifetime)."""
    values = {"group_id": group, "members": users, "checked_at": now}
    upsert(session, USER_GROUPS_TABLE, values, "group_id")
