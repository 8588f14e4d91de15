"""What the controls of an escalation DM do: reassign the lead, or snooze its reminders
(30 minutes, an hour, or until 9:00 on the next business day of the route's calendar;
always with who and why). Each tells the person who acted, through the outbox."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.business_time import Calendar
from bot.core.errors import InvalidInput
from bot.core.i18n import t
from bot.leads.lifecycle import LeadService
from bot.slack.render.text import slack_date
from bot.store import outbox
from bot.store.models import Lead
from bot.store.outbox import Intent

log = logging.getLogger(__name__)

MORNING = time(9, 0)
CHOICES = ("30m", "1h", "tomorrow")


def snooze_until(calendar: Calendar, choice: str, now: datetime) -> datetime:
    if choice == "30m":
        return now + timedelta(minutes=30)
    if choice == "1h":
        return now + timedelta(hours=1)
    if choice == "tomorrow":
        zone = ZoneInfo(calendar.timezone)
        tomorrow = now.astimezone(zone).date() + timedelta(days=1)
        midnight = datetime.combine(tomorrow, time(0), tzinfo=zone).astimezone(UTC)
        return calendar.at_local_time(midnight, MORNING)
    raise InvalidInput("sla.snooze.choose")


def reassign(
    leads: LeadService,
    lead_id: int,
    user_id: str,
    new_owner: str,
    channel: str | None,
    locale: str,
) -> Lead:
    """Give the lead to `new_owner` (who gets a DM; their first-touch clock starts);
    `user_id`, who reads `locale`, is told it is done."""
    lead = leads.reassign(lead_id, user_id, new_owner)
    text = t("sla.reassign.done", locale, lead_id=lead_id, owner=new_owner)
    _tell(leads, user_id, channel, text)
    return lead


def snooze(
    leads: LeadService,
    lead_id: int,
    user_id: str,
    choice: str | None,
    reason: str | None,
    locale: str,
) -> Lead:
    """Snooze as chosen in the modal; a snooze without a reason is refused."""
    if choice not in CHOICES:
        raise InvalidInput("sla.snooze.choose")
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("sla.snooze.reason_required")
    lead = leads.get(lead_id)
    route = leads.policy.route_of_lead(lead.route)
    calendar = (
        leads.policy.calendar_for(route)
        if route
        else leads.policy.calendar_for(leads.policy.routes[0])
    )
    until = snooze_until(calendar, choice, leads.now())
    lead = leads.snooze(lead_id, user_id, until, reason=reason)
    tz = ZoneInfo(leads.policy.timezone)
    text = t("sla.snooze.done", locale, lead_id=lead_id, until=slack_date(until, tz, locale=locale))
    _tell(leads, user_id, None, text)
    return lead


def _tell(leads: LeadService, user_id: str, channel: str | None, text: str) -> None:
    """A note only `user_id` sees. The change it confirms is already committed, so a
    failure to queue the note is logged, not reported as a failed change."""
    try:
        with leads.db.transaction() as session:
            outbox.queue(
                session,
                outbox.message(
                    Intent.EPHEMERAL, leads.now(), user=user_id, channel=channel, text=text
                ),
            )
    except Exception:
        log.exception("could not queue a confirmation for %s", user_id)
