"""GET /healthz: can this process do its job right now?

503 when the database does not answer, a background loop this process runs has died or
stalled (restarting the process helps), or Slack refuses the bot token (the operator
must fix the token: bot/delivery/token_health.py). A Slack backlog or dead letters are
reported but keep 200: a restart would not fix them, and a load balancer taking the
process out of rotation would only add an outage.

Every check asks the database (`SELECT 1`), so an outage shows at once. The outbox
figures take a scan of the undelivered rows, which grows with the backlog and, for
dead letters, with the outbox itself; they are read again at most every
OUTBOX_FIGURES_SECONDS, so a load balancer polling often (or many at once) costs the
database one round trip a check, not a scan.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import func, select

from bot.store.models import OutboxMessage

OUTBOX_FIGURES_SECONDS = 5.0


class Component(Protocol):
    def health(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class OutboxFigures:
    backlog: int
    oldest: datetime | None  # created_at of the oldest message still to send
    dead: int


class HealthCheck:
    """The health document of one process, and its HTTP status."""

    def __init__(self, runtime: Any, *, figures_seconds: float = OUTBOX_FIGURES_SECONDS) -> None:
        self.runtime = runtime
        self.figures_seconds = figures_seconds
        self._lock = threading.Lock()
        self._figures: OutboxFigures | None = None
        self._read_at = 0.0

    def report(self) -> tuple[dict[str, Any], int]:
        body: dict[str, Any] = {"ok": True}
        warnings: list[str] = []
        now = self.runtime.clock()
        try:
            self._ping()
            figures = self._outbox_figures()
        except Exception as exc:  # any database failure makes the process unhealthy
            body["ok"] = False
            body["database"] = f"unreachable: {type(exc).__name__}"
        else:
            body["database"] = "ok"
            oldest = figures.oldest
            age = 0.0 if oldest is None else max((now - oldest).total_seconds(), 0.0)
            body["outbox"] = {
                "backlog": figures.backlog,
                "oldest_age_seconds": round(age, 1),
                "dead": figures.dead,
            }
            if figures.dead:
                warnings.append(
                    f"{figures.dead} {'message' if figures.dead == 1 else 'messages'} could not "
                    "be delivered (to Slack or a webhook); see "
                    "/lead-status, fix the cause, then run `baton retry-failed`"
                )
        for name, attribute in (
            ("delivery", "delivery"),
            ("scheduler", "scheduler"),
            ("slack", "slack_token"),
        ):
            component = getattr(self.runtime, attribute, None)
            if component is None or not hasattr(component, "health"):
                continue
            state = component.health()
            body[name] = state
            if not state.get("healthy", True):
                body["ok"] = False
        if warnings:
            body["warnings"] = warnings
        return body, 200 if body["ok"] else 503

    def _ping(self) -> None:
        with self.runtime.db.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1").scalar()

    def _outbox_figures(self) -> OutboxFigures:
        with self._lock:  # one check reads them; checks meanwhile wait for its answer
            if self._figures is None or time.monotonic() - self._read_at >= self.figures_seconds:
                self._figures = read_outbox_figures(self.runtime.db)
                self._read_at = time.monotonic()
            return self._figures


def read_outbox_figures(db: Any) -> OutboxFigures:
    """Undelivered messages: how many are waiting, since when, and how many are dead."""
    undelivered = OutboxMessage.sent_at.is_(None)
    waiting = OutboxMessage.dead_at.is_(None)
    with db.read() as session:
        row = session.execute(
            select(
                func.count().filter(waiting),
                func.min(OutboxMessage.created_at).filter(waiting),
                func.count().filter(OutboxMessage.dead_at.is_not(None)),
            ).where(undelivered)
        ).one()
    return OutboxFigures(backlog=row[0] or 0, oldest=row[1], dead=row[2] or 0)
