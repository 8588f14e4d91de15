"""The team's availability as Slack shows it: a route's pool (`/lead-status pool`).

Days of an absence are the person's own (their calendar's time zone): away "through
12月10日" is stored as until midnight starting the 11th there, and shown as the day
before that midnight.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.i18n import day_text, join, t
from bot.core.policy import Route
from bot.leads.availability import NotAvailable, RepState
from bot.slack.render import Message, to_dicts
from bot.slack.render.status import notice_message, sections
from bot.slack.render.text import (
    duration,
    one_line,
    parts,
    slack_date,
    who,
)

_ICON = {
    None: "🟢",
    NotAvailable.AWAY: "🌴",
    NotAvailable.OFF_HOURS: "🌙",
    NotAvailable.AT_MAX_OPEN: "⛔",
    NotAvailable.AT_MAX_PER_DAY: "⛔",
    NotAvailable.OFFERED: "•",
}


# --- days ----------------------------------------------------------------------------


def away_until(day: date, zone: ZoneInfo) -> datetime:
    """Away through `day`: until the start of the next day in `zone`."""
    return datetime.combine(day + timedelta(days=1), time(0), zone)


def last_day(until: datetime, zone: ZoneInfo) -> date | None:
    """The last day of an absence that ends at `until`, when it ends at a midnight in
    `zone`; None when it ends at another time of day."""
    local = until.astimezone(zone)
    if local.time() != time(0):
        return None
    return local.date() - timedelta(days=1)


def day_shown(day: date, zone: ZoneInfo, locale: str, now: datetime) -> str:
    """A day as Baton writes it: 「12月10日(木)」, "2026-12-10"."""
    return day_text(datetime.combine(day, time(12), zone), zone, locale, now=now)


def away_phrase(
    prefix: str, until: datetime | None, zone: ZoneInfo, locale: str, now: datetime
) -> str:
    """`{prefix}_until_back`, `{prefix}_through` (a day) or `{prefix}_until` (a time)."""
    if until is None:
        return t(f"{prefix}_until_back", locale)
    day = last_day(until, zone)
    if day is not None:
        return t(f"{prefix}_through", locale, day=day_shown(day, zone, locale, now))
    return t(f"{prefix}_until", locale, at=slack_date(until, zone, locale=locale, now=now))


# --- /lead-status pool ---------------------------------------------------------------


def pool_message(
    route: Route,
    states: list[RepState],
    *,
    zones: dict[str, ZoneInfo],
    locale: str,
    now: datetime,
) -> Message:
    """Each member of the route's pool: whether they can take a lead now or why not,
    their open leads and the leads given to them today."""
    assign = route.assign
    how = [t(f"team.pool.mode.{assign.mode}", locale)]
    window = assign.balance_window
    if assign.strategy == "strict":
        how.append(t("team.pool.strategy.strict", locale))
    elif window % timedelta(days=1):
        span = duration(window, locale)
        how.append(t("team.pool.strategy.balanced_span", locale, span=span))
    else:
        how.append(t("team.pool.strategy.balanced", locale, days=window.days))
    title = t(
        "team.pool.title",
        locale,
        route=one_line(route.name, 100),
        how=join(how, locale),
        available=sum(1 for state in states if state.available),
        total=len(states),
    )
    lines = [title]
    for state in states:
        zone = zones[state.user]
        member = _member(state, route, zone, locale, now)
        lines.append(f"{_ICON[state.why_not]} {who(state.user, locale)} — {member}")
    return Message(text=title, blocks=to_dicts(sections(lines)))


def _member(state: RepState, route: Route, zone: ZoneInfo, locale: str, now: datetime) -> str:
    assign = route.assign
    why = state.why_not
    pieces = []
    if why is None:
        pieces.append(t("team.pool.available", locale))
    elif why is NotAvailable.AWAY:
        pieces.append(away_phrase("team.pool.away", state.away_until, zone, locale, now))
    elif why is NotAvailable.AT_MAX_OPEN:
        pieces.append(t("team.pool.at_max_open", locale, n=state.open_leads, max=assign.max_open))
    elif why is NotAvailable.AT_MAX_PER_DAY:
        pieces.append(t("team.pool.at_max_per_day", locale, n=state.today, max=assign.max_per_day))
    else:
        pieces.append(t(f"team.pool.{why}", locale))
    if why is not NotAvailable.AT_MAX_OPEN:
        if assign.max_open:
            pieces.append(t("team.pool.open_of", locale, n=state.open_leads, max=assign.max_open))
        else:
            pieces.append(t("team.pool.open", locale, n=state.open_leads))
    if why is not NotAvailable.AT_MAX_PER_DAY:
        if assign.max_per_day:
            pieces.append(t("team.pool.today_of", locale, n=state.today, max=assign.max_per_day))
        else:
            pieces.append(t("team.pool.today", locale, n=state.today))
    return parts(pieces, locale)


def claim_route_message(route: Route, locale: str) -> Message:
    return notice_message(t("team.pool.claim", locale, route=one_line(route.name, 100)))
