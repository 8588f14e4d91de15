"""Text for Slack: escaping user data, fitting Block Kit limits, dates and durations.

Dates use Slack's `<!date^…>` formatting, so every reader sees their own time zone;
the fallback (shown where Slack cannot format) is in the policy's time zone and the
message's language (`bot.core.i18n.date_text`: 「12月3日(木) 14:31」).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.core.i18n import date_text, join, t

ELLIPSIS = "…"
# Control characters and lone surrogates: Slack refuses or mangles them.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# Block Kit limits (docs/architecture.md, "Slack facts the code relies on").
SECTION_TEXT = 3000
FIELD_TEXT = 2000
HEADER_TEXT = 150
BUTTON_TEXT = 75
CONTEXT_TEXT = 2000


def clean(value: object) -> str:
    """`value` as text without characters Slack cannot take; CRLF becomes LF."""
    text = "" if value is None else str(value)
    return _UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn reserves (&, <, >)."""
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


def units(text: str) -> int:
    """Length as Slack may count it (UTF-16 code units): never less than len()."""
    return len(text.encode("utf-16-le")) // 2


def fit(value: object, limit: int, *, mrkdwn: bool = True) -> str:
    """User data made safe for Slack: cleaned, escaped for mrkdwn, cut to `limit`.

    The cut happens between characters of the original text, so an escape such as
    `&amp;` is never split, and an ellipsis shows that something was left out.
    """
    text = clean(value)
    out = escape(text) if mrkdwn else text
    if units(out) <= limit:
        return out
    budget = limit - units(ELLIPSIS)
    pieces: list[str] = []
    used = 0
    for ch in text:
        piece = _ESCAPES.get(ch, ch) if mrkdwn else ch
        size = units(piece)
        if used + size > budget:
            break
        pieces.append(piece)
        used += size
    return "".join(pieces).rstrip() + ELLIPSIS


def one_line(value: object, limit: int, *, mrkdwn: bool = True) -> str:
    """Like `fit`, with line breaks folded into spaces (for list rows and headers)."""
    return fit(" ".join(clean(value).split()), limit, mrkdwn=mrkdwn)


def slack_date(
    at: datetime,
    tz: ZoneInfo,
    fmt: str = "{date_short_pretty} {time}",
    *,
    locale: str = "en",
    now: datetime | None = None,
) -> str:
    """A date Slack shows in each reader's own time zone, with a fallback in `locale`."""
    fallback = date_text(at, tz, locale, now=now)
    return f"<!date^{int(at.timestamp())}^{fmt}|{fallback}>"


def plain_date(
    at: datetime, tz: ZoneInfo, *, locale: str = "en", now: datetime | None = None
) -> str:
    """A date for places Slack does not format (plain_text, notifications)."""
    return date_text(at, tz, locale, now=now)


def duration(span: timedelta, locale: str) -> str:
    """A rounded, readable span: "12 min", "3 h 5 min", "2 d 4 h"."""
    minutes = int(abs(span).total_seconds()) // 60
    if minutes < 1:
        return t("time.under_minute", locale)
    if minutes < 60:
        return t("time.minutes", locale, m=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        if minutes == 0:
            return t("time.hours", locale, h=hours)
        return t("time.hours_minutes", locale, h=hours, m=minutes)
    days, hours = divmod(hours, 24)
    if hours == 0:
        return t("time.days", locale, d=days)
    return t("time.days_hours", locale, d=days, h=hours)


def ago(at: datetime, now: datetime, locale: str) -> str:
    span = now - at
    if span < timedelta(minutes=1):
        return t("time.just_now", locale)
    return t("time.ago", locale, span=duration(span, locale))


def who(actor: str | None, locale: str) -> str:
    """A Slack mention for a user id; a readable name for Baton's own actors."""
    if actor and _USER_ID.match(actor):
        return t("who.user", locale, user=f"<@{actor}>")
    if actor in ("system", "scheduler", None, ""):
        return t("who.baton", locale)
    if actor == "intake":
        return t("who.intake", locale)
    if actor == "import":
        return t("who.import", locale)
    return one_line(actor, 100)


def people(actors: list[str], locale: str) -> str:
    """Several people in a sentence: 「<@U1> さん、<@U2> さん」, "<@U1>, <@U2>"."""
    return join((who(actor, locale) for actor in actors), locale)


def parts(items: list[str], locale: str) -> str:
    """Parts of one line side by side: "a · b" in English, 「a・b」 in Japanese."""
    return t("sep.parts", locale).join(items)


# Currencies written without minor units (ISO 4217 exponent 0) among those Baton's users
# meet; every other amount shows its two decimals.
_NO_DECIMALS = frozenset({"JPY", "KRW", "VND", "CLP", "ISK"})


def money(amount: Decimal, currency: str | None, locale: str) -> str:
    """An amount as a sales team writes it: "¥1,200,000" / 「1,200,000円」, "USD 1,250.50"."""
    code = (currency or "").upper()
    digits = f"{amount:,.0f}" if code in _NO_DECIMALS else f"{amount:,.2f}"
    if code == "JPY":
        return t("money.JPY", locale, amount=digits)
    return t("money.other", locale, amount=digits, currency=code or "?")
