"""The values a policy file is made of: durations, time zones, Slack ids, and the base
of every section (unknown keys refused). Shared by bot.core.policy and its sections."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict

ROLE_NAMES = ("managers", "reps", "marketers")
_DURATION = re.compile(r"(\d+)([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")
SLACK_CHANNEL = re.compile(r"^[CG][A-Z0-9]{2,}$")
SLACK_USER_GROUP = re.compile(r"^S[A-Z0-9]{2,}$")


class PolicyError(Exception):
    """The policy file is missing or wrong; the message says where and what."""


def parse_duration(value: Any) -> timedelta:
    """`15m`, `2h`, `1d`, `90s`, `1h30m`; a bare 0 means no time."""
    if isinstance(value, timedelta):
        return value
    if value == 0 or value == "0":
        return timedelta(0)
    text = str(value).strip() if isinstance(value, str | int | float) else ""
    if isinstance(value, str) and text and _DURATION.sub("", text) == "":
        return timedelta(seconds=sum(int(n) * _UNIT_SECONDS[u] for n, u in _DURATION.findall(text)))
    raise ValueError(f"{show(value)} is not a duration like 15m (units: s m h d)")


def show(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


def check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f'"{name}" is not a time zone like Asia/Tokyo or UTC') from None
    return name


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def check_channel_id(value: str) -> str:
    if not SLACK_CHANNEL.match(value):
        raise ValueError(
            f'"{value}" is not a Slack channel id like C0123ABCD '
            "(open the channel's details in Slack; the id is at the bottom)"
        )
    return value


def is_slack_user(value: str | None) -> bool:
    """A Slack user id (U…, W…), not one of Baton's own actors (`intake`, `import`…)."""
    return bool(value and SLACK_USER.match(value))
