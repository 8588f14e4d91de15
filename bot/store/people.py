"""Which language each person reads: their own choice, else their Slack locale, else the
policy's.

Slack tells a user's locale only when asked (`users.info` with `include_locale`), and
no Slack call may sit on the path a click waits for (Slack wants its answer within
3 s). So the answer is kept in the `people` table for a day: a person Baton has not
met yet, or met more than a day ago, is answered in what Baton knows (at first the
policy's language) and a look-up is queued in the outbox (`Intent.LOOK_UP_PERSON`);
the sender that runs it (bot/delivery/people.py) records Slack's answer here, with the
person's email (`users:read.email`), which outgoing webhooks tell a CRM.

So that even someone's first request is answered in their language, and a member's
first `/lead-status` shows the leads' contact details (bot.leads.privacy: not before
Slack has said they are not a guest), Baton also lists the workspace's members once a
day (`users.list`, `Intent.LIST_PEOPLE`) and keeps each one's Slack locale and guest
flag: not their email, which Baton keeps only of the people it deals with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.core.catalog import LOCALES, Locale
from bot.store import job_runs, outbox
from bot.store.database import Database, upsert
from bot.store.models import PEOPLE_TABLE, Person
from bot.store.outbox import Intent

# How long Slack's answer is trusted: a person who switches Slack to Japanese reads
# Baton in Japanese from the next day at the latest (at once with `/lead-status lang`).
LOOKUP_LIFETIME = timedelta(days=1)
# A queued look-up that has not been answered (Slack down, the row waiting behind a
# rate limit) is not queued again before this: one per person, not one per click.
ASK_AGAIN_AFTER = timedelta(minutes=10)


def locale_from_slack(slack_locale: str | None) -> Locale | None:
    """Baton's language for a Slack locale: Japanese for ja-JP, English for anything else
    Slack names (Baton has no third language); None when Slack named none."""
    if not slack_locale:
        return None
    return "ja" if slack_locale.lower().startswith("ja") else "en"


def chosen(value: str | None) -> Locale | None:
    return next((loc for loc in LOCALES if loc == value), None)


@dataclass(frozen=True)
class Reader:
    """The language to write to one person in, and whether Slack should be asked again."""

    locale: Locale
    source: str  # where `locale` comes from: "chosen", "slack" or "policy"
    stale: bool  # Slack's answer is missing or older than LOOKUP_LIFETIME
    asked_recently: bool  # a look-up is already on its way
    guest: bool | None = None  # a guest of the workspace; None: Slack has not said

    @property
    def should_ask(self) -> bool:
        return self.stale and not self.asked_recently


# One primary-key read on a pooled connection (Database.read_one): this is asked on
# the path a click waits for.
_READ = select(
    Person.slack_locale, Person.chosen_locale, Person.checked_at, Person.asked_at, Person.is_guest
).where(Person.user_id == bindparam("user_id"))


def reader(db: Database, user_id: str, default: str, now: datetime) -> Reader:
    """How to write to `user_id` now; `default` is the policy's language."""
    row = db.read_one(_READ, {"user_id": user_id})
    return _reader(row, default, now)


def _reader(row: Any, default: str, now: datetime) -> Reader:
    fallback = chosen(default) or "en"
    if row is None:
        return Reader(fallback, "policy", stale=True, asked_recently=False)
    picked = chosen(row.chosen_locale)
    slack = locale_from_slack(row.slack_locale)
    stale = row.checked_at is None or now - row.checked_at >= LOOKUP_LIFETIME
    asked = row.asked_at is not None and now - row.asked_at < ASK_AGAIN_AFTER
    source = "chosen" if picked else "slack" if slack else "policy"
    locale = picked or slack or fallback
    return Reader(locale, source, stale=stale, asked_recently=asked, guest=row.is_guest)


