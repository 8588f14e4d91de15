"""Deadlines at scale: escalation precision with 100,000 open leads, and Baton's due-work
rows against the common pattern of one APScheduler job per lead in SQLAlchemyJobStore.

Both sides run as their own processes (bench/peers/) on SQLite files, against the same
Slack stand-in, with the same deadlines: 100,000 far in the future plus 1,000 falling due
over 60 seconds (quick: 3,000 and 40 over 5 s). Lateness is measured where it matters,
when the escalation DM reaches Slack. Deadlines are spread over 25 routes, each escalating
to its own manager, so no DM channel is asked for more than Slack's one message a second.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.harness import Row, percentile, scenario
from bench.support import (
    REPO,
    migrated_database,
    process_cpu_seconds,
    python,
    scratch_dir,
    stop_process,
)
from tests.support.slack_api import Call, SlackStandIn

ROUTES = 25
LATENESS_TARGET = 1.0
IDLE_CPU_TARGET = 0.01  # of one core
RSS_TARGET_MB = 200.0
FAR = 86_400.0
# The fault run: Slack answers every FAIL_EVERY-th chat.postMessage with a 500.
FAIL_EVERY = 10


def bench_policy() -> str:
    lines = [
        "locale: en",
        "timezone: Asia/Tokyo",
        "roles:",
        f"  managers: [{', '.join(f'U0MGR{k:02d}' for k in range(ROUTES))}]",
        "routes:",
    ]
    for k in range(ROUTES):
        lines += [
            f"  - name: r{k:02d}",
            f"    when: {{segment: s{k:02d}}}",
            f"    channel: C0SALES{k:02d}",
            "    calendar: always",
            "    claim_within: 30m",
            "    first_touch_within: 1d",
            "    escalate:",
            f"      - {{after: 0m, notify: [U0MGR{k:02d}]}}",
        ]
    return "\n".join(lines) + "\n"


def route_of(lead_id: int) -> int:
    return lead_id % ROUTES


def load_open_leads(path: Path, count: int, now: float) -> None:
    """`count` unclaimed leads, bulk-loaded (their due work is registered separately)."""
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(now))
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        conn.executemany(
            "INSERT INTO leads (id, source, external_id, name, email, extras, segment, route, "
            "status, handed_off_by, created_at, claim_due_at, sla_round) "
            "VALUES (?, 'bench', ?, ?, ?, '{}', ?, ?, 'unclaimed', 'intake', ?, ?, 1)",
            (
                (
                    i,
                    f"crm-{i}",
                    f"Lead {i}",
                    f"lead{i}@example.com",
                    f"s{route_of(i):02d}",
                    f"r{route_of(i):02d}",
                    stamp,
                    stamp,
                )
                for i in range(1, count + 1)
            ),
        )
        conn.commit()
    finally:
        conn.close()


def set_claim_due(path: Path, plan: dict[str, list[Any]]) -> None:
    conn = sqlite3.connect(path, timeout=30)
    try:
        conn.executemany(
            "UPDATE leads SET claim_due_at = ? WHERE id = ?",
            [
                (time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(due)), int(lead))
                for lead, (due, _route) in plan.items()
            ],
        )
        conn.commit()
    finally:
        conn.close()


def plan_for(lead_ids: range, first_due: float, spread: float) -> dict[str, list[Any]]:
    step = spread / max(1, len(lead_ids) - 1)
    return {
        str(lead): [first_due + n * step, f"r{route_of(lead):02d}"]
        for n, lead in enumerate(lead_ids)
    }


@dataclass
class Side:
    register_seconds: float
    start_seconds: float
    baseline_mb: float  # the process before its scheduler started (libraries, app)
    rss_after_start_mb: float
    peak_mb: float
    idle_cpu: float  # CPU seconds per second while nothing was due
    lateness: list[float]
    missing: int


def _driver(module: str, *args: str, workdir: Path) -> dict[str, Any]:
    out = subprocess.run(
        [python(), "-m", module, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{module} {args[0]} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _run_side(
    module: str,
    run_args: list[str],
    register_args: list[str],
    soon_plan: dict[str, list[Any]],
    standin: SlackStandIn,
    workdir: Path,
    lead_of: Any,
    grace: float = 15.0,
) -> tuple[float, float, float, float, float, list[float], int]:
    """Register the deadlines due soon, start the process, watch them fall due (and wait
    up to `grace` seconds after the last for their DMs)."""
    soon_path = workdir / f"{module.rsplit('.', 1)[1]}-soon.json"
    soon_path.write_text(json.dumps(soon_plan))
    _driver(
        module, "register", *register_args[:1], str(soon_path), *register_args[1:], workdir=workdir
    )
    standin.clear()
    process = subprocess.Popen(
        [python(), "-m", module, "run", *run_args],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stdin is not None
        ready = json.loads(process.stdout.readline())
        first_due = min(due for due, _ in soon_plan.values())
        last_due = max(due for due, _ in soon_plan.values())
        # Idle: from a moment after start-up until just before the first deadline.
        time.sleep(2.0)
        cpu0, t0 = process_cpu_seconds(process.pid), time.monotonic()
        time.sleep(max(1.0, first_due - 1.0 - time.time()))
        idle_cpu = (process_cpu_seconds(process.pid) - cpu0) / (time.monotonic() - t0)
        wait_for_dms(standin, len(soon_plan), last_due + grace)
        process.stdin.close()
        stopping = json.loads(process.stdout.readline())
    finally:
        stop_process(process)  # type: ignore[arg-type]
    offset = time.time() - time.monotonic()
    delivered: dict[str, float] = {}  # lead -> when its DM reached Slack
    for call in standin.successful_calls("chat.postMessage"):
        lead = lead_of(call)
        if lead is not None and str(lead) in soon_plan:
            delivered.setdefault(str(lead), call.at + offset)
    lateness = [at - soon_plan[lead][0] for lead, at in delivered.items()]
    missing = len(soon_plan) - len(lateness)
    return (
        float(ready["start_seconds"]),
        float(ready["baseline_mb"]),
        float(ready["rss_mb"]),
        float(stopping["peak_mb"]),
        idle_cpu,
        lateness,
        missing,
    )


def _side(
    url: str,
    plan: dict[str, list[Any]],
    standin: SlackStandIn,
    workdir: Path,
    *,
    policy: Path | None = None,
    grace: float = 15.0,
) -> tuple[float, float, float, float, float, list[float], int]:
    """Baton's worker (given its `policy`) or else the APScheduler peer, on `url`."""
    if policy is not None:
        module, args, lead_of = "bench.peers.baton_worker", [str(policy)], baton_lead
    else:
        module, args, lead_of = "bench.peers.apscheduler_jobs", [], peer_lead
    return _run_side(
        module, [url, standin.url, *args], [url, *args], plan, standin, workdir, lead_of, grace
    )


