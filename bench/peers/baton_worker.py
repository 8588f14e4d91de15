"""Baton's side of the deadline comparison, as its own process like the APScheduler peer:

    python -m bench.peers.baton_worker register URL PLAN.json
    python -m bench.peers.baton_worker run URL SLACK_API_URL POLICY.yml

`register` writes each lead's due work the way a hand-off or a claim does (the route's
plan, one transaction per lead) and prints the time it took. `run` starts what
`baton worker` starts (the SLA scheduler and Slack delivery), prints its start-up time
and memory, and runs until stdin closes. Each line printed is one JSON object.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

START = time.perf_counter()

from bot.core.policy import load_policy  # noqa: E402
from bot.core.settings import Settings  # noqa: E402
from bot.leads import sla  # noqa: E402
from bot.runtime import build_runtime  # noqa: E402
from bot.store.database import Database  # noqa: E402
from bot.store.models import Clock  # noqa: E402

BOT_TOKEN = "xoxb-test-token"


def say(**fields: object) -> None:
    print(json.dumps(fields), flush=True)


def rss_mb(key: str = "VmRSS") -> float:
    for line in Path(f"/proc/{os.getpid()}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def register(url: str, plan_path: str, policy_path: str) -> None:
    plan = json.loads(Path(plan_path).read_text())
    policy = load_policy(policy_path)
    db = Database(url)
    now = datetime.now(UTC)
    began = time.perf_counter()
    for lead_id, (due, route_name) in plan.items():
        route = policy.route_named(route_name)
        assert route is not None
        rows = sla.plan_due_work(
            route,
            policy.calendar_for(route),
            lead_id=int(lead_id),
            clock=Clock.CLAIM,
            sla_round=1,
            due=datetime.fromtimestamp(due, UTC),
            now=now,
        )
        with db.transaction() as session:
            sla.add_due_work(session, rows)
    say(event="registered", leads=len(plan), seconds=time.perf_counter() - began)
    db.dispose()


def run(url: str, slack_api_url: str, policy_path: str) -> None:
    settings = Settings(
        database_url=url,
        slack_api_url=slack_api_url,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret="unused",
        baton_config=policy_path,
    )
    runtime = build_runtime(settings)
    imported = time.perf_counter()
    baseline = rss_mb()
    # What `start_background` does: the SLA scheduler, whose start-up is compared with
    # the peer's, then delivery (the peer has none; its memory still counts below).
    runtime.scheduler.start()
    started = time.perf_counter()
    runtime.delivery.start()
    say(
        event="ready",
        import_seconds=imported - START,
        start_seconds=started - imported,
        baseline_mb=baseline,
        rss_mb=rss_mb(),
    )
    done = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait()
    say(event="stopping", rss_mb=rss_mb(), peak_mb=rss_mb("VmHWM"))
    runtime.close()


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"register": register, "run": run}[command](*args)