def ask(session: Session, user_id: str, now: datetime) -> None:
    """Queue a look-up of `user_id`'s Slack locale, and note that it is on its way."""
    _upsert(session, {"user_id": user_id, "asked_at": now})
    outbox.queue(session, outbox.message(Intent.LOOK_UP_PERSON, now, user=user_id))


def remember(
    session: Session,
    user_id: str,
    slack_locale: str | None,
    now: datetime,
    email: str | None = None,
    status: SlackStatus | None = None,
    guest: bool | None = None,
) -> None:
    """Record Slack's answer (None: Slack could not say, or, for the email, the app lacks
    `users:read.email`; asked again after the lifetime)."""
    status = status or SlackStatus()
    _upsert(
        session,
        {
            "user_id": user_id,
            "slack_locale": slack_locale,
            "email": email,
            "status_emoji": status.emoji,
            "status_until": status.until,
            "is_guest": guest,
            "checked_at": now,
        },
    )


@dataclass(frozen=True)
class Member:
    """One member of the workspace as `users.list` lists them."""

    user_id: str
    slack_locale: str | None
    guest: bool


def learn_members(session: Session, members: list[Member]) -> None:
    """Record what the workspace's listing says of each member: their Slack locale and
    whether they are a guest. Their email, status and when Slack was last asked about
    them are left as they are: a person Baton deals with is still looked up (for their
    email, which the listing does not keep)."""
    rows = [
        {"user_id": m.user_id, "slack_locale": m.slack_locale, "is_guest": m.guest} for m in members
    ]
    upsert(session, PEOPLE_TABLE, rows, key="user_id")


def queue_listing(db: Database, now: datetime) -> bool:
    """Queue the day's listing of the workspace's members (UTC days), unless this process
    or another already did; whether this call did."""
    with db.transaction() as session:
        if not job_runs.first_to_run(session, str(Intent.LIST_PEOPLE), now.date().isoformat(), now):
            return False
        outbox.queue(session, outbox.message(Intent.LIST_PEOPLE, now))
    return True


@dataclass(frozen=True)
class SlackStatus:
    """A person's Slack status emoji, and when Slack clears it (None: when they do)."""

    emoji: str | None = None
    until: datetime | None = None


# How fresh a Slack status must be for assignment (`away_status_emoji`): older, and the
# choice that reads it queues a look-up (it does not wait for one).
STATUS_LIFETIME = timedelta(minutes=15)


def ask_if_stale(
    session: Session,
    user_id: str,
    checked_at: datetime | None,
    asked_at: datetime | None,
    now: datetime,
) -> None:
    """Queue a look-up of `user_id` if Slack's answer is older than STATUS_LIFETIME and
    none is on its way."""
    if checked_at is not None and now - checked_at < STATUS_LIFETIME:
        return
    if asked_at is not None and now - asked_at < ASK_AGAIN_AFTER:
        return
    ask(session, user_id, now)


@dataclass(frozen=True)
class KnownEmail:
    email: str | None
    stale: bool  # Slack's answer is missing or older than LOOKUP_LIFETIME


_READ_EMAIL = select(Person.email, Person.checked_at).where(Person.user_id == bindparam("user_id"))


def email_of(db: Database, user_id: str, now: datetime) -> KnownEmail:
    """The email Slack last gave for `user_id`, and whether to ask again."""
    row = db.read_one(_READ_EMAIL, {"user_id": user_id})
    if row is None:
        return KnownEmail(None, stale=True)
    stale = row.checked_at is None or now - row.checked_at >= LOOKUP_LIFETIME
    return KnownEmail(row.email, stale=stale)


def choose(session: Session, user_id: str, locale: Locale | None) -> None:
    """The person's own choice of language; None goes back to following Slack."""
    _upsert(session, {"user_id": user_id, "chosen_locale": locale})


def _upsert(session: Session, values: dict[str, Any]) -> None:
    upsert(session, PEOPLE_TABLE, values, key="user_id")