def wait_for_dms(standin: SlackStandIn, count: int, until: float) -> None:
    while time.time() < until:
        if len(standin.successful_calls("chat.postMessage")) >= count:
            return
        time.sleep(0.2)


def baton_lead(call: Call) -> int | None:
    metadata = call.args.get("metadata")
    if isinstance(metadata, dict):
        payload = metadata.get("event_payload") or {}
        if "lead_id" in payload:
            return int(payload["lead_id"])
    return None


def peer_lead(call: Call) -> int | None:
    text = str(call.args.get("text", ""))
    if text.startswith("Lead #"):
        return int(text.split("#", 1)[1].split()[0])
    return None


_results: dict[bool, tuple[Side, Side, dict[str, Any]]] = {}


def compare(quick: bool) -> tuple[Side, Side, dict[str, Any]]:
    if quick not in _results:
        _results[quick] = _compare(quick)
    return _results[quick]


def _compare(quick: bool) -> tuple[Side, Side, dict[str, Any]]:
    count, soon, spread, lead_in = (3_000, 40, 5.0, 9.0) if quick else (100_000, 1000, 60.0, 25.0)
    sides: dict[str, Side] = {}
    with scratch_dir() as workdir, SlackStandIn() as standin:
        policy = workdir / "baton.yml"
        policy.write_text(bench_policy(), encoding="utf-8")
        far = plan_for(range(1, count + 1), time.time() + FAR, FAR)
        far_path = workdir / "far.json"
        far_path.write_text(json.dumps(far))
        with migrated_database("sqlite", workdir) as url:
            path = Path(url.removeprefix("sqlite:///"))
            load_open_leads(path, count + soon, time.time())
            registered = _driver(
                "bench.peers.baton_worker",
                "register",
                url,
                str(far_path),
                str(policy),
                workdir=workdir,
            )
            soon_plan = plan_for(range(count + 1, count + soon + 1), time.time() + lead_in, spread)
            set_claim_due(path, soon_plan)
            ours = _side(url, soon_plan, standin, workdir, policy=policy)
            sides["ours"] = Side(float(registered["seconds"]), *ours)
        jobs_url = f"sqlite:///{workdir / 'jobs.db'}"
        registered = _driver(
            "bench.peers.apscheduler_jobs", "register", jobs_url, str(far_path), workdir=workdir
        )
        soon_plan = plan_for(range(count + 1, count + soon + 1), time.time() + lead_in, spread)
        peer = _side(jobs_url, soon_plan, standin, workdir)
        sides["peer"] = Side(float(registered["seconds"]), *peer)
    sizes = {"deadlines": count, "due_in_window": soon, "window_s": spread}
    return sides["ours"], sides["peer"], sizes | _sent_despite_failures(quick)


