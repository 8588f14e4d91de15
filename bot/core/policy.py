"""The policy file (`baton.yml`): routes, SLA windows, calendars, escalations, roles
(its other sections: bot.core.policy_sections).

Loaded and validated at start and by `baton check`. A bad file is reported as
`baton.yml: routes[1].claim_within: "15 minutes" is not a duration like 15m`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from bot.core.assign_policy import AssignPolicy
from bot.core.business_time import AlwaysCalendar, Calendar
from bot.core.policy_sections import (
    CalendarPolicy,
    IntakePolicy,
    PrivacyPolicy,
    WebhookPolicy,
    WeeklyReportPolicy,
)
from bot.core.policy_values import (
    ROLE_NAMES,
    SLACK_CHANNEL,
    SLACK_USER,
    SLACK_USER_GROUP,
    Duration,
    PolicyError,
    Strict,
    check_channel_id,
    check_timezone,
    is_slack_user,
    show,
)

ALWAYS = "always"
DEFAULT_ROUTE = "default"
# Lead fields a route may match on.
MATCHABLE_FIELDS = ("source", "segment", "region", "campaign", "country", "title", "company")


class EscalationLevel(Strict):
    after: Duration
    notify: list[str] = Field(min_length=1)
    repost: bool = False


class Route(Strict):
    name: str = Field(min_length=1, max_length=100)
    when: dict[str, Any] | None = None
    channel: str
    calendar: str = ALWAYS
    claim_within: Duration
    first_touch_within: Duration
    remind_before: Duration | None = None
    escalate: list[EscalationLevel] = Field(default_factory=list)
    # Who the nudge before the claim deadline mentions in the card's thread: user ids,
    # role names or user group ids (S0123ABCD). Absent: the `reps` role.
    remind: list[str] | None = None
    # The language of what Baton posts in the route's channel (cards, thread replies,
    # flood lists); absent: the policy's. Messages to one person follow that person.
    locale: Literal["en", "ja"] | None = None
    # Who hears why sales disqualified, returned or lost a lead that a system (webhook,
    # CSV) handed off: user ids, role names or a channel id. Absent: nobody. A lead
    # handed off in Slack tells the person who handed it off instead.
    notify_marketing: list[str] | None = None
    # How the route's leads find an owner (bot/core/assign_policy.py); absent: Claim.
    assign: AssignPolicy = Field(default_factory=AssignPolicy)

    _check_channel = field_validator("channel")(check_channel_id)

    @field_validator("when")
    @classmethod
    def _check_when(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        for key, expected in (value or {}).items():
            if key == "score_at_least":
                if isinstance(expected, bool) or not isinstance(expected, int | float):
                    raise ValueError(f"score_at_least must be a number, not {show(expected)}")
            elif key not in MATCHABLE_FIELDS:
                raise ValueError(
                    f'"{key}" cannot be matched; use one of {", ".join(MATCHABLE_FIELDS)} '
                    "or score_at_least"
                )
            elif isinstance(expected, dict):
                raise ValueError(f"{key}: give a value or a list of values")
        return value

    def matches(self, lead: Mapping[str, Any]) -> bool:
        """Equality (case-insensitive for text), list membership, or score_at_least."""
        for key, expected in (self.when or {}).items():
            if key == "score_at_least":
                score = lead.get("score")
                if score is None or float(score) < float(expected):
                    return False
                continue
            actual = _fold(lead.get(key))
            wanted = expected if isinstance(expected, list) else [expected]
            if actual is None or actual not in {_fold(w) for w in wanted}:
                return False
        return True


def _fold(value: Any) -> Any:
    return value.strip().casefold() if isinstance(value, str) else value


class Roles(Strict):
    managers: list[str] = Field(default_factory=list)
    reps: list[str] = Field(default_factory=list)  # empty: anyone may claim
    marketers: list[str] = Field(default_factory=list)  # empty: anyone may hand off

    @field_validator("managers", "reps", "marketers")
    @classmethod
    def _check_users(cls, value: list[str]) -> list[str]:
        for user in value:
            if not SLACK_USER.match(user):
                raise ValueError(f'"{user}" is not a Slack user id like U0123ABCD')
        return value


class Policy(Strict):
    locale: Literal["en", "ja"] = "en"
    timezone: str = "UTC"
    # The currency of won deals whose amount comes without one (ISO 4217).
    currency: str = "JPY"
    calendars: dict[str, CalendarPolicy] = Field(default_factory=dict)
    roles: Roles = Field(default_factory=Roles)
    routes: list[Route] = Field(min_length=1)
    digest: WeeklyReportPolicy | None = None  # the weekly report (the file's `digest:` key)
    intake: IntakePolicy = Field(default_factory=IntakePolicy)
    privacy: PrivacyPolicy = Field(default_factory=PrivacyPolicy)
    # A channel's waiting cards go out as one flood list once posting them one by one
    # (about a second each) would hold the last back longer than this; null: never.
    digest_after: Duration | None = timedelta(minutes=2)
    # Other systems told of each lead event they subscribe to, through the outbox.
    webhooks: list[WebhookPolicy] = Field(default_factory=list)
    # A rep whose working hours are not their route's: user id → calendar name.
    rep_calendars: dict[str, str] = Field(default_factory=dict)
    # Slack status emoji that mean "away" for assignment, e.g. ":palm_tree:".
    away_status_emoji: list[str] = Field(default_factory=list)

    _check_tz = field_validator("timezone")(check_timezone)

    @field_validator("currency")
    @classmethod
    def _check_currency(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z]{3}", value.strip()):
            raise ValueError(f'"{value}" is not a currency code like JPY or USD')
        return value.strip().upper()

    @model_validator(mode="after")
    def _check_references(self) -> Policy:
        names: set[str] = set()
        for i, route in enumerate(self.routes):
            where = f"routes[{i}]"
            if route.name in names:
                raise ValueError(f'{where}.name: "{route.name}" is used by two routes')
            names.add(route.name)
            if route.calendar != ALWAYS and route.calendar not in self.calendars:
                known = ", ".join([ALWAYS, *self.calendars])
                raise ValueError(
                    f'{where}.calendar: "{route.calendar}" is not defined under calendars '
                    f"(known: {known})"
                )
            for j, level in enumerate(route.escalate):
                for target in level.notify:
                    if target not in ROLE_NAMES and not SLACK_USER.match(target):
                        raise ValueError(
                            f'{where}.escalate[{j}].notify: "{target}" is neither a role '
                            f"({', '.join(ROLE_NAMES)}) nor a Slack user id like U0123ABCD"
                        )
            for target in route.remind or []:
                if not (
                    target in ROLE_NAMES
                    or SLACK_USER.match(target)
                    or SLACK_USER_GROUP.match(target)
                ):
                    raise ValueError(
                        f'{where}.remind: "{target}" is neither a role ({", ".join(ROLE_NAMES)}), '
                        "a Slack user id like U0123ABCD nor a user group id like S0123ABCD"
                    )
            for target in route.notify_marketing or []:
                if not (
                    target in ROLE_NAMES or SLACK_USER.match(target) or SLACK_CHANNEL.match(target)
                ):
                    raise ValueError(
                        f'{where}.notify_marketing: "{target}" is neither a role '
                        f"({', '.join(ROLE_NAMES)}), a Slack user id like U0123ABCD "
                        "nor a channel id like C0123ABCD"
                    )
            self._check_assign(where, route)
        for user, calendar in self.rep_calendars.items():
            if not SLACK_USER.match(user):
                raise ValueError(f'rep_calendars: "{user}" is not a Slack user id like U0123ABCD')
            if calendar != ALWAYS and calendar not in self.calendars:
                known = ", ".join([ALWAYS, *self.calendars])
                raise ValueError(
                    f'rep_calendars.{user}: "{calendar}" is not defined under calendars '
                    f"(known: {known})"
                )
        for emoji in self.away_status_emoji:
            if not re.fullmatch(r":[a-z0-9_+'-]+:", emoji):
                raise ValueError(
                    f'away_status_emoji: "{emoji}" is not a status emoji like ":palm_tree:"'
                )
        digest = self.digest
        if digest and digest.calendar and digest.calendar not in (ALWAYS, *self.calendars):
            known = ", ".join([ALWAYS, *self.calendars])
            raise ValueError(
                f'digest.calendar: "{digest.calendar}" is not defined under calendars '
                f"(known: {known})"
            )
        return self

    def _check_assign(self, where: str, route: Route) -> None:
        assign = route.assign
        if not assign.assigns:
            return
        users = self.members([t for t in assign.pool if not SLACK_USER_GROUP.match(t)])
        groups = [t for t in assign.pool if SLACK_USER_GROUP.match(t)]
        if not users and not groups:
            roles = ", ".join(t for t in assign.pool if t in ROLE_NAMES)
            raise ValueError(
                f"{where}.assign.pool: resolves to nobody (no members in roles: {roles})"
            )
        for user in assign.weights:
            if user not in users and not groups:
                raise ValueError(
                    f'{where}.assign.weights: "{user}" is not in the pool ({", ".join(users)})'
                )

    # --- questions the rest of Baton asks ------------------------------------------

    def route_for(self, lead: Mapping[str, Any]) -> Route | None:
        """The first route whose rule matches; else the route named `default`; else None."""
        for route in self.routes:
            if route.matches(lead):
                return route
        return self.route_named(DEFAULT_ROUTE)

    def route_named(self, name: str) -> Route | None:
        return next((r for r in self.routes if r.name == name), None)

    def route_of_lead(self, name: str) -> Route | None:
        """A stored lead's route: the one it was handed to, by name; if the policy has
        dropped that route since, the route a lead with nothing to match on gets."""
        return self.route_named(name) or self.route_for({})

    def channel_locale(self, route_name: str | None) -> str:
        """The language of posts in a lead's route's channel: the route's, else the policy's."""
        route = self.route_of_lead(route_name) if route_name is not None else None
        return (route.locale if route is not None else None) or self.locale

    def calendar_for(self, route: Route) -> Calendar:
        return self._calendars[route.calendar]

    @cached_property
    def _calendars(self) -> dict[str, Calendar]:
        built: dict[str, Calendar] = {ALWAYS: AlwaysCalendar(self.timezone)}
        built.update({name: spec.build() for name, spec in self.calendars.items()})
        return built

    def weekly_report_timezone(self) -> str:
        """The time zone the weekly report is scheduled and reported in."""
        if self.digest and self.digest.calendar:
            return self._calendars[self.digest.calendar].timezone
        return self.timezone

    def remind_targets(self, route: Route) -> list[str]:
        """Who the claim nudge mentions: the route's `remind` list, else the reps."""
        return self.members(route.remind if route.remind is not None else ["reps"])

    def marketing_targets(self, route: Route | None) -> list[str]:
        """Who hears about a system's lead that sales turned down: the route's
        `notify_marketing` (user and channel ids), else nobody."""
        return self.members(route.notify_marketing or []) if route is not None else []

    def members(self, targets: list[str]) -> list[str]:
        """User ids for a list of user ids and role names, in order, without repeats."""
        users: dict[str, None] = {}  # a dict keeps the order; a pool may hold hundreds
        for target in targets:
            users.update(
                dict.fromkeys(getattr(self.roles, target) if target in ROLE_NAMES else [target])
            )
        return list(users)

    def pool(self, route: Route) -> list[str]:
        """The route's assignment pool: user ids and user group ids (S…, expanded by
        bot.leads.assignment), roles expanded, in order, without repeats. Worked out once
        a policy (a pool of hundreds is asked at every choice): not to be changed."""
        return self._pool_of(route)[0]

    def pool_groups(self, route: Route) -> list[str]:
        """The user group ids (S…) named in the route's pool."""
        return self._pool_of(route)[1]

    def _pool_of(self, route: Route) -> tuple[list[str], list[str], AssignPolicy]:
        known = self._pools.get(route.name)
        if known is None or known[2] is not route.assign:  # a route from another policy
            known = self._work_out_pool(route)
        return known

    @cached_property
    def _pools(self) -> dict[str, tuple[list[str], list[str], AssignPolicy]]:
        return {route.name: self._work_out_pool(route) for route in self.routes}

    def _work_out_pool(self, route: Route) -> tuple[list[str], list[str], AssignPolicy]:
        members = self.members(route.assign.pool)
        groups = [target for target in members if not is_slack_user(target)]
        return members, groups, route.assign

    def rep_calendar(self, user_id: str, route: Route) -> Calendar:
        """The working hours of `user_id` for a lead of `route`: their own, else the route's."""
        own = self.rep_calendars.get(user_id)
        return self._calendars[own] if own else self.calendar_for(route)

    def rep_calendars_of(self, users: list[str], route: Route) -> dict[str, Calendar]:
        """`rep_calendar` for many reps at once (a pool of hundreds is asked each choice)."""
        default = self.calendar_for(route)
        own = self.rep_calendars
        if not own:
            return dict.fromkeys(users, default)
        return {u: self._calendars[own[u]] if u in own else default for u in users}

    def is_manager(self, user_id: str) -> bool:
        return user_id in self.roles.managers

    def may_claim(self, user_id: str) -> bool:
        return not self.roles.reps or user_id in self.roles.reps or self.is_manager(user_id)

    def may_hand_off(self, user_id: str) -> bool:
        return (
            not self.roles.marketers or user_id in self.roles.marketers or self.is_manager(user_id)
        )


