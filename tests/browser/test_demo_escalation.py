"""An escalation in the demo's page: a claim deadline passes, the manager gets the DM and
snoozes the lead with the modal (a missing reason is refused under its field first).
The demo runs a policy of seconds here (`baton demo --policy`), so the deadline passes
while the test waits for it, however slow the machine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Shots
from tests.browser.test_demo_page import SALES, be, hand_off_sample, open_channel
from tests.support.demo import DemoProcess, running_demo

MANAGER = "U0DEMOMGR"
FAST = """
locale: en
timezone: Asia/Tokyo
roles:
  managers: [U0DEMOMGR]
  reps: [U0DEMOREP1, U0DEMOREP2, U0DEMOREP3]
  marketers: [U0DEMOMKT]
routes:
  - name: default
    channel: C0DEMOSALES
    calendar: always
    claim_within: 2s
    first_touch_within: 5m
    escalate:
      - after: 0s
        notify: [U0DEMOMGR]
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoProcess]:
    workdir = tmp_path_factory.mktemp("demo-fast")
    policy = workdir / "fast.yml"
    policy.write_text(FAST, encoding="utf-8")
    with running_demo(workdir, "--policy", str(policy)) as running:
        yield running


def test_the_manager_gets_the_escalation_dm_and_snoozes_the_lead(
    page: Any, shots: Shots, tmp_path: Path
) -> None:
    be(page, "U0DEMOREP1")
    open_channel(page, SALES)
    hand_off_sample(page)

    be(page, MANAGER)
    page.click('[data-nav="dm"]')
    dm = page.locator('#conversation .message:has([data-action-id="lead_snooze"])')
    dm.first.wait_for(timeout=60_000)  # the 2 s claim deadline, then delivery
    assert "overdue" in dm.first.inner_text() or "missed" in dm.first.inner_text()
    shots.take(page, "06-escalation-dm")

    dm.first.locator('[data-action-id="lead_snooze"]').click()
    modal = page.locator('[data-demo="modal"]')
    modal.wait_for()
    modal.locator('[data-demo="modal-submit"]').click()
    modal.locator(".field-error:not([hidden])").first.wait_for()
    shots.take(page, "07-snooze-needs-a-reason")

    modal.locator("textarea, input[type='text']").last.fill("Customer asked us to call after lunch")
    modal.locator('[data-demo="modal-submit"]').click()
    modal.wait_for(state="detached")
    note = page.locator("#conversation .message", has_text="Snoozed")
    note.first.wait_for()
    shots.take(page, "08-snoozed")