def _sent_despite_failures(quick: bool) -> dict[str, int]:
    """Deadlines falling due while Slack answers one chat.postMessage in FAIL_EVERY with
    a 500: how many of their DMs each side got into Slack in the end.

    What the lateness comparison leaves out: Baton records each DM before sending it and
    retries what failed; APScheduler removes a date job from its store as it submits it
    (`BaseScheduler._process_jobs`), so a post that fails, or a process that dies while
    posting, loses that DM for good."""
    soon, spread = (10, 1.0) if quick else (100, 10.0)
    lead_in, grace = 5.0, 6.0  # start-up; the retries' backoff (about a second) and lease
    sent: dict[str, int] = {"fault_deadlines": soon}
    with scratch_dir() as workdir, SlackStandIn() as standin:
        standin.fail_every(FAIL_EVERY, method="chat.postMessage", status=500, retry_after=None)
        policy = workdir / "baton.yml"
        policy.write_text(bench_policy(), encoding="utf-8")
        with migrated_database("sqlite", workdir) as url:
            path = Path(url.removeprefix("sqlite:///"))
            load_open_leads(path, soon, time.time())
            plan = plan_for(range(1, soon + 1), time.time() + lead_in, spread)
            set_claim_due(path, plan)
            *_, missing = _side(url, plan, standin, workdir, policy=policy, grace=grace)
            sent["ours_sent_with_failures"] = soon - missing
        jobs_url = f"sqlite:///{workdir / 'jobs.db'}"
        plan = plan_for(range(1, soon + 1), time.time() + lead_in, spread)
        *_, missing = _side(jobs_url, plan, standin, workdir, grace=grace)
        sent["peer_sent_with_failures"] = soon - missing
    return sent


def _better_or_worse(mine: float, theirs: float) -> str:
    if mine <= 0 or theirs <= 0:
        return "—"
    return f"{theirs / mine:.1f}× better" if mine < theirs else f"{mine / theirs:.1f}× worse"


def _p99(values: list[float]) -> float:
    return percentile(values, 99) if values else float("inf")


