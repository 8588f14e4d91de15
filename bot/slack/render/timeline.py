"""A lead's timeline events as short lines: thread replies under the card, /lead-status."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.i18n import CATALOG, t
from bot.slack.render.text import duration, fit, money, people, slack_date, who
from bot.store.models import LeadEvent

NOTE_LIMIT = 500
_ICON = {
    "handed_off": "📥",
    "claimed": "🙋",
    "released": "↩️",
    "first_touch": "📞",
    "outcome": "🏁",
    "stage": "📈",
    "reassigned": "🔀",
    "snoozed": "😴",
    "nudged": "⏰",
    "escalated": "🚨",
    "reposted": "📣",
    "offered": "📨",
    "offer_passed": "⏭️",
    "offer_expired": "⌛",
    "offers_ended": "📢",
}


def event_text(event: LeadEvent, *, locale: str, tz: ZoneInfo) -> str:
    """One mrkdwn line (plus a quoted note) saying what happened, for the card's thread."""
    detail: dict[str, Any] = event.detail or {}
    actor = who(event.actor, locale)
    key = f"event.{event.kind}"
    params: dict[str, Any] = {"actor": actor}
    if event.kind in ("outcome", "stage"):
        key, more = _outcome(event.kind, detail, locale)
        params.update(more)
    elif event.kind in _ASSIGNMENT_KINDS:
        key, more = _assignment(event.kind, detail, locale, tz)
        params.update(more)
    elif event.kind == "handed_off":
        params["route"] = fit(detail.get("route") or "", 100)
    elif event.kind == "claimed" and detail.get("assigned") == "round_robin":
        key = "event.claimed.round_robin"
        params["owner"] = _person(detail.get("owner"), locale)
    elif event.kind == "claimed" and detail.get("offer"):
        key = "event.claimed.offer"
    elif event.kind == "released":
        params["previous"] = _person(detail.get("previous_owner"), locale)
    elif event.kind == "reassigned":
        params["previous"] = _person(detail.get("previous_owner"), locale)
        params["new"] = _person(detail.get("new_owner"), locale)
    elif event.kind == "snoozed":
        params["until"] = _date_from_iso(detail.get("until"), tz, locale)
    elif event.kind in ("nudged", "escalated"):
        params["clock"] = t(f"clock.{detail.get('clock', 'claim')}", locale)
        notified = detail.get("notified") or []
        params["notified"] = people(notified[:10], locale) or "—"
    if key not in CATALOG:
        key = "event.other"
        params["kind"] = fit(event.kind, 40)
    line = f"{_ICON.get(event.kind, '•')} {t(key, locale, **params)}"
    late = detail.get("late")
    if isinstance(late, int | float) and late > 0 and event.kind in ("claimed", "first_touch"):
        line += t("event.late", locale, late=duration(timedelta(seconds=late), locale))
    # a snooze's reason is free text; an outcome's reason is a code shown above
    note = detail.get("reason") if event.kind == "snoozed" else detail.get("note")
    if note and str(note).strip():
        line += "\n>" + fit(note, NOTE_LIMIT).replace("\n", "\n>")
    return line


def _outcome(kind: str, detail: dict[str, Any], locale: str) -> tuple[str, dict[str, Any]]:
    """A rep's outcome or a CRM's stage update: the key and what it names (the amount of
    a won deal, the reason of a lost or disqualified one)."""
    outcome = str(detail.get("outcome") or "")
    params: dict[str, Any] = {
        "outcome": t(f"status.{outcome}", locale) if f"status.{outcome}" in CATALOG else "?",
    }
    params["stage"] = params["outcome"]
    reason = detail.get("reason")
    reasons = "lost_reason" if outcome == "lost" else "reason"
    if f"{reasons}.{reason}" in CATALOG:
        params["reason"] = t(f"{reasons}.{reason}", locale)
    amount = detail.get("amount")
    if amount is not None:
        try:
            params["amount"] = money(Decimal(str(amount)), detail.get("currency"), locale)
        except InvalidOperation:
            amount = None
    base = "event.stage" if kind == "stage" else f"event.outcome.{outcome}"
    if base not in CATALOG:
        return "event.outcome", params
    if amount is not None and f"{base}_amount" in CATALOG:
        return f"{base}_amount", params
    if "reason" in params and f"{base}_reason" in CATALOG:
        return f"{base}_reason", params
    if outcome == "disqualified" and kind == "outcome":
        params.setdefault("reason", t("reason.other", locale))
    return base, params


_ASSIGNMENT_KINDS = frozenset({"offered", "offer_passed", "offer_expired", "offers_ended"})


def _assignment(
    kind: str, detail: dict[str, Any], locale: str, tz: ZoneInfo
) -> tuple[str, dict[str, Any]]:
    """An offer and what came of it (bot.leads.offers): the key and what it names."""
    params: dict[str, Any] = {"to": _person(detail.get("to"), locale)}
    if kind == "offered":
        params.update(
            number=detail.get("number", "?"),
            of=detail.get("of", "?"),
            due=_date_from_iso(detail.get("due_at"), tz, locale),
        )
        return "event.offered", params
    if kind == "offer_passed":
        reason = detail.get("reason")
        if f"pass_reason.{reason}" in CATALOG:
            params["reason"] = t(f"pass_reason.{reason}", locale)
            return "event.offer_passed_reason", params
        return "event.offer_passed", params
    if kind == "offers_ended":
        params["offers"] = detail.get("offers", 0)
        why = "max_offers" if detail.get("why") == "max_offers" else "nobody"
        return f"event.offers_ended.{why}", params
    return "event.offer_expired", params


def timeline_line(event: LeadEvent, *, locale: str, tz: ZoneInfo) -> str:
    """The event with its time in front, for a lead's history."""
    return f"{slack_date(event.at, tz, locale=locale)}  {event_text(event, locale=locale, tz=tz)}"


def _date_from_iso(value: Any, tz: ZoneInfo, locale: str) -> str:
    try:
        return slack_date(datetime.fromisoformat(str(value)), tz, locale=locale)
    except ValueError:
        return "—"


def _person(user_id: Any, locale: str) -> str:
    return who(str(user_id), locale) if user_id else t("who.nobody", locale)
