"""The team's availability for assignment, as Slack asks about it: `/lead-status away`,
`back` and `pool`, and App Home's away controls (what listeners call, through
`SlackService.team`); and what App Home shows of a rep's part in assignment
(`home_team`, for the Home tab's publisher).

Away is a rep's row in `people` (bot/leads/availability.py). Someone marks themselves;
a manager may mark anyone (`away @rep`). "Through a day" means until the start of the
next day where the rep works: their own calendar's time zone (`rep_calendars`), else the
policy's. Every change redraws the rep's Home tab (Intent.HOME_PUBLISH).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.core.errors import InvalidInput
from bot.core.i18n import join, t
from bot.core.policy import Policy, Route
from bot.leads.availability import away_of, set_away, set_back
from bot.leads.offers import waiting_for
from bot.leads.pool import Pool
from bot.leads.turn import pool_members
from bot.slack.ids import BlockId, HomeActionId
from bot.slack.render import Message
from bot.slack.render.status import notice_message
from bot.slack.render.team import (
    HomeTeam,
    away_until,
    claim_route_message,
    day_shown,
    pool_message,
)
from bot.slack.render.text import one_line, who
from bot.slack.status_query import QueryKind, StatusQuery
from bot.slack.team_query import BAD_DAY, read_away
from bot.store import outbox
from bot.store.database import Database
from bot.store.models import Lead
from bot.store.outbox import Intent

TEAM_QUERIES = frozenset({QueryKind.AWAY, QueryKind.BACK, QueryKind.POOL})
# Counting every member's open leads and today's leads, also on a route without caps:
# a cap no one reaches (bot.leads.availability counts only for the caps a route has).


def zone_of(policy: Policy, user: str) -> ZoneInfo:
    """Where `user`'s days begin and end: their own calendar's time zone, else the policy's."""
    name = policy.rep_calendars.get(user)
    calendar = policy.calendars.get(name) if name else None
    return ZoneInfo(calendar.timezone if calendar is not None else policy.timezone)


