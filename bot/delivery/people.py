"""Asking Slack which language a person reads (`users.info` with `include_locale`), and
their email (with the `users:read.email` scope), which outgoing webhooks tell a CRM.

Two callers, one look-up: the outbox row `Intent.LOOK_UP_PERSON`, queued when someone
Baton has not met lately clicks or types (bot.store.people: no Slack call on the path
a click waits for), and `reader_locale`, which the senders of messages to one person
(DMs, App Home, receipts) call at send time, where a look-up costs nobody a wait, so
even the first escalation DM to a manager is in the manager's language. The webhook
sender reads a lead owner's email the same way (`owner_email`).

The workspace's members are also listed once a day (`Intent.LIST_PEOPLE`, `users.list`),
for everyone's language and guest flag before their first request (bot.store.people).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from slack_sdk.errors import SlackApiError, SlackRequestError
from sqlalchemy.orm import Session

from bot.delivery.failures import Verdict, classify
from bot.delivery.pacing import NotReady
from bot.delivery.registry import SendContext, Sent, sender
from bot.store import outbox, people, user_groups
from bot.store.models import OutboxMessage
from bot.store.outbox import Intent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SlackPerson:
    locale: str | None = None
    email: str | None = None  # only with the `users:read.email` scope
    status: people.SlackStatus = field(default_factory=people.SlackStatus)
    guest: bool | None = None  # is_restricted or is_ultra_restricted


def _ask_slack(ctx: SendContext, user_id: str) -> SlackPerson:
    """The person's Slack locale and email; None for what Slack will not say (no such
    user, or the app lacks `users:read`: then everyone reads the policy's language until
    it is reinstalled with that scope; or `users:read.email`). A failure worth retrying
    (a rate limit, an outage) is raised as it came, for the caller to retry or do
    without."""
    try:
        answer = ctx.client.users_info(user=user_id, include_locale=True)
    except SlackApiError as exc:
        failure = classify(exc, "users.info")
        if failure.verdict in (Verdict.RATE_LIMITED, Verdict.TRANSIENT):
            raise
        log.warning("users.info for %s: %s; writing in the policy's language", user_id, failure)
        return SlackPerson()
    user = answer.get("user") or {}
    profile = user.get("profile") or {}
    guest = bool(user.get("is_restricted") or user.get("is_ultra_restricted")) if user else None
    return SlackPerson(user.get("locale"), profile.get("email") or None, _status(profile), guest)


def _status(profile: dict[str, Any]) -> people.SlackStatus:
    """profile.status_emoji and status_expiration (unix seconds; 0: until cleared)."""
    emoji = profile.get("status_emoji") or None
    try:
        expires = int(profile.get("status_expiration") or 0)
    except (TypeError, ValueError):
        expires = 0
    until = datetime.fromtimestamp(expires, UTC) if expires > 0 else None
    return people.SlackStatus(str(emoji) if emoji else None, until)


@sender(Intent.LOOK_UP_PERSON)
def look_up_person(row: OutboxMessage, ctx: SendContext) -> Sent:
    user_id = str(row.payload["user"])
    person = _ask_slack(ctx, user_id)
    now = ctx.now

    def record(session: Session) -> None:
        people.remember(
            session, user_id, person.locale, now, person.email, person.status, person.guest
        )

    return Sent(result={"user": user_id, "locale": person.locale}, record=record)


# users.list pages: Slack asks for at most 200 members a page; a row lists up to
# PAGES_PER_ROW of them, then queues the next row where it stopped, so a big workspace's
# listing goes on after a rate limit or a restart from its last page, not its first.
MEMBERS_PER_PAGE = 200
PAGES_PER_ROW = 10


@sender(Intent.LIST_PEOPLE)
def list_people(row: OutboxMessage, ctx: SendContext) -> Sent:
    cursor = str(row.payload.get("cursor") or "")
    members: list[people.Member] = []
    for _ in range(PAGES_PER_ROW):
        try:
            answer = ctx.client.users_list(
                limit=MEMBERS_PER_PAGE,
                include_locale=True,
                **({"cursor": cursor} if cursor else {}),
            )
        except SlackApiError as exc:
            failure = classify(exc, "users.list")
            if failure.verdict in (Verdict.RATE_LIMITED, Verdict.TRANSIENT):
                raise  # this row again later, from the same page
            # missing_scope (users:read), invalid_cursor: each person is looked up instead
            log.warning("users.list: %s; looking people up one by one", failure)
            cursor = ""
            break
        members += [_member(user) for user in answer.get("members") or [] if _is_person(user)]
        cursor = str((answer.get("response_metadata") or {}).get("next_cursor") or "")
        if not cursor:
            break
    now = ctx.now

    def record(session: Session) -> None:
        people.learn_members(session, members)
        if cursor:  # more pages: the next row starts there
            outbox.queue(session, outbox.message(Intent.LIST_PEOPLE, now, cursor=cursor))

    return Sent(result={"members": len(members), "more": bool(cursor)}, record=record)


def _is_person(user: dict[str, Any]) -> bool:
    return bool(user.get("id")) and not (
        user.get("deleted") or user.get("is_bot") or user.get("id") == "USLACKBOT"
    )


def _member(user: dict[str, Any]) -> people.Member:
    guest = bool(user.get("is_restricted") or user.get("is_ultra_restricted"))
    return people.Member(str(user["id"]), user.get("locale") or None, guest)


@sender(Intent.LOOK_UP_GROUP)
def look_up_group(row: OutboxMessage, ctx: SendContext) -> Sent:
    """The members of a user group named in an assignment pool (bot.store.user_groups)."""
    group = str(row.payload["group"])
    members: list[str] | None
    try:
        answer = ctx.client.usergroups_users_list(usergroup=group)
        members = [str(user) for user in answer.get("users") or []]
    except SlackApiError as exc:
        failure = classify(exc, "usergroups.users.list")
        if failure.verdict in (Verdict.RATE_LIMITED, Verdict.TRANSIENT):
            raise
        # no_such_subteam, missing_scope (usergroups:read): nobody from it, until asked again
        log.warning("usergroups.users.list for %s: %s; the pool has none of it", group, failure)
        members = None
    now = ctx.now

    def record(session: Session) -> None:
        user_groups.remember(session, group, members, now)

    return Sent(result={"group": group, "members": len(members or [])}, record=record)


def reader_locale(ctx: SendContext, user_id: str) -> str:
    """The language to write to `user_id` in, asking Slack first if what Baton knows is
    older than a day. A failed look-up never holds the message: it goes out in what
    Baton knows (at first the policy's language)."""
    known = people.reader(ctx.db, user_id, ctx.policy.locale, ctx.now)
    if not known.stale or known.source == "chosen":
        return known.locale
    person = _ask_now(ctx, user_id)
    if person is None:
        return known.locale
    return people.locale_from_slack(person.locale) or known.locale


def guest_status(ctx: SendContext, user_id: str) -> bool | None:
    """Whether Slack says `user_id` is a guest of the workspace, for a message to them
    alone (after `reader_locale`, which asks Slack first when what Baton knows is old);
    asked now if Baton has never been told. None when Slack will not say: they then see
    no lead's contact details (bot.leads.privacy)."""
    known = people.reader(ctx.db, user_id, ctx.policy.locale, ctx.now).guest
    if known is not None:
        return known
    person = _ask_now(ctx, user_id)
    return None if person is None else person.guest


def owner_email(ctx: SendContext, user_id: str) -> str | None:
    """`user_id`'s email for a webhook's body, asking Slack first if what Baton knows is
    older than a day (as `reader_locale` does); None when Slack will not say."""
    known = people.email_of(ctx.db, user_id, ctx.now)
    if not known.stale:
        return known.email
    person = _ask_now(ctx, user_id)
    return known.email if person is None else person.email


def _ask_now(ctx: SendContext, user_id: str) -> SlackPerson | None:
    """Ask Slack and record the answer; None when it did not answer (asked again later)."""
    try:
        person = _ask_slack(ctx, user_id)
    except (SlackApiError, SlackRequestError, NotReady, OSError) as exc:
        log.info("users.info for %s not answered (%s); asking again later", user_id, exc)
        return None
    with ctx.db.transaction() as session:
        people.remember(
            session, user_id, person.locale, ctx.now, person.email, person.status, person.guest
        )
    return person