# --- loading -----------------------------------------------------------------------


def load_policy(path: str | Path) -> Policy:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError(
            f"{path}: no such file. Copy baton.example.yml to {path} and edit it, "
            "or point BATON_CONFIG at your policy file."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{path}: cannot be read ({exc})") from None
    return parse_policy(text, str(path))


def parse_policy(text: str, name: str = "baton.yml") -> Policy:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise PolicyError(f"{name}{where}: not valid YAML ({problem})") from None
    if not isinstance(data, dict):
        raise PolicyError(f"{name}: expected a mapping with at least `routes:`")
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError("\n".join(_describe(name, err) for err in exc.errors())) from None


def _describe(name: str, error: Any) -> str:
    path = _key_path(error["loc"])
    kind = error["type"]
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        message = "is not a known key (check the spelling against baton.example.yml)"
    elif kind == "missing":
        message = "is required"
    elif kind == "too_short":
        message = "must not be empty"
    elif error.get("input", "") is None:
        message = "has no value (in YAML, quote a value that starts with # or contains : )"
    elif not message.startswith(('"', "'")) and "input" in error and kind != "value_error":
        message = f"{show(error['input'])}: {message}"
    if path and message.startswith(path + ":"):  # model-level checks name their own path
        path = ""
    return f"{name}: {path}: {message}" if path else f"{name}: {message}"


def _key_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).startswith(("function-", "union[", "str", "list[", "json-or")):
            continue  # pydantic's names for a union member, not a key in the file
        else:
            out += f".{part}" if out else str(part)
    return out
