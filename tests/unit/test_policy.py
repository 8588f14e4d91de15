"""The policy file: parsing, precise errors, and route matching."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.core.policy import PolicyError, load_policy, parse_policy
from bot.core.policy_values import parse_duration
from tests.support.policies import STANDARD

REPO = Path(__file__).resolve().parents[2]

ROUTING = """
roles: {managers: [U0BOSS]}
routes:
  - name: hot-japan
    when: {score_at_least: 80, region: [JP, APAC]}
    channel: C0HOT
    claim_within: 5m
    first_touch_within: 1h
  - name: enterprise
    when: {segment: enterprise}
    channel: C0ENT
    claim_within: 15m
    first_touch_within: 2h
  - name: default
    channel: C0ALL
    claim_within: 30m
    first_touch_within: 1d
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15m", timedelta(minutes=15)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("90s", timedelta(seconds=90)),
        ("1h30m", timedelta(minutes=90)),
        ("0", timedelta(0)),
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("bad", ["15 minutes", "15", "m", "1.5h", "", "-5m", 15])
def test_bad_durations_say_what_a_duration_looks_like(bad: object) -> None:
    with pytest.raises(ValueError, match="is not a duration like 15m"):
        parse_duration(bad)


def test_the_example_file_is_valid() -> None:
    policy = load_policy(REPO / "baton.example.yml")
    assert [r.name for r in policy.routes] == ["enterprise", "hot-leads", "default"]
    assert policy.members(["managers", "U0MANAGER1", "U0X1"]) == ["U0MANAGER1", "U0X1"]
    office = policy.calendars["tokyo-office"].build()  # 年末年始 and お盆, every year
    assert not office.is_business_day(date(2030, 12, 30))
    assert not office.is_business_day(date(2031, 1, 3))
    assert not office.is_business_day(date(2029, 8, 14))
    assert office.is_business_day(date(2029, 8, 17))


@pytest.mark.parametrize(
    ("lead", "route"),
    [
        ({"segment": "enterprise", "score": 95, "region": "JP"}, "hot-japan"),
        ({"segment": "Enterprise ", "score": 79, "region": "JP"}, "enterprise"),
        ({"score": 80, "region": "apac"}, "hot-japan"),
        ({"score": 99, "region": "EMEA"}, "default"),
        ({"region": "JP"}, "default"),
        ({}, "default"),
    ],
)
def test_first_matching_route_wins(lead: dict[str, object], route: str) -> None:
    chosen = parse_policy(ROUTING).route_for(lead)
    assert chosen is not None and chosen.name == route


def test_without_a_default_route_nothing_matches() -> None:
    policy = parse_policy(ROUTING.split("  - name: default")[0])
    assert policy.route_for({"segment": "smb"}) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("claim_within: 15m", 'claim_within: "15 minutes"'),
            'policy.yml: routes[0].claim_within: "15 minutes" is not a duration like 15m',
        ),
        (
            ("channel: C0SALES", "channel: sales"),
            'policy.yml: routes[1].channel: "sales" is not a Slack channel id like C0123ABCD',
        ),
        (
            ("calendar: tokyo-office", "calendar: osaka"),
            'policy.yml: routes[0].calendar: "osaka" is not defined under calendars (known: always, tokyo-office)',
        ),
        (
            ("notify: [managers]\n        repost", "notify: [bosses]\n        repost"),
            'policy.yml: routes[0].escalate[1].notify: "bosses" is neither a role',
        ),
        (("locale: en", "locale: fr"), "policy.yml: locale:"),
        (
            ("timezone: Asia/Tokyo\ncalendars", "timezone: Mars/Base\ncalendars"),
            'policy.yml: timezone: "Mars/Base" is not a time zone',
        ),
        (
            ('hours: {mon-fri: "09:00-18:00"}', 'hours: {mon-fry: "09:00-18:00"}'),
            "policy.yml: calendars.tokyo-office.hours: 'mon-fry' is not a weekday",
        ),
        (
            (
                'hours: {mon-fri: "09:00-18:00"}',
                'hours: {mon-fri: "09:00-18:00"}\n    closed: ["12-29..01-03", "13-01"]',
            ),
            "policy.yml: calendars.tokyo-office.closed[1]: closed day '13-01' is not a month and day (MM-DD)",
        ),
        (
            (
                'hours: {mon-fri: "09:00-18:00"}',
                'hours: {mon-fri: "09:00-18:00"}\n    closed: [20271229]',
            ),
            "policy.yml: calendars.tokyo-office.closed[0]: closed day 20271229 is not a date (2027-05-06)",
        ),
        (
            (
                'hours: {mon-fri: "09:00-18:00"}',
                'hours: {mon-fri: "09:00-18:00"}\n    closed: ["2027-05-05..2027-05-01"]',
            ),
            "policy.yml: calendars.tokyo-office.closed[0]: closed days '2027-05-05..2027-05-01' end before they start",
        ),
        (
            ("first_touch_within: 2h", "first_touch_within: 2h\n    colour: red"),
            "policy.yml: routes[0].colour: is not a known key",
        ),
        (
            ("managers: [U0MANAGER1]", "managers: [bob]"),
            'policy.yml: roles.managers: "bob" is not a Slack user id',
        ),
    ],
)
def test_errors_name_the_file_the_key_and_the_problem(
    change: tuple[str, str], message: str
) -> None:
    old, new = change
    assert old in STANDARD
    with pytest.raises(PolicyError) as error:
        parse_policy(STANDARD.replace(old, new, 1), "policy.yml")
    assert message in str(error.value)


def test_invalid_yaml_says_where() -> None:
    with pytest.raises(PolicyError, match=r"policy.yml line \d+, column \d+: not valid YAML"):
        parse_policy("routes: [\n  - {name: x\n", "policy.yml")


def test_a_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"Copy baton\.example\.yml"):
        load_policy(tmp_path / "baton.yml")


def test_roles() -> None:
    policy = parse_policy(STANDARD)
    assert policy.may_claim("U0ANYONE")  # reps: [] means anyone
    assert not policy.may_hand_off("U0ANYONE") and policy.may_hand_off("U0MKT1")
    assert policy.is_manager("U0MANAGER1")
