"""What marketing sent with a lead, for sales to read: the notes for sales, the lead's
other fields (`Lead.extras`: country, department, whatever the sender added) and a
button to the lead's record in the CRM.

The card (`card.lead_card`) and `/lead-status #id` (`status.history_message`) show these
blocks; DMs and lists do not. Values are the sender's text, so each is escaped for
mrkdwn and cut to fit; a link becomes a button only when a browser can open it
(`bot.core.links.web_url`), because Slack refuses a whole message for one bad `url`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.core.i18n import t
from bot.core.links import web_url
from bot.slack.ids import ActionId, BlockId
from bot.slack.render.text import BUTTON_TEXT, FIELD_TEXT, SECTION_TEXT, fit, one_line, units
from bot.store.models import Lead

FIELDS_PER_SECTION = 10  # Slack's limit
FIELD_SECTIONS = 2  # the rest is counted, not shown: the card stays a card
FIELD_VALUE = 500
LABEL = 100

# Keys compare without case, spaces, "_" or "-" ("Lead_Source" is "leadsource").
_NOTES = frozenset({"notes", "note"})
# Where a CRM record's address may be: the key intake writes (bot.intake.formats.CRM_URL),
# names a JSON body may use, and what leads handed off before crm_url existed carry.
_LINKS = ("crmurl", "crmlink", "crmrecordurl", "recordurl", "hubspoturl", "salesforceurl")
# Labels of fields Baton knows (HubSpot's and Salesforce's, CSV import's), in the order
# they are shown; any other key is shown as it was sent, after these.
_LABELS: dict[str, str] = {
    "country": "country",
    "prefecture": "prefecture",
    "state": "state",
    "city": "city",
    "department": "department",
    "industry": "industry",
    "numemployees": "employees",
    "numberofemployees": "employees",
    "annualrevenue": "revenue",
    "website": "website",
    "leadsource": "lead_source",
    "hsanalyticssource": "original_source",
    "lifecyclestage": "lifecycle_stage",
    "hsleadstatus": "crm_status",
    "status": "crm_status",
    "rating": "rating",
    "hubspotownerid": "crm_owner",
    "ownerid": "crm_owner",
    "salesforceobject": "salesforce_object",
    "hubspotportal": "hubspot_portal",
}
_CRMS = (("hubspot", ("hubspot.com",)), ("salesforce", ("salesforce.com", "force.com")))


def _norm(key: str) -> str:
    return re.sub(r"[\s_\-]", "", key).casefold()


def handed_over_blocks(lead: Lead, locale: str) -> list[Block]:
    """The notes for sales, the lead's fields and the CRM button (none of them if not sent)."""
    extras: dict[str, Any] = lead.extras if isinstance(lead.extras, dict) else {}
    blocks: list[Block] = []
    given = (_text(v, locale) for k, v in extras.items() if _norm(str(k)) in _NOTES)
    notes = [text for text in given if text]
    if notes:
        label = t("card.sent.notes", locale)
        body = fit("\n\n".join(notes), SECTION_TEXT - units(label) - 10)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*{label}*\n{body}")))
    url = crm_url(extras)
    fields = list(_fields(extras, url, locale))
    shown = fields[: FIELDS_PER_SECTION * FIELD_SECTIONS]
    for start in range(0, len(shown), FIELDS_PER_SECTION):
        chunk = shown[start : start + FIELDS_PER_SECTION]
        blocks.append(SectionBlock(fields=[MarkdownTextObject(text=f) for f in chunk]))
    if len(fields) > len(shown):
        more = t("card.sent.more", locale, n=len(fields) - len(shown))
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    if url:
        text = one_line(t(f"card.sent.open.{_crm_of(url)}", locale), BUTTON_TEXT, mrkdwn=False)
        button = ButtonElement(text=text, action_id=ActionId.OPEN_CRM, url=url, value=str(lead.id))
        blocks.append(ActionsBlock(block_id=BlockId.CARD_LINKS, elements=[button]))
    return blocks


def crm_url(extras: dict[str, Any]) -> str | None:
    """The first address of the lead's CRM record a browser can open, if any."""
    for wanted in _LINKS:
        for key, value in extras.items():
            if _norm(str(key)) == wanted and (url := web_url(value)):
                return url
    return None


def _crm_of(url: str) -> str:
    host = urlsplit(url).hostname or ""
    for crm, domains in _CRMS:
        if any(host == d or host.endswith(f".{d}") for d in domains):
            return crm
    return "crm"


def _fields(extras: dict[str, Any], url: str | None, locale: str) -> Iterator[str]:
    """Each field as `*label*\\nvalue` mrkdwn, known labels first."""
    known: list[tuple[int, str]] = []
    others: list[str] = []
    order = {label_key: i for i, label_key in enumerate(dict.fromkeys(_LABELS.values()))}
    for key, value in extras.items():
        name = _norm(str(key))
        text = _text(value, locale)
        if name in _NOTES or not text:
            continue
        if name in _LINKS:
            if (url and web_url(value) == url) or text.startswith("/"):
                continue  # the button; or an API path (Salesforce's), no page to open
            label = t("card.sent.field.crm_url", locale)
        elif name in _LABELS:
            label = t(f"card.sent.field.{_LABELS[name]}", locale)
            known.append((order[_LABELS[name]], _field(label, text)))
            continue
        else:
            label = one_line(key, LABEL)
        others.append(_field(label, text))
    yield from (field for _, field in sorted(known, key=lambda pair: pair[0]))
    yield from others


def _field(label: str, text: str) -> str:
    budget = min(FIELD_VALUE, FIELD_TEXT - units(label) - 10)
    return f"*{label}*\n{fit(text, budget)}"


def _text(value: Any, locale: str) -> str | None:
    """A stored value as text: numbers as sent (ids stay ungrouped), true/false in words."""
    if value is None:
        return None
    if isinstance(value, bool):
        return t("card.sent.yes" if value else "card.sent.no", locale)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value if value.strip() else None
    return json.dumps(value, ensure_ascii=False)  # not from intake; shown, never lost
