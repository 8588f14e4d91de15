"""Outgoing webhooks: a lead's timeline event POSTed as signed JSON to each of the
policy's `webhooks:` subscribed to its kind (a Zapier or Make catch hook, a CRM's
endpoint).

`bot.leads.timeline.record_event` queues one `Intent.WEBHOOK` row per webhook with the
event; the body is rendered here when the row is sent, from the database: the event as
it happened, the lead, its owner and its times as they stand now. It is signed like
`POST /leads` (bot/core/signing.py) with the webhook's secret, and carries the event id
as `Idempotency-Key`, so a receiver can drop the copy a retry sends after an answer was
lost.

What the receiver's answer means: 2xx, sent; 429 waits its Retry-After; 408, 425, 5xx,
a timeout or no connection back off and retry for as long as it takes; a redirect or
any other 4xx is a dead letter (with the status and the start of the answer), sent
again by `baton retry-failed` once the receiver or the policy is fixed. The answer is
classified here and handed to delivery as a `DeliveryFailed`, beside Slack's errors.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from bot.core.policy import Policy
from bot.core.policy_sections import WebhookPolicy
from bot.core.signing import signed_headers
from bot.delivery.failures import (
    WEBHOOK_ERROR,
    DeliveryFailed,
    Failure,
    Verdict,
    retry_after_of,
)
from bot.delivery.people import owner_email
from bot.delivery.registry import SendContext, Sent, sender
from bot.store.models import Lead, LeadEvent, LeadStatus, OutboxMessage
from bot.store.outbox import Intent

# A slow receiver holds one delivery worker this long at most, never a Slack channel's
# lane (a webhook row has a lane of its own).
TIMEOUT_SECONDS = 10.0
ANSWER_KEPT = 200  # characters of a refusing receiver's answer kept with the dead letter
# 4xx answers that say "later", not "never".
RETRIED_STATUSES = frozenset({408, 425})
STAGES = frozenset(
    {LeadStatus.MEETING_BOOKED, LeadStatus.OPPORTUNITY, LeadStatus.WON, LeadStatus.LOST}
)
# Event details a receiver gets at the top level of the body (null when absent).
DETAIL_FIELDS = ("outcome", "reason", "amount", "currency", "note")
METHOD = "webhook"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # urllib would follow a 301/302 with a GET and no body; a moved receiver is for a
    # person to fix in the policy, so a 3xx is answered as it came (an HTTPError).
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


@sender(Intent.WEBHOOK)
def post_webhook(row: OutboxMessage, ctx: SendContext) -> Sent:
    payload = row.payload or {}
    found = webhook_of(ctx.policy, payload)
    if found is None:
        return Sent(result={"skipped": "the policy no longer sends this event there"})
    index, hook = found
    body = render(ctx, payload)
    if body is None:
        return Sent(result={"skipped": "the lead or its event is gone"})
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Baton",
        "Idempotency-Key": str(body["event_id"]),
        **signed_headers(hook.secret, data, int(ctx.now.timestamp())),
    }
    status = _post(hook.url, data, headers)
    return Sent(result={"webhook": index, "event_id": body["event_id"], "status": status})


def webhook_of(policy: Policy, payload: dict[str, Any]) -> tuple[int, WebhookPolicy] | None:
    """The row's webhook in the policy as it is now: by index if its url is unchanged,
    else by url; None when no webhook with that url still subscribes to the event."""
    hooks, index, url = policy.webhooks, payload.get("webhook"), payload.get("url")
    found: tuple[int, WebhookPolicy] | None = None
    if isinstance(index, int) and 0 <= index < len(hooks) and hooks[index].url == url:
        found = (index, hooks[index])
    else:
        found = next(((i, hook) for i, hook in enumerate(hooks) if hook.url == url), None)
    if found is None or payload.get("event") not in found[1].events:
        return None
    return found


def render(ctx: SendContext, payload: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON body for the row's event; None when the lead or the event is gone."""
    lead_id, event_id = payload.get("lead"), payload.get("event_id")
    with ctx.db.read() as session:
        lead = session.get(Lead, lead_id)
        if event_id is not None:
            event = session.get(LeadEvent, event_id)
        else:  # held to its commit without an id: a lead's only event of its kind
            event = session.scalar(
                select(LeadEvent)
                .where(LeadEvent.lead_id == lead_id, LeadEvent.kind == payload.get("event"))
                .order_by(LeadEvent.id)
                .limit(1)
            )
    if lead is None or event is None:
        return None
    # After the read: a look-up of the owner may ask Slack.
    owner = (
        {"slack_id": lead.owner_id, "email": owner_email(ctx, lead.owner_id)}
        if lead.owner_id
        else None
    )
    detail = event.detail or {}
    return {
        "event_id": event.id,
        "event": event.kind,
        "at": _iso(event.at),
        "lead": {
            "id": lead.id,
            "source": lead.source,
            "external_id": lead.external_id,
            "status": lead.status,
            "stage": lead.status if lead.status in STAGES else None,
        },
        "actor": event.actor,
        "owner": owner,
        "times": {
            "handed_off": _iso(lead.created_at),
            "claimed": _iso(lead.claimed_at),
            "first_touch": _iso(lead.first_touch_at),
            "meeting_booked": _iso(lead.meeting_booked_at),
            "opportunity": _iso(lead.opportunity_at),
            "won": _iso(lead.won_at),
            "lost": _iso(lead.lost_at),
        },
        **{name: detail.get(name) for name in DETAIL_FIELDS},
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _post(url: str, data: bytes, headers: dict[str, str]) -> int:
    """POST and return the 2xx status; raise DeliveryFailed with the verdict otherwise."""
    where = receiver(url)
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(_refused(exc, where)) from None
    except (OSError, http.client.HTTPException) as exc:  # URLError, timeouts, resets
        error = f"{WEBHOOK_ERROR}network"
        raise DeliveryFailed(
            Failure(Verdict.TRANSIENT, error, METHOD, where, detail=type(exc).__name__)
        ) from None


def _refused(exc: urllib.error.HTTPError, where: str) -> Failure:
    status = int(exc.code)
    error = f"{WEBHOOK_ERROR}http_{status}"
    if status == 429:
        return Failure(Verdict.RATE_LIMITED, error, METHOD, where, status, retry_after_of(exc))
    if status >= 500 or status in RETRIED_STATUSES:
        return Failure(Verdict.TRANSIENT, error, METHOD, where, status)
    return Failure(Verdict.PERMANENT, error, METHOD, where, status, detail=_answer_of(exc))


def _answer_of(exc: urllib.error.HTTPError) -> str | None:
    try:
        text = exc.read(ANSWER_KEPT * 4).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        return None
    return " ".join(text.split())[:ANSWER_KEPT] or None


def receiver(url: str) -> str:
    """How a webhook is named in dead letters and logs: its scheme and host, since the
    path of a catch hook (Zapier's, Make's) is as good as a password."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"
