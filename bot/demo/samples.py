"""Sample leads for the demo: Japanese and English companies, people and titles, from the
sources a marketing team really has (a HubSpot form, a webinar, a purchased list).

`sample_lead` is one lead as a marketing system would POST it to `/leads`;
`seed_history` hands off and works N leads over the past weeks (claimed, touched,
outcomes, reasons), so `/lead-status`, App Home and the reports show real numbers.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update

from bot.core.clock import utcnow
from bot.core.policy import Policy
from bot.demo.people import REPS
from bot.leads.handoff import LeadInput
from bot.leads.lifecycle import LeadService
from bot.leads.states import DISQUALIFY_REASONS
from bot.store.database import Database
from bot.store.models import DueWork, OutboxMessage

COMPANIES = (
    ("株式会社みなと物産", "ja", "enterprise"),
    ("東邦精機株式会社", "ja", "enterprise"),
    ("さくらクラウド合同会社", "ja", "smb"),
    ("株式会社あおば食品", "ja", "mid-market"),
    ("北斗ロジスティクス株式会社", "ja", "enterprise"),
    ("Northwind Traders", "en", "mid-market"),
    ("Contoso Pharma KK", "en", "enterprise"),
    ("Blue Harbor Analytics", "en", "smb"),
    ("Kinetic Robotics Japan", "en", "enterprise"),
)
PEOPLE_JA = (
    ("高橋", "美咲", "takahashi.misaki"),
    ("伊藤", "翔", "ito.sho"),
    ("渡辺", "彩", "watanabe.aya"),
    ("中村", "大輔", "nakamura.daisuke"),
    ("小林", "直子", "kobayashi.naoko"),
)
PEOPLE_EN = (
    ("Olivia", "Bennett", "olivia.bennett"),
    ("Daniel", "Reyes", "daniel.reyes"),
    ("Sophie", "Müller", "sophie.mueller"),
    ("Arjun", "Mehta", "arjun.mehta"),
)
TITLES_JA = ("情報システム部 部長", "経営企画室 課長", "DX推進室 マネージャー", "代表取締役")
TITLES_EN = ("Head of IT", "VP Operations", "Procurement Manager", "CTO")
SOURCES = (
    ("hubspot", "Contact form: pricing", "2026-q4-pricing-page"),
    ("webinar", "Webinar: DX for logistics", "2026-11-dx-webinar"),
    ("csv", "Trade show list (Japan IT Week)", "2026-10-it-week"),
    ("hubspot", "Whitepaper download", "2026-q4-whitepaper"),
)
REASONS = (
    "Requested a quote for 200 seats",
    "Attended the webinar and asked for a demo",
    "Pricing page visited 5 times this week",
    "Replied to the nurture email: wants a call",
)


def sample_lead(rng: random.Random, n: int) -> dict[str, Any]:
    """One realistic lead, as the body of `POST /leads`; `n` keeps ids and emails unique."""
    company, language, segment = rng.choice(COMPANIES)
    if language == "ja":
        family, given, handle = rng.choice(PEOPLE_JA)
        name, title = f"{family} {given}", rng.choice(TITLES_JA)
    else:
        given, family, handle = rng.choice(PEOPLE_EN)
        name, title = f"{given} {family}", rng.choice(TITLES_EN)
    source, form, campaign = rng.choice(SOURCES)
    domain = "example.co.jp" if language == "ja" else "example.com"
    return {
        "external_id": f"demo-{n}-{rng.randrange(10**6):06d}",
        "source": source,
        "name": name,
        "email": f"{handle}+{n}@{domain}",
        "company": company,
        "title": title,
        "phone": f"03-{rng.randrange(1000, 9999)}-{rng.randrange(1000, 9999)}",
        "score": rng.choice((55, 68, 72, 81, 88, 93)),
        "segment": segment,
        "region": "JP",
        "campaign": campaign,
        "reason": rng.choice(REASONS),
        "fields": {"form": form},
    }


def seed_history(db: Database, policy: Policy, count: int, *, seed: int = 7) -> int:
    """Hand off and work `count` leads over the past four weeks; return how many.

    Each lead runs through the real `LeadService` on a clock set to its moment in the
    past, so its events, deadlines and lateness are what they would have been. Their
    Slack messages are not replayed: the history is for the numbers."""
    rng = random.Random(seed)
    now = utcnow()
    for n in range(count):
        at = now - timedelta(days=rng.uniform(1, 28), minutes=rng.uniform(0, 600))
        service = LeadService(db, policy, clock=_at(at))
        lead = service.hand_off(_lead_input(sample_lead(rng, n)), actor="seed").lead
        if rng.random() < 0.1:
            continue  # still unclaimed: it shows up as overdue
        rep = rng.choice(REPS)
        at += timedelta(minutes=rng.choice((1, 3, 6, 12, 25, 45)))
        LeadService(db, policy, clock=_at(at)).claim(lead.id, rep)
        at += timedelta(minutes=rng.choice((4, 15, 40, 90, 240)))
        LeadService(db, policy, clock=_at(at)).log_first_touch(lead.id, rep)
        at += timedelta(days=rng.uniform(0.5, 5))
        outcomes = ("meeting_booked", "opportunity", "disqualified", "returned", None)
        outcome = rng.choices(outcomes, weights=(4, 3, 3, 1, 2))[0]
        if outcome is not None and at < now:
            reason = rng.choice(DISQUALIFY_REASONS) if outcome == "disqualified" else None
            LeadService(db, policy, clock=_at(at)).set_outcome(lead.id, rep, outcome, reason=reason)
    _keep_quiet(db, now)
    return count


def _keep_quiet(db: Database, now: datetime) -> None:
    """The history happened before the demo's Slack existed: none of its messages are
    sent now (no flood of old cards), and none of its clocks escalate."""
    with db.transaction() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None))
            .values(sent_at=now, result={"skipped": "demo history"})
        )
        session.execute(
            update(DueWork)
            .where(DueWork.sent_at.is_(None), DueWork.cancelled_at.is_(None))
            .values(cancelled_at=now)
        )


def _at(moment: datetime):  # type: ignore[no-untyped-def]
    return lambda: moment


def _lead_input(body: dict[str, Any]) -> LeadInput:
    fields = {k: v for k, v in body.items() if k != "fields"}
    return LeadInput(**fields, extras=body.get("fields") or {})
