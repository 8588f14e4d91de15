"""GET /healthz: can this process do its job right now?

503 when the database does not answer or a background loop this process runs has
died or stalled (restarting the process helps). A Slack backlog or dead letters are
reported but keep 200: a restart would not fix them, and a load balancer taking the
process out of rotation would only add an outage.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import func, select, text

from bot.models import OutboxMessage


class Component(Protocol):
    def health(self) -> dict[str, Any]: ...


def report(runtime: Any) -> tuple[dict[str, Any], int]:
    """The health document and its HTTP status."""
    body: dict[str, Any] = {"ok": True}
    warnings: list[str] = []
    now = runtime.clock()
    try:
        with runtime.db.read() as session:
            session.execute(text("SELECT 1"))
            pending = (OutboxMessage.sent_at.is_(None), OutboxMessage.dead_at.is_(None))
            backlog = session.scalar(select(func.count()).where(*pending)) or 0
            oldest = session.scalar(select(func.min(OutboxMessage.created_at)).where(*pending))
            dead = (
                session.scalar(
                    select(func.count()).where(
                        OutboxMessage.sent_at.is_(None), OutboxMessage.dead_at.is_not(None)
                    )
                )
                or 0
            )
    except Exception as exc:  # any database failure makes the process unhealthy
        body["ok"] = False
        body["database"] = f"unreachable: {type(exc).__name__}"
    else:
        body["database"] = "ok"
        age = 0.0 if oldest is None else max((now - oldest).total_seconds(), 0.0)
        body["outbox"] = {"backlog": backlog, "oldest_age_seconds": round(age, 1), "dead": dead}
        if dead:
            warnings.append(
                f"{dead} message(s) could not be delivered to Slack; see /lead-status, fix the "
                "cause, then run `baton retry-failed`"
            )
    for name in ("delivery", "scheduler"):
        component = getattr(runtime, name, None)
        if component is None or not hasattr(component, "health"):
            continue
        state = component.health()
        body[name] = state
        if not state.get("healthy", True):
            body["ok"] = False
    if warnings:
        body["warnings"] = warnings
    return body, 200 if body["ok"] else 503