@scenario("escalation", "escalation lateness, idle scheduler CPU and RSS with 100,000 open leads")
def run_escalation(quick: bool) -> list[Row]:
    ours, _peer, sizes = compare(quick)
    late = _p99(ours.lateness)
    detail: dict[str, float | int | str] = {
        **sizes,
        "lateness_p50_ms": round(percentile(ours.lateness, 50) * 1000, 1) if ours.lateness else -1,
        "lateness_p99_ms": round(late * 1000, 1),
        "dms_missing": ours.missing,
        "idle_cpu_percent": round(ours.idle_cpu * 100, 3),
        "peak_rss_mb": round(ours.peak_mb, 1),
    }
    return [
        Row(
            "escalation lateness (p99)",
            f"{late * 1000:.0f} ms late",
            "due time",
            "—",
            "p99 ≤ 1 s, none missing",
            late <= LATENESS_TARGET and ours.missing == 0,
            detail,
        ),
        Row(
            "scheduler CPU while nothing is due",
            f"{ours.idle_cpu * 100:.2f} % of a core",
            "—",
            "—",
            "≈ 0 (≤ 1 %)",
            ours.idle_cpu <= IDLE_CPU_TARGET,
            detail,
        ),
        Row(
            "worker RSS (peak)",
            f"{ours.peak_mb:.0f} MB",
            "—",
            "—",
            "≤ 200 MB",
            ours.peak_mb <= RSS_TARGET_MB,
            detail,
        ),
    ]


@scenario("deadlines", "due-work rows vs one APScheduler job per lead in SQLAlchemyJobStore")
def run_deadlines(quick: bool) -> list[Row]:
    ours, peer, sizes = compare(quick)
    detail: dict[str, float | int | str] = {
        **sizes,
        "ours_register_s": round(ours.register_seconds, 2),
        "peer_register_s": round(peer.register_seconds, 2),
        "ours_start_ms": round(ours.start_seconds * 1000, 1),
        "peer_start_ms": round(peer.start_seconds * 1000, 1),
        "ours_baseline_mb": round(ours.baseline_mb, 1),
        "peer_baseline_mb": round(peer.baseline_mb, 1),
        "ours_rss_mb": round(ours.rss_after_start_mb, 1),
        "peer_rss_mb": round(peer.rss_after_start_mb, 1),
        "ours_peak_mb": round(ours.peak_mb, 1),
        "peer_peak_mb": round(peer.peak_mb, 1),
        "ours_lateness_p99_ms": round(_p99(ours.lateness) * 1000, 1),
        "peer_lateness_p99_ms": round(_p99(peer.lateness) * 1000, 1),
        "ours_missing": ours.missing,
        "peer_missing": peer.missing,
    }
    n = sizes["deadlines"]
    faults = sizes["fault_deadlines"]
    rows = []
    for label, mine, theirs, unit, scale in (
        (f"register {n:,} deadlines", ours.register_seconds, peer.register_seconds, "s", 1.0),
        ("start-up with them pending", ours.start_seconds, peer.start_seconds, "ms", 1000.0),
        (
            "memory for scheduling (peak RSS − RSS before start)",
            ours.peak_mb - ours.baseline_mb,
            peer.peak_mb - peer.baseline_mb,
            "MB",
            1.0,
        ),
        ("lateness p99", _p99(ours.lateness), _p99(peer.lateness), "ms", 1000.0),
    ):
        rows.append(
            Row(
                f"deadlines vs APScheduler jobs: {label}",
                f"{mine * scale:.1f} {unit}",
                f"{theirs * scale:.1f} {unit} APScheduler",
                _better_or_worse(mine, theirs),
                "ours better",
                mine < theirs,
                detail,
            )
        )
    ours_sent, peer_sent = sizes["ours_sent_with_failures"], sizes["peer_sent_with_failures"]
    rows.append(
        Row(
            f"deadlines vs APScheduler jobs: DMs sent when Slack fails 1 post in {FAIL_EVERY}",
            f"{ours_sent} of {faults}",
            f"{peer_sent} of {faults} APScheduler",
            f"{faults - peer_sent} lost by APScheduler" if peer_sent < faults else "—",
            "every DM sent",
            ours_sent == faults,
            detail,
        )
    )
    return rows
