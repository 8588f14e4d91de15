"""The common pattern Baton is compared with: one APScheduler job per lead deadline, kept in
`SQLAlchemyJobStore` (what open-source Slack bots such as incidentbot do).

Run as its own process, so its start-up time and memory are its own:

    python -m bench.peers.apscheduler_jobs register URL PLAN.json
    python -m bench.peers.apscheduler_jobs run URL SLACK_API_URL

`register` adds one job per deadline in PLAN.json ({lead_id: [due_unix_seconds, route]}) and
prints the time it took. `run` starts the scheduler on those jobs, prints its start-up
time and memory, and posts each job's escalation DM to Slack (the stand-in) when it
fires, until stdin closes. Each line printed is one JSON object.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

START = time.perf_counter()

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore  # noqa: E402
from apscheduler.schedulers.background import BackgroundScheduler  # noqa: E402
from slack_sdk import WebClient  # noqa: E402

BOT_TOKEN = "xoxb-test-token"
# The same deliberate settings Baton's scheduler uses: late runs still run, piled-up
# runs collapse into one.
JOB_DEFAULTS = {"misfire_grace_time": None, "coalesce": True}
_client: WebClient | None = None


def say(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


def escalate(lead_id: int, manager: str) -> None:
    """What the job does when its deadline passes: DM the manager about the lead."""
    assert _client is not None
    _client.chat_postMessage(channel=manager, text=f"Lead #{lead_id} missed its claim deadline")


def scheduler(url: str) -> BackgroundScheduler:
    return BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=url)},
        job_defaults=JOB_DEFAULTS,
        timezone=UTC,
    )


def register(url: str, plan_path: str) -> None:
    plan = json.loads(Path(plan_path).read_text())
    sched = scheduler(url)
    sched.start(paused=True)
    began = time.perf_counter()
    for lead_id, (due, route) in plan.items():
        sched.add_job(
            escalate,
            "date",
            run_date=datetime.fromtimestamp(due, UTC),
            args=[int(lead_id), f"U0MGR{route.removeprefix('r')}"],
            id=f"lead-{lead_id}-claim-1",
            replace_existing=True,
        )
    say(event="registered", jobs=len(plan), seconds=time.perf_counter() - began)
    sched.shutdown(wait=False)


def run(url: str, slack_api_url: str) -> None:
    global _client
    _client = WebClient(token=BOT_TOKEN, base_url=slack_api_url)
    # Built before the "before" sample, as Baton's side builds its runtime (engine
    # included) before its own.
    sched = scheduler(url)
    armed = first_wake_armed(sched)
    imported = time.perf_counter()
    baseline = process_rss_mb(_pid())
    sched.start()
    armed.wait()
    started = time.perf_counter()
    say(
        event="ready",
        import_seconds=imported - START,
        start_seconds=started - imported,
        baseline_mb=baseline,
        rss_mb=process_rss_mb(_pid()),
    )
    done = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait()
    say(event="stopping", rss_mb=process_rss_mb(_pid()), peak_mb=process_rss_mb(_pid(), "VmHWM"))
    sched.shutdown(wait=False)


def first_wake_armed(sched: BackgroundScheduler) -> threading.Event:
    """Set once the scheduler has looked at its jobs and knows when to wake next.

    `start()` only starts the scheduler's thread; that thread then asks the job store for
    due jobs and the next run time. Start-up ends there on both sides of the comparison
    (Baton's `start()` returns with its first wake-up armed), so it is timed to there.
    APScheduler has no event for it: its one processing pass is wrapped instead.
    """
    armed = threading.Event()
    process_jobs = sched._process_jobs

    def process_jobs_and_note() -> float | None:
        wait_seconds = process_jobs()
        armed.set()
        return wait_seconds

    sched._process_jobs = process_jobs_and_note  # type: ignore[method-assign]
    return armed


def _pid() -> int:
    return os.getpid()


def process_rss_mb(pid: int, key: str = "VmRSS") -> float:
    # bench.support has the same, but importing it would load Baton into this process
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"register": register, "run": run}[command](*args)