class TeamService:
    """Built by SlackService with its clock and its way of finding a reader's language."""

    def __init__(
        self,
        db: Database,
        policy: Policy,
        *,
        clock: Callable[[], datetime],
        locale_for: Callable[[str | None], str],
    ) -> None:
        self.db = db
        self.policy = policy
        self.now = clock
        self.locale_for = locale_for

    def answer(self, user_id: str, query: StatusQuery) -> Message:
        """`/lead-status away …`, `back …` or `pool …`, in the asker's language."""
        text = str(query.value or "")
        if query.kind is QueryKind.POOL:
            return self._pool(user_id, text)
        if query.kind is QueryKind.BACK:
            return self._back(user_id, text)
        return self._away(user_id, text)

    # --- away and back ----------------------------------------------------------------

    def _away(self, user_id: str, text: str) -> Message:
        loc = self.locale_for(user_id)
        ask = read_away(text)
        if ask.problem is not None:
            return _away_usage(t(ask.problem, loc, given=ask.given), loc)
        target = ask.target or user_id
        if target != user_id and not self.policy.is_manager(user_id):
            return notice_message(t("team.not_manager", loc))
        now, zone = self.now(), zone_of(self.policy, target)
        day: date | None = None
        if ask.day is not None:
            day = ask.day.from_today(now.astimezone(zone).date())
            if day is None:
                return _away_usage(t(BAD_DAY, loc, given=ask.day.typed), loc)
        self._set_away(target, user_id, day, zone, now)
        whose = "self" if target == user_id else "other"
        key = f"team.away.{whose}_through" if day else f"team.away.{whose}_until_back"
        shown = day_shown(day, zone, loc, now) if day else ""
        return notice_message(t(key, loc, who=who(target, loc), day=shown))

    def _back(self, user_id: str, text: str) -> Message:
        loc = self.locale_for(user_id)
        ask = read_away(text, with_day=False)
        if ask.problem is not None:
            return _away_usage(t(ask.problem, loc, given=ask.given), loc)
        target = ask.target or user_id
        if target != user_id and not self.policy.is_manager(user_id):
            return notice_message(t("team.not_manager", loc))
        was_away = self._set_back(target, user_id)
        whose = "self" if target == user_id else "other"
        key = f"team.back.{whose}" if was_away else f"team.back.{whose}_not_away"
        return notice_message(t(key, loc, who=who(target, loc)))

    def _set_away(
        self, target: str, by: str, day: date | None, zone: ZoneInfo, now: datetime
    ) -> None:
        until = away_until(day, zone) if day is not None else None
        with self.db.transaction() as session:
            set_away(session, target, until=until, by=by, now=now)
            outbox.queue(session, outbox.message(Intent.HOME_PUBLISH, now, user=target))

    def _set_back(self, target: str, by: str) -> bool:
        """Mark `target` back; False (and nothing written) when they were not away."""
        now = self.now()
        with self.db.transaction() as session:
            if away_of(session, target, now) is None:
                return False
            set_back(session, target, by=by)
            outbox.queue(session, outbox.message(Intent.HOME_PUBLISH, now, user=target))
        return True

    # --- App Home's controls ----------------------------------------------------------

    def away_from_home(self, user_id: str, picked: str | None) -> None:
        """App Home's "Away": through the day picked, or until back when none was."""
        now, zone = self.now(), zone_of(self.policy, user_id)
        day: date | None = None
        if picked:
            try:
                day = date.fromisoformat(picked)
            except ValueError:
                raise InvalidInput("team.home.past_day") from None
            if day < now.astimezone(zone).date():
                raise InvalidInput("team.home.past_day")
        self._set_away(user_id, user_id, day, zone, now)

    def back_from_home(self, user_id: str) -> None:
        """App Home's "I'm back"; the Home tab is redrawn either way."""
        if not self._set_back(user_id, user_id):
            with self.db.transaction() as session:
                home = outbox.message(Intent.HOME_PUBLISH, self.now(), user=user_id)
                outbox.queue(session, home)

    # --- /lead-status pool ------------------------------------------------------------

    def _pool(self, user_id: str, text: str) -> Message:
        loc = self.locale_for(user_id)
        name = " ".join(text.split())
        route = self._route(name)
        if route is None:
            routes = join((f"`{one_line(r.name, 100)}`" for r in self.policy.routes), loc)
            usage = t("team.pool.usage", loc, routes=routes)
            if not name:
                return notice_message(usage)
            return notice_message(t("team.pool.unknown", loc, route=one_line(name, 100)), usage)
        if not route.assign.assigns:
            return claim_route_message(route, loc)
        now = self.now()
        with self.db.read() as session:
            users = pool_members(session, self.policy, route, now, ask=False)
            if not users:
                return notice_message(t("assign.pool_empty", loc))
            states = Pool(session, self.policy, route, users, now).survey(count=True)
        zones = {user: zone_of(self.policy, user) for user in users}
        return pool_message(route, states, zones=zones, locale=loc, now=now)

    def _route(self, name: str) -> Route | None:
        folded = name.casefold()
        exact = self.policy.route_named(name)
        return exact or next((r for r in self.policy.routes if r.name.casefold() == folded), None)


def _away_usage(problem: str, locale: str) -> Message:
    return notice_message(problem, t("team.away.usage", locale))


def picked_day(body: dict[str, Any]) -> str | None:
    """The day picked in App Home's date picker when a Home button was clicked."""
    values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    picker = (values.get(BlockId.HOME_AWAY) or {}).get(HomeActionId.AWAY_UNTIL) or {}
    return picker.get("selected_date")


def home_team(db: Database, policy: Policy, user: str, now: datetime) -> HomeTeam | None:
    """What App Home shows of `user`'s part in assignment; None where it has nothing to
    show (no route assigns, and they are neither away nor offered a lead)."""
    with db.read() as session:
        away = away_of(session, user, now)
        offers = waiting_for(session, user)
        ids = [offer.lead_id for offer in offers]
        leads: dict[int, Lead] = {}
        if ids:
            leads = {
                lead.id: lead for lead in session.scalars(select(Lead).where(Lead.id.in_(ids)))
            }
    if away is None and not offers and not any(r.assign.assigns for r in policy.routes):
        return None
    waiting = [(offer, leads[offer.lead_id]) for offer in offers if offer.lead_id in leads]
    return HomeTeam(user, away, zone_of(policy, user), waiting)
