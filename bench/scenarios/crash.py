"""A burst of leads into one channel, the `baton serve` delivering it killed (SIGKILL)
mid-post, then started again on the same database.

Slack (the stand-in) allows one message a second per channel (429s past it) and answers
every seventh post with a 503. The kill is staged: the stand-in takes the first post
and holds its answer, every lead is handed off meanwhile, then the process is killed.
Measured from the moment the new process is started: the first post that reaches Slack
(delivery resumed) and the moment every lead has a Claim button in Slack. The floor is
the lease (`BATON_OUTBOX_LEASE_SECONDS`, 60 s): what a restarted process waited before
it could touch the dead one's rows and channel.
"""

from __future__ import annotations

import asyncio
import time

from bench.harness import Row, scenario
from bench.scenarios.burst import CLIENTS, _accepted, claim_buttons, one_channel_policy
from bench.scenarios.intake import lead_request
from bench.support import baton_serve, closed_loop, migrated_database, scratch_dir
from tests.support.slack_api import SlackStandIn

LEASE_SECONDS = 60.0
RESUME_TARGET_SECONDS = 10.0


@scenario("crash", "a burst into one channel, its process SIGKILLed mid-post and restarted")
def run(quick: bool) -> list[Row]:
    count, digest_after = (60, 30.0) if quick else (200, 120.0)
    policy = one_channel_policy(f"{int(digest_after)}s")
    env = {"BATON_OUTBOX_LEASE_SECONDS": str(int(LEASE_SECONDS))}
    with (
        scratch_dir() as workdir,
        SlackStandIn() as standin,
        migrated_database("sqlite", workdir) as url,
    ):
        standin.rate_limit_channels(1.0)
        standin.stall("chat.postMessage", landing_in="C0SALES")
        with baton_serve(url, standin, workdir, policy=policy, env=env) as first:
            run_id = f"crash{int(time.time())}"
            requests = [lead_request(i * 4 + 1, run_id) for i in range(count)]
            answers, _wall = asyncio.run(
                closed_loop(first.port, CLIENTS, lambda i: requests[i], count)
            )
            ids = set(_accepted(answers))
            standin.wait_held(1, timeout=60)
            first.process.kill()
            first.process.wait()
        killed_at = time.monotonic()
        standin.release()
        standin.fail_every(7, method="chat.postMessage", status=503, retry_after=None)
        posted_before = len(standin.successful_calls("chat.postMessage"))
        restarted_at = time.monotonic()
        with baton_serve(url, standin, workdir, policy=policy, env=env):
            deadline = restarted_at + digest_after + 60.0
            resumed: float | None = None
            claimable: set[str] = set()
            while time.monotonic() < deadline and claimable < ids:
                posts = standin.successful_calls("chat.postMessage")
                if resumed is None and len(posts) > posted_before:
                    resumed = posts[posted_before].at
                claimable = {lead for c in posts for lead in claim_buttons(c.args.get("blocks"))}
                time.sleep(0.2)
            done = time.monotonic()
            calls = standin.calls("chat.postMessage")
    resume = (resumed or float("inf")) - restarted_at
    lost = len(ids - claimable)
    all_in = done - restarted_at if not lost else float("inf")
    detail = {
        "leads": count,
        "digest_after_s": digest_after,
        "lease_s": LEASE_SECONDS,
        "restart_after_kill_s": round(restarted_at - killed_at, 2),
        "resumed_after_restart_s": round(resume, 2),
        "all_claimable_after_restart_s": round(all_in, 1),
        "posts_refused": sum(1 for c in calls if not c.ok),
        "posts": sum(1 for c in calls if c.ok),
    }
    return [
        Row(
            f"delivery resumes after a SIGKILL and restart ({count} leads waiting)",
            f"{resume:.1f} s",
            f"lease {LEASE_SECONDS:.0f} s",
            f"{resume / LEASE_SECONDS:.2f}",
            f"≤ {RESUME_TARGET_SECONDS:.0f} s, whatever the lease",
            resume <= RESUME_TARGET_SECONDS,
            detail,
        ),
        Row(
            f"burst of {count} leads cut by a SIGKILL, 503s and 429s: all in Slack",
            f"{lost} lost; all claimable {all_in:.0f} s after the restart",
            f"digest delay {digest_after:.0f} s",
            f"{all_in / digest_after:.2f}",
            "none lost, all claimable ≤ digest delay",
            lost == 0 and all_in <= digest_after,
            detail,
        ),
    ]
