"""The team's availability as Slack shows it: a route's pool (`/lead-status pool`), and in
App Home the viewer's away state with its controls and the offers waiting for them.

Days of an absence are the person's own (their calendar's time zone): away "through
12月10日" is stored as until midnight starting the 11th there, and shown as the day
before that midnight.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    MarkdownTextObject,
    SectionBlock,
)

from bot.core.i18n import day_text, join, t
from bot.core.policy import Route
from bot.leads.availability import Away, NotAvailable, RepState
from bot.slack.ids import BlockId, HomeActionId
from bot.slack.render import Message, to_dicts
from bot.slack.render.card import lead_name
from bot.slack.render.offer import offer_buttons
from bot.slack.render.status import notice_message, sections
from bot.slack.render.text import (
    SECTION_TEXT,
    duration,
    fit,
    one_line,
    parts,
    slack_date,
    who,
)
from bot.store.assignment_models import Assignment
from bot.store.models import Lead

HOME_OFFERS = 10  # offers shown in App Home (two blocks each); the rest are in DMs
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


# --- App Home ------------------------------------------------------------------------


@dataclass(frozen=True)
class HomeTeam:
    """The viewer's part in assignment: whether they are away, and the offers waiting
    for their answer (oldest first) with their leads."""

    user: str
    away: Away | None
    zone: ZoneInfo  # where the viewer's days begin and end
    offers: list[tuple[Assignment, Lead]]


def home_team_blocks(home: HomeTeam, *, locale: str, tz: ZoneInfo, now: datetime) -> list[Block]:
    """The offers waiting for the viewer (Accept / Pass), then their away state with a
    date picker and the Away / I'm back buttons."""
    blocks: list[Block] = []
    if home.offers:
        title = t("team.home.offers_title", locale, n=len(home.offers))
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*{title}*")))
        for offer, lead in home.offers[:HOME_OFFERS]:
            blocks += _offer_blocks(offer, lead, locale=locale, tz=tz, now=now)
        more = len(home.offers) - HOME_OFFERS
        if more > 0:
            note = t("team.home.more_offers", locale, n=more)
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    blocks += _away_blocks(home, locale=locale, now=now)
    return blocks


def _offer_blocks(
    offer: Assignment, lead: Lead, *, locale: str, tz: ZoneInfo, now: datetime
) -> list[Block]:
    line = f"*#{lead.id}* {one_line(lead_name(lead, locale), 120)}"
    if lead.company and lead.name:
        line += t("report.lead_company", locale, company=one_line(lead.company, 120))
    if offer.due_at is not None:
        due = slack_date(offer.due_at, tz, locale=locale, now=now)
        line += "\n" + t("team.home.accept_by", locale, due=due)
    return [
        SectionBlock(text=MarkdownTextObject(text=fit(line, SECTION_TEXT, mrkdwn=False))),
        offer_buttons(lead.id, locale),
    ]


def _away_blocks(home: HomeTeam, *, locale: str, now: datetime) -> list[Block]:
    picker = DatePickerElement(
        action_id=HomeActionId.AWAY_UNTIL, placeholder=t("team.home.last_day", locale)
    )
    elements: list[ButtonElement | DatePickerElement] = [
        picker,
        ButtonElement(text=t("team.home.away", locale), action_id=HomeActionId.AWAY),
    ]
    away = home.away
    if away is None:
        text = t("team.home.not_away", locale)
    else:
        text = away_phrase("team.home.away", away.until, home.zone, locale, now)
        if away.set_by and away.set_by != home.user:
            text += "\n" + t("team.home.away_set_by", locale, who=who(away.set_by, locale))
        day = last_day(away.until, home.zone) if away.until is not None else None
        if day is not None:
            picker.initial_date = day.isoformat()
        elements.append(
            ButtonElement(
                text=t("team.home.back", locale), action_id=HomeActionId.BACK, style="primary"
            )
        )
    return [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ActionsBlock(block_id=BlockId.HOME_AWAY, elements=elements),
    ]
