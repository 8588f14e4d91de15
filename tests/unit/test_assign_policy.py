"""A route's `assign:` block and the policy keys assignment reads: what `baton check`
accepts, and how it names what is wrong (with the key path)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.policy import PolicyError, parse_policy

HEAD = """
timezone: Asia/Tokyo
calendars:
  tokyo-office: {timezone: Asia/Tokyo, hours: {mon-fri: "09:00-18:00"}}
  osaka-office: {timezone: Asia/Tokyo, hours: {mon-fri: "10:00-19:00"}}
roles:
  managers: [U0MANAGER1]
  reps: [U0REP1, U0REP2, U0REP3]
"""


def with_assign(block: str, extra: str = "") -> str:
    return (
        HEAD
        + extra
        + "routes:\n"
        + "  - name: inbound\n"
        + "    channel: C0SALES\n"
        + "    calendar: tokyo-office\n"
        + "    claim_within: 30m\n"
        + "    first_touch_within: 2h\n"
        + "    assign:\n"
        + "".join(f"      {line}\n" for line in block.strip().splitlines())
    )


def test_an_offer_route_reads_its_pool_weights_and_limits() -> None:
    policy = parse_policy(
        with_assign(
            """
mode: offer
pool: [reps, U0LEAD9, S0INSIDE]
weights: {U0REP1: 2}
max_open: 10
max_per_day: 5
accept_within: 10m
max_offers: 2
""",
            extra="rep_calendars: {U0REP2: osaka-office}\naway_status_emoji: [':palm_tree:']\n",
        )
    )
    [route] = policy.routes
    assign = route.assign
    assert (assign.mode, assign.strategy, assign.max_open, assign.max_per_day) == (
        "offer",
        "balanced",
        10,
        5,
    )
    assert policy.pool(route) == ["U0REP1", "U0REP2", "U0REP3", "U0LEAD9", "S0INSIDE"]
    assert (assign.weight("U0REP1"), assign.weight("U0REP3")) == (2, 1)
    assert (assign.offer_window, assign.offers_at_most) == (timedelta(minutes=10), 2)
    assert assign.balance_window == timedelta(days=7)
    assert policy.rep_calendar("U0REP2", route) is not policy.rep_calendar("U0REP1", route)
    assert policy.away_status_emoji == [":palm_tree:"]


def test_without_an_assign_block_a_route_keeps_claim_and_its_defaults() -> None:
    policy = parse_policy(
        HEAD + "routes:\n  - {name: default, channel: C0SALES, claim_within: 30m,"
        " first_touch_within: 1d}\n"
    )
    [route] = policy.routes
    assert (route.assign.mode, route.assign.assigns) == ("claim", False)
    assert (route.assign.offer_window, route.assign.offers_at_most) == (timedelta(minutes=5), 3)


@pytest.mark.parametrize(
    ("block", "error"),
    [
        (
            "mode: round_robin",
            "baton.yml: routes[0].assign: pool: mode round_robin needs a pool of reps",
        ),
        (
            "{mode: round_robin, pool: [reps], accept_within: 5m}",
            "baton.yml: routes[0].assign: accept_within: only for mode offer "
            "(this route's is round_robin)",
        ),
        (
            "{mode: claim, pool: [reps]}",
            "baton.yml: routes[0].assign: pool: only for mode round_robin or offer",
        ),
        (
            "{mode: offer, pool: [reps], strategy: strict, window: 7d}",
            "baton.yml: routes[0].assign: window: only for strategy balanced",
        ),
        (
            "{mode: offer, pool: [reps], weights: {U0OTHER1: 2}}",
            'baton.yml: routes[0].assign.weights: "U0OTHER1" is not in the pool '
            "(U0REP1, U0REP2, U0REP3)",
        ),
        (
            "{mode: offer, pool: [marketers]}",
            "baton.yml: routes[0].assign.pool: resolves to nobody (no members in roles: marketers)",
        ),
        (
            "{mode: offer, pool: [sales-team]}",
            'baton.yml: routes[0].assign.pool: "sales-team" is neither a role',
        ),
        (
            "{mode: offer, pool: [reps], max_offers: 0}",
            "baton.yml: routes[0].assign.max_offers: 0: Input should be greater than 0",
        ),
        (
            "{mode: offer, pool: [reps], accept_within: 0}",
            "baton.yml: routes[0].assign: accept_within: must be longer than 0",
        ),
        (
            "{mode: pick, pool: [reps]}",
            "baton.yml: routes[0].assign.mode: \"pick\": Input should be 'claim', "
            "'round_robin' or 'offer'",
        ),
    ],
)
def test_a_bad_assign_block_is_named_with_its_key_path(block: str, error: str) -> None:
    with pytest.raises(PolicyError) as raised:
        parse_policy(with_assign(block))
    assert str(raised.value).startswith(error), str(raised.value)


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        (
            "rep_calendars: {U0REP1: kyoto}\n",
            'baton.yml: rep_calendars.U0REP1: "kyoto" is not defined under calendars',
        ),
        (
            "away_status_emoji: [palm_tree]\n",
            'baton.yml: away_status_emoji: "palm_tree" is not a status emoji like ":palm_tree:"',
        ),
    ],
)
def test_bad_rep_calendars_and_status_emoji_are_named(extra: str, error: str) -> None:
    with pytest.raises(PolicyError) as raised:
        parse_policy(with_assign("{mode: offer, pool: [reps]}", extra=extra))
    assert str(raised.value).startswith(error), str(raised.value)
