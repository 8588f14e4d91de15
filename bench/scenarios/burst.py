"""Burst delivery: 1,000 leads handed off at once into one channel, while the Slack
stand-in enforces Slack's one message a second per channel with 429s.

A lead is claimable once a message with a Claim button for it (its own card, or a line
of a digest card) has reached Slack; measured from its own 201 answer.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

from bench.harness import Row, percentile, scenario
from bench.scenarios.intake import lead_request
from bench.support import (
    Answer,
    baton_serve,
    closed_loop,
    migrated_database,
    scratch_dir,
)
from tests.support.policies import STANDARD
from tests.support.slack_api import SlackStandIn

CLIENTS = 16
RATE_LIMITED_SHARE_TARGET = 0.01


def claim_buttons(blocks: Any) -> Iterator[str]:
    """The lead ids of every Claim button in a message's blocks."""
    if isinstance(blocks, dict):
        if blocks.get("action_id") == "lead_claim" and "value" in blocks:
            yield str(blocks["value"])
        for value in blocks.values():
            yield from claim_buttons(value)
    elif isinstance(blocks, list):
        for item in blocks:
            yield from claim_buttons(item)


def one_channel_policy(digest_after: str) -> str:
    """The standard policy, every lead routed to #C0SALES, with the given digest delay."""
    return f"digest_after: {digest_after}\n" + STANDARD


@scenario("burst", "1,000 leads into one channel paced at 1 message/s with 429s")
def run(quick: bool) -> list[Row]:
    count, digest_after = (150, 10.0) if quick else (1000, 120.0)
    with (
        scratch_dir() as workdir,
        SlackStandIn() as standin,
        migrated_database("sqlite", workdir) as url,
    ):
        standin.rate_limit_channels(1.0)
        policy = one_channel_policy(f"{int(digest_after)}s")
        with baton_serve(url, standin, workdir, policy=policy) as served:
            run_id = f"burst{int(time.time())}"
            # segment smb: the default route, channel C0SALES, for every lead
            requests = [lead_request(i * 4 + 1, run_id) for i in range(count)]
            answers, _wall = asyncio.run(
                closed_loop(served.port, CLIENTS, lambda i: requests[i], count)
            )
            accepted = _accepted(answers)
            ids = list(accepted)
            deadline = time.time() + digest_after + 60.0
            claimable: dict[str, float] = {}
            offset = time.time() - time.monotonic()
            while time.time() < deadline and len(claimable) < len(ids):
                for call in standin.calls("chat.postMessage"):
                    if not call.ok:
                        continue
                    for lead in claim_buttons(call.args.get("blocks")):
                        claimable.setdefault(lead, call.at + offset)
                time.sleep(0.5)
            calls = standin.calls()
    limited = sum(1 for c in calls if c.status == 429)
    waits = [claimable[i] - accepted[i] for i in ids if i in claimable]
    lost = len(ids) - len(waits)
    slowest = max(waits, default=float("inf"))
    share = limited / max(1, len(calls))
    detail: dict[str, float | int | str] = {
        "leads": count,
        "accepted": len(ids),
        "claimable": len(waits),
        "digest_after_s": digest_after,
        "claimable_p50_s": round(percentile(waits, 50), 1) if waits else -1,
        "claimable_max_s": round(slowest, 1),
        "slack_calls": len(calls),
        "answered_429": limited,
        "messages_posted": sum(1 for c in calls if c.method == "chat.postMessage" and c.ok),
    }
    return [
        Row(
            f"burst of {count:,} leads into one channel",
            f"{lost} lost; all claimable within {slowest:.0f} s; {share:.1%} 429s",
            f"digest delay {digest_after:.0f} s",
            "—",
            "none lost, claimable ≤ digest delay, 429s ≤ 1 %",
            lost == 0 and slowest <= digest_after and share <= RATE_LIMITED_SHARE_TARGET,
            detail,
        )
    ]


def _accepted(answers: list[Answer]) -> dict[str, float]:
    """Lead id -> when its 201 arrived."""
    accepted = {}
    for answer in answers:
        if answer.status != 201:
            raise RuntimeError(f"a lead was answered {answer.status}: {answer.body[:200]!r}")
        accepted[str(json.loads(answer.body)["id"])] = answer.at
    return accepted
