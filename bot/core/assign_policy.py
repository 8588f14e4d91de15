"""A route's `assign:` block: how its leads find an owner.

- `claim` (absent block): the card goes to the channel and the first rep to click owns it.
- `round_robin`: the next available rep of the pool owns the lead at hand-off.
- `offer`: the next available rep is offered it by DM (Accept / Pass) until one accepts,
  `max_offers` have passed or nobody is available; then it goes to the channel with Claim.

Who is next (bot/leads/assignment.py): `strict` keeps the pool's order, and a rep who
is not available loses the turn; `balanced` picks whoever has had the fewest leads of
the route in `window` (divided by their weight), so a rep back from leave catches up
over the window instead of taking every lead at once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import Field, PositiveInt, field_validator, model_validator

from bot.core.policy_values import ROLE_NAMES, SLACK_USER, SLACK_USER_GROUP, Duration, Strict

DEFAULT_WINDOW = timedelta(days=7)
DEFAULT_ACCEPT_WITHIN = timedelta(minutes=5)
DEFAULT_MAX_OFFERS = 3

Mode = Literal["claim", "round_robin", "offer"]


class AssignPolicy(Strict):
    mode: Mode = "claim"
    pool: list[str] = Field(default_factory=list)  # user ids, role names, user group ids
    strategy: Literal["strict", "balanced"] = "balanced"
    window: Duration | None = None  # balanced only
    weights: dict[str, PositiveInt] = Field(default_factory=dict)
    max_open: PositiveInt | None = None  # a rep holding this many open leads is skipped
    max_per_day: PositiveInt | None = None  # leads given to a rep a day, all routes
    accept_within: Duration | None = None  # offer only, on the route's calendar
    max_offers: PositiveInt | None = None  # offer only

    @field_validator("pool")
    @classmethod
    def _check_pool(cls, value: list[str]) -> list[str]:
        for target in value:
            if not (
                target in ROLE_NAMES or SLACK_USER.match(target) or SLACK_USER_GROUP.match(target)
            ):
                raise ValueError(
                    f'"{target}" is neither a role ({", ".join(ROLE_NAMES)}), a Slack user id '
                    "like U0123ABCD nor a user group id like S0123ABCD"
                )
        return value

    @field_validator("weights")
    @classmethod
    def _check_weights(cls, value: dict[str, int]) -> dict[str, int]:
        for user in value:
            if not SLACK_USER.match(user):
                raise ValueError(f'"{user}" is not a Slack user id like U0123ABCD')
        return value

    @model_validator(mode="after")
    def _check_mode(self) -> AssignPolicy:
        given = self.model_fields_set
        if self.mode == "claim":
            used = sorted(given - {"mode"})
            if used:
                raise ValueError(
                    f"{', '.join(used)}: only for mode round_robin or offer "
                    "(mode claim lets the first rep to click Claim own the lead)"
                )
            return self
        if not self.pool:
            raise ValueError(f"pool: mode {self.mode} needs a pool of reps to choose from")
        if self.mode != "offer":
            for key in ("accept_within", "max_offers"):
                if key in given:
                    raise ValueError(f"{key}: only for mode offer (this route's is {self.mode})")
        if self.strategy == "strict" and "window" in given:
            raise ValueError("window: only for strategy balanced (strict keeps the pool's order)")
        if self.accept_within is not None and self.accept_within <= timedelta(0):
            raise ValueError("accept_within: must be longer than 0")
        return self

    @property
    def assigns(self) -> bool:
        """Baton picks the owner (round_robin or offer), not the first click."""
        return self.mode != "claim"

    @property
    def balance_window(self) -> timedelta:
        return self.window or DEFAULT_WINDOW

    @property
    def offer_window(self) -> timedelta:
        return self.accept_within or DEFAULT_ACCEPT_WITHIN

    @property
    def offers_at_most(self) -> int:
        return self.max_offers or DEFAULT_MAX_OFFERS

    def weight(self, user: str) -> int:
        return self.weights.get(user, 1)
