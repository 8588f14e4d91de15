"""The demo's page in headless Chromium, as a visitor uses it: hand off a sample lead, claim
it, lose a claim race, act on an escalation DM, ask /lead-status, and make a mistake in a
modal. Each step is saved as a screenshot (tests/browser/conftest.py)."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Shots
from tests.support.demo import DemoProcess

REP1, REP2, MANAGER, MARKETER = "U0DEMOREP1", "U0DEMOREP2", "U0DEMOMGR", "U0DEMOMKT"
SALES = "C0DEMOSALES"


def be(page: Any, person: str) -> None:
    page.select_option('select[name="as"]', person)
    page.wait_for_selector(f'body[data-as="{person}"]')


def open_channel(page: Any, channel: str = SALES) -> None:
    page.click(f'[data-nav="channel"][data-id="{channel}"]')


def hand_off_sample(page: Any) -> Any:
    """Click the sample button; the page opens the lead's channel: its new card there."""
    with page.expect_response("**/demo/api/sample-lead") as answered:
        page.click('[data-demo="sample-lead"]')
    lead = answered.value.json()["lead"]
    page.wait_for_selector(f'body[data-open="{lead["channel"]}"]')
    card = page.locator(
        '#conversation .message:has([data-action-id="lead_claim"])', has_text=f"#{lead['id']}"
    )
    card.wait_for()
    return card


def message(page: Any, ts: str) -> Any:
    return page.locator(f'#conversation .message[data-ts="{ts}"]')


def test_claim_a_sample_lead_and_lose_the_race_as_another_rep(
    page: Any, browser: Any, demo: DemoProcess, shots: Shots
) -> None:
    be(page, REP1)
    open_channel(page)
    card = hand_off_sample(page)
    ts = card.get_attribute("data-ts")
    channel = page.get_attribute("body", "data-open")
    shots.take(page, "01-sample-lead-card")

    # The second rep has the same card open, and their page hears nothing for a while
    # (as if their connection lagged): so they click Claim after the first rep won.
    other = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    other.goto(f"{demo.base}/#as={REP2}&open={channel}")
    message(other, ts).locator('[data-action-id="lead_claim"]').wait_for()
    other.route("**/demo/api/events**", lambda route: route.abort())
    other.route("**/demo/api/conversation**", lambda route: route.abort())

    message(page, ts).locator('[data-action-id="lead_claim"]').click()
    # The card changes in place: the Claim button gives way to the owner's buttons.
    message(page, ts).locator('[data-action-id="lead_touch"]').wait_for()
    assert "Haruka Sato" in message(page, ts).inner_text()
    message(page, ts).locator('[data-demo="thread-link"]').click()
    page.locator("#thread .message").nth(1).wait_for()
    assert "claimed" in page.locator("#thread").inner_text()
    shots.take(page, "02-claimed-with-thread")

    message(other, ts).locator('[data-action-id="lead_claim"]').click()
    other.unroute("**/demo/api/events**")
    other.unroute("**/demo/api/conversation**")
    note = other.locator('#conversation .message:has([data-demo="ephemeral-note"])')
    note.first.wait_for()
    assert "already claimed" in note.first.inner_text()
    shots.take(other, "03-already-claimed-only-for-me")
    other.context.close()

    page.reload()
    be(page, REP1)
    open_channel(page, channel)
    message(page, ts).wait_for()
    assert page.locator('#conversation [data-demo="ephemeral-note"]').count() == 0


def test_a_modal_mistake_is_shown_under_its_field(page: Any, shots: Shots) -> None:
    be(page, REP1)
    open_channel(page)
    card = hand_off_sample(page)
    ts = card.get_attribute("data-ts")
    message(page, ts).locator('[data-action-id="lead_claim"]').click()
    message(page, ts).locator('[data-action-id="lead_outcome"]').click()
    modal = page.locator('[data-demo="modal"]')
    modal.wait_for()
    modal.locator('input[type="radio"][value="disqualified"]').check()
    modal.locator('[data-demo="modal-submit"]').click()
    error = modal.locator(".field-error:not([hidden])").first
    error.wait_for()
    assert error.inner_text().strip()
    shots.take(page, "04-modal-error-under-the-field")


def test_lead_status_answers_only_the_marketer(page: Any, shots: Shots) -> None:
    be(page, MARKETER)
    open_channel(page, "C0DEMOMKT")
    page.fill('textarea[name="message"]', "/lead-status")
    page.press('textarea[name="message"]', "Enter")
    answer = page.locator('#conversation .message:has([data-demo="ephemeral-note"])')
    answer.first.wait_for()
    assert "Team summary" in answer.first.inner_text()
    shots.take(page, "05-lead-status")
