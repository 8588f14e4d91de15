"""Pure SLA code: planning, the send-or-drop decision, snooze times, digest schedule,
and the policy keys it reads. Times are injected; nothing here reads a clock."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.business_time import AlwaysCalendar
from bot.core.policy import PolicyError, parse_policy
from bot.leads import sla
from bot.leads.weekly_report import last_occurrence
from bot.slack.dm_actions import snooze_until
from bot.store.models import Clock, DueWork, Lead, LeadStatus
from tests.support.policies import STANDARD

POLICY = parse_policy(STANDARD)
ENTERPRISE = POLICY.routes[0]
TOKYO_OFFICE = POLICY.calendar_for(ENTERPRISE)
JST = timedelta(hours=9)


def tokyo(day: int, hh: int, mm: int, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hh, mm, tzinfo=UTC) - JST


def plan(clock: Clock, due: datetime, now: datetime) -> list[tuple[int, datetime]]:
    rows = sla.plan_due_work(
        ENTERPRISE, TOKYO_OFFICE, lead_id=1, clock=clock, sla_round=1, due=due, now=now
    )
    return [(row.level, row.due_at) for row in rows]


def test_plan_friday_evening_hand_off_lands_after_the_long_weekend() -> None:
    start = tokyo(20, 17, 55)  # Friday; Monday the 23rd is Labour Thanksgiving Day
    due = sla.deadline(ENTERPRISE, TOKYO_OFFICE, Clock.CLAIM, start)
    assert due == tokyo(24, 9, 10)
    assert plan(Clock.CLAIM, due, start) == [
        (0, tokyo(24, 9, 5)),
        (1, tokyo(24, 9, 10)),
        (2, tokyo(24, 9, 40)),
    ]


def test_plan_skips_a_nudge_that_would_come_before_now() -> None:
    now = tokyo(20, 10, 0)
    assert [level for level, _ in plan(Clock.CLAIM, now + timedelta(minutes=3), now)] == [1, 2]


def lead(**fields: object) -> Lead:
    values: dict[str, object] = {
        "id": 7,
        "route": "enterprise",
        "status": LeadStatus.UNCLAIMED,
        "sla_round": 1,
        "claim_due_at": tokyo(20, 10, 15),
    }
    values.update(fields)
    return Lead(**values)


def work(level: int, clock: Clock = Clock.CLAIM, sla_round: int = 1) -> DueWork:
    return DueWork(id=1, lead_id=7, clock=str(clock), sla_round=sla_round, level=level)


NOW = tokyo(20, 10, 20)


@pytest.mark.parametrize(
    ("the_lead", "the_work", "verdict"),
    [
        (lead(), work(1), sla.Verdict.SEND),
        (lead(status=LeadStatus.CLAIMED, owner_id="U1"), work(1), sla.Verdict.CANCEL),
        (lead(status=LeadStatus.DISQUALIFIED, owner_id="U1"), work(2), sla.Verdict.CANCEL),
        (lead(sla_round=2), work(1), sla.Verdict.CANCEL),  # the clock restarted
        (lead(), work(0), sla.Verdict.CANCEL),  # a nudge after its deadline says nothing
        (lead(claim_due_at=tokyo(20, 10, 30)), work(0), sla.Verdict.SEND),
        (lead(), work(3), sla.Verdict.CANCEL),  # the ladder has two levels
        (lead(snoozed_until=tokyo(20, 11, 0)), work(1), sla.Verdict.DEFER),
        (lead(snoozed_until=tokyo(20, 10, 0)), work(1), sla.Verdict.SEND),
        (
            lead(status=LeadStatus.CLAIMED, owner_id="U1", first_touch_due_at=tokyo(20, 12, 0)),
            work(0, Clock.FIRST_TOUCH),
            sla.Verdict.SEND,
        ),
        (
            lead(
                status=LeadStatus.CONTACTED,
                owner_id="U1",
                first_touch_due_at=tokyo(20, 12, 0),
                first_touch_at=tokyo(20, 10, 19),
            ),
            work(1, Clock.FIRST_TOUCH),
            sla.Verdict.CANCEL,
        ),
    ],
)
def test_decide(the_lead: Lead, the_work: DueWork, verdict: sla.Verdict) -> None:
    assert sla.decide(the_work, the_lead, ENTERPRISE, NOW).verdict is verdict


def test_decide_without_a_route_drops_the_row() -> None:
    decision = sla.decide(work(1), lead(route="gone"), None, NOW)
    assert decision.verdict is sla.Verdict.CANCEL and "gone" in decision.reason


def test_deferred_until_the_snooze_ends() -> None:
    until = tokyo(20, 11, 0)
    assert sla.decide(work(1), lead(snoozed_until=until), ENTERPRISE, NOW).until == until


def test_lateness_is_counted_on_the_calendar() -> None:
    friday_late = lead(claim_due_at=tokyo(20, 17, 50))
    assert sla.lateness(friday_late, Clock.CLAIM, TOKYO_OFFICE, tokyo(24, 9, 20)) == timedelta(
        minutes=30
    )
    assert sla.lateness(lead(), Clock.CLAIM, TOKYO_OFFICE, tokyo(20, 10, 0)) == timedelta(0)


def test_kinds() -> None:
    assert sla.kind_of("claim", 0) is sla.Kind.CLAIM_NUDGE
    assert sla.kind_of("first_touch", 0) is sla.Kind.TOUCH_NUDGE
    assert sla.kind_of("first_touch", 2) is sla.Kind.ESCALATION


# --- snooze -------------------------------------------------------------------------------


def test_snooze_choices() -> None:
    friday = tokyo(20, 16, 0)
    assert snooze_until(TOKYO_OFFICE, "30m", friday) == tokyo(20, 16, 30)
    assert snooze_until(TOKYO_OFFICE, "1h", friday) == tokyo(20, 17, 0)
    assert snooze_until(TOKYO_OFFICE, "tomorrow", friday) == tokyo(24, 9, 0)
    # Just after midnight, "tomorrow" is still the next day, not this morning.
    assert snooze_until(TOKYO_OFFICE, "tomorrow", tokyo(24, 0, 30)) == tokyo(25, 9, 0)
    always = AlwaysCalendar("Asia/Tokyo")
    assert snooze_until(always, "tomorrow", tokyo(21, 23, 0)) == tokyo(22, 9, 0)


# --- digest schedule ---------------------------------------------------------------------


def test_last_occurrence_of_the_weekly_digest() -> None:
    policy = parse_policy(STANDARD + 'digest: {channel: C0MKT, weekly: "mon 09:00"}\n')
    assert policy.digest is not None
    tz = "Asia/Tokyo"
    assert last_occurrence(policy.digest, tz, tokyo(30, 9, 0)) == tokyo(30, 9, 0)
    assert last_occurrence(policy.digest, tz, tokyo(30, 8, 59)) == tokyo(23, 9, 0)
    assert last_occurrence(policy.digest, tz, tokyo(29, 23, 0)) == tokyo(23, 9, 0)


@given(st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 1, 1)))
def test_last_occurrence_in_a_dst_zone_is_the_local_time_within_a_week(moment: datetime) -> None:
    policy = parse_policy(STANDARD + 'digest: {channel: C0MKT, weekly: "sun 02:30"}\n')
    assert policy.digest is not None
    now = moment.replace(tzinfo=UTC)
    found = last_occurrence(policy.digest, "America/New_York", now)
    assert now - timedelta(days=7, hours=1) <= found <= now
    local = found.astimezone(ZoneInfo("America/New_York"))
    assert local.weekday() == 6
    # On the spring-forward Sunday 02:30 does not exist; the digest goes at 03:30.
    assert (local.hour, local.minute) in ((2, 30), (3, 30))


# --- policy keys --------------------------------------------------------------------------


def test_remind_targets_default_to_the_reps() -> None:
    text = STANDARD.replace("reps: []", "reps: [U0REP1]")
    assert parse_policy(text).remind_targets(ENTERPRISE) == ["U0REP1"]
    text = text.replace(
        "    remind_before: 5m\n", "    remind_before: 5m\n    remind: [S0TEAM, managers]\n"
    )
    policy = parse_policy(text)
    assert policy.remind_targets(policy.routes[0]) == ["S0TEAM", "U0MANAGER1"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('digest: {channel: "#marketing"}', 'digest.channel: "#marketing" is not a Slack channel'),
        ('digest: {channel: C0MKT, weekly: "monday 9am"}', '"monday 9am" is not a weekly time'),
        ("digest: {channel: C0MKT, calendar: osaka}", 'digest.calendar: "osaka" is not defined'),
    ],
)
def test_digest_policy_errors(extra: str, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        parse_policy(STANDARD + extra + "\n")


def test_remind_policy_error() -> None:
    text = STANDARD.replace(
        "    remind_before: 5m\n", "    remind_before: 5m\n    remind: [sales]\n"
    )
    with pytest.raises(PolicyError, match=r'routes\[0\]\.remind: "sales" is neither a role'):
        parse_policy(text)


def test_digest_time_zone_comes_from_its_calendar() -> None:
    policy = parse_policy(
        STANDARD.replace("timezone: Asia/Tokyo\ncalendars", "timezone: UTC\ncalendars")
        + "digest: {channel: C0MKT, weekly: Fri 17:30, calendar: tokyo-office}\n"
    )
    assert policy.digest is not None
    assert policy.weekly_report_timezone() == "Asia/Tokyo"
    assert (policy.digest.weekday, policy.digest.at) == (4, time(17, 30))
