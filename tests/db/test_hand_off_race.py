"""A marketing system re-sends a lead while the first send is still being stored:
one lead, one card, one claim clock, and every sender hears the lead's id."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from bot.leads.handoff import HandOff, LeadInput
from bot.leads.lifecycle import LeadService
from bot.store.database import Database
from bot.store.models import DueWork, Lead, LeadEvent, OutboxMessage
from tests.support.threads import at_once

SENDERS = 16


def send_at_once(send: Callable[[int], HandOff]) -> list[HandOff]:
    results: list[HandOff] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def sender(i: int) -> None:
        try:
            result = send(i)
        except BaseException as exc:  # any failure breaks the guarantee under test
            with lock:
                failures.append(exc)
        else:
            with lock:
                results.append(result)

    at_once(SENDERS, sender)
    assert failures == []
    assert len(results) == SENDERS
    return results


def count(db: Database, model: type, *where: object) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


@pytest.mark.parametrize("processes", ["one process", "a process each"])
@pytest.mark.parametrize("key", ["external_id", "idempotency_key"])
def test_concurrent_resends_store_one_lead(
    service: LeadService, db: Database, key: str, processes: str
) -> None:
    # A service of its own per sender stands for senders reaching different processes:
    # their transactions then run side by side (on PostgreSQL) instead of in one group.
    services = [
        service
        if processes == "one process"
        else LeadService(db, service.policy, clock=service.now)
        for _ in range(SENDERS)
    ]

    def send(i: int) -> HandOff:
        if key == "external_id":
            lead = LeadInput(source="web", name=f"Try {i}", external_id="crm-7")
            return services[i].hand_off(lead)
        # different external ids: only the idempotency key makes them the same lead
        lead = LeadInput(source="web", name=f"Try {i}", external_id=f"crm-{i}")
        return services[i].hand_off(lead, idempotency_key="same-request")

    results = send_at_once(send)

    assert sum(r.created for r in results) == 1
    assert len({r.lead.id for r in results}) == 1
    lead_id = results[0].lead.id
    assert count(db, Lead) == 1
    assert count(db, LeadEvent, LeadEvent.lead_id == lead_id) == 1
    assert count(db, OutboxMessage, OutboxMessage.lead_id == lead_id) == 1
    planned = count(db, DueWork, DueWork.lead_id == lead_id)
    assert planned > 0
    assert count(db, DueWork) == planned
