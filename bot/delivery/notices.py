"""Notices: short catalog messages to a channel or a person (delivery alerts to managers).

Payload: {"to": "C…" or "U…", "lines": [{"key": catalog key, "params": {...}}, ...]};
rendered when sent: in the person's language (bot.delivery.people), or in a channel the
policy's.
"""

from __future__ import annotations

from bot.core.i18n import CATALOG, t
from bot.core.policy_values import is_slack_user
from bot.delivery.people import reader_locale
from bot.delivery.registry import SendContext, Sent, sender
from bot.store.models import OutboxMessage
from bot.store.outbox import Intent


def render_notice(lines: list[dict], locale: str) -> str:
    rendered = []
    for line in lines:
        key = str(line.get("key", ""))
        if key in CATALOG:
            rendered.append(t(key, locale, **(line.get("params") or {})))
    return "\n".join(rendered)


@sender(Intent.NOTICE)
def send_notice(row: OutboxMessage, ctx: SendContext) -> Sent:
    payload = row.payload or {}
    if payload.get("erased"):  # it named a person whose data was erased since
        return Sent(result={"skipped": "erased"})
    to = str(payload["to"])
    locale = reader_locale(ctx, to) if is_slack_user(to) else ctx.policy.locale
    text = render_notice(payload.get("lines") or [], locale)
    answer = ctx.post_message(channel=to, text=text)
    return Sent(result={"channel": answer["channel"], "ts": answer["ts"]})
