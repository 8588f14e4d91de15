"""Bodies as other systems send them, mapped onto Baton's lead fields.

`/leads?format=hubspot` takes the body of a HubSpot workflow's "Send a webhook"
action; `/leads?format=salesforce` takes a Salesforce Lead or Contact record as a
flow's HTTP callout or Apex `JSON.serialize` sends it. The mapped lead then goes
through the same validation as a plain Baton body; `origin` remembers which of
the sender's fields each value came from, so an error names the sender's field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.core.links import web_url
from bot.intake.schema import MAX_EXTRA_VALUE, SCORE_MAX, SCORE_MIN

BATON = "baton"
HUBSPOT = "hubspot"
SALESFORCE = "salesforce"
# The extras key of the CRM record's address (an absolute http(s) URL), whichever CRM
# sent it; the card shows it as a button (bot/slack/render/handed_over.py).
CRM_URL = "crm_url"


@dataclass
class Mapped:
    """A body in Baton's own shape, and where each field came from."""

    data: dict[str, Any]
    origin: dict[str, str] = field(default_factory=dict)
    default_source: str = "webhook"


class FormatProblem(Exception):
    """The body is not the shape its format promises; `key` names the catalog message."""

    def __init__(self, where: str, key: str, **params: Any) -> None:
        self.where = where
        self.key = key
        self.params = params
        super().__init__(key)


def _is_cjk(text: str) -> bool:
    return any(unicodedata.name(ch, "").startswith(("CJK", "HIRAGANA", "KATAKANA")) for ch in text)


def full_name(first: Any, last: Any) -> Any:
    """Given and family name joined the way the name's language writes them.

    Japanese and Chinese names put the family name first (山田 太郎).
    """
    parts = [p for p in (first, last) if p is not None and p != ""]
    if not all(isinstance(p, str) for p in parts):
        return next(p for p in parts if not isinstance(p, str))  # let validation name the type
    first_s = (first or "").strip()
    last_s = (last or "").strip()
    if not first_s or not last_s:
        return first_s or last_s or None
    if _is_cjk(first_s + last_s):
        return f"{last_s} {first_s}"
    return f"{first_s} {last_s}"


def number(value: Any) -> Any:
    """A score as CRMs send it ("85", "85.0", 85) as a number clamped to Baton's range.

    CRM scores are open-ended sums (HubSpot's can pass 100); Baton's routes compare
    against 0-100, so a larger score counts as the top of the range. Text that is
    not a number is passed on for validation to reject.
    """
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().replace(",", "")
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            return value
    if isinstance(value, int | float) and not isinstance(value, bool) and value == value:
        if value in (float("inf"), float("-inf")):
            return value
        return float(min(max(value, SCORE_MIN), SCORE_MAX))
    return value


def _text(value: Any) -> Any:
    """Ids and numbers sent where text is expected become text; anything else is kept."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


class _Fields:
    """Builds the Baton body while noting the sender's name for each field."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.origin: dict[str, str] = {}
        self.extras: dict[str, Any] = {}

    def put(self, baton: str, value: Any, source_name: str) -> None:
        if value is None or value == "" or baton in self.data:
            return
        self.data[baton] = value
        self.origin[baton] = source_name

    def extra(self, key: str, value: Any) -> None:
        if value is not None and value != "" and _scalar(value):
            self.extras[key] = value

    def build(self, default_source: str) -> Mapped:
        if self.extras:
            self.data["fields"] = self.extras
        return Mapped(self.data, self.origin, default_source)


# --- HubSpot ---------------------------------------------------------------------

# HubSpot contact property → Baton field. The first property present wins.
HUBSPOT_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("email", ("email",)),
    ("company", ("company",)),
    ("title", ("jobtitle",)),
    ("phone", ("phone", "mobilephone")),
    ("score", ("hubspotscore",)),
    ("segment", ("segment",)),
    ("region", ("region",)),
    ("campaign", ("campaign", "recent_conversion_event_name")),
    ("reason", ("reason",)),
)
HUBSPOT_EXTRAS = (
    "country",
    "lifecyclestage",
    "hs_lead_status",
    "industry",
    "numemployees",
    "city",
    "state",
    "website",
    "hs_analytics_source",
    "hubspot_owner_id",
)
_HUBSPOT_IDS = ("hs_object_id", "canonical-vid", "vid", "objectId", "id")


def from_hubspot(body: dict[str, Any]) -> Mapped:
    """A workflow webhook body: "Include all contact properties" (each property as
    {"value": ..., "versions": [...]}, ids in vid/canonical-vid) or a customized body
    of chosen properties, flat or under "properties"."""
    nested = body.get("properties")
    props: dict[str, Any] = nested if isinstance(nested, dict) else body

    def prop(name: str) -> Any:
        value = props.get(name, body.get(name) if props is not body else None)
        if isinstance(value, dict) and "value" in value:
            value = value["value"]  # the legacy shape: {"value": ..., "versions": [...]}
        return value

    out = _Fields()
    for key in _HUBSPOT_IDS:
        value = prop(key)
        if value not in (None, ""):
            out.put("external_id", _text(value), key)
            break
    out.put("name", full_name(prop("firstname"), prop("lastname")), "firstname/lastname")
    out.put("name", prop("name"), "name")
    for baton, names in HUBSPOT_FIELDS:
        for name in names:
            value = prop(name)
            out.put(baton, number(value) if baton == "score" else value, name)
    company = body.get("associated-company")
    if isinstance(company, dict) and isinstance(company.get("properties"), dict):
        name_prop = company["properties"].get("name")
        if isinstance(name_prop, dict):
            out.put("company", name_prop.get("value"), "associated-company.name")
    for name in HUBSPOT_EXTRAS:
        out.extra(name, prop(name))
    out.extra(CRM_URL, web_url(body.get("profile-url"), MAX_EXTRA_VALUE))
    portal = body.get("portal-id", prop("portalId"))
    if isinstance(portal, int):
        out.extra("hubspot_portal", portal)
        contact = out.data.get("external_id")
        if "profile-url" not in body and isinstance(contact, str) and contact.isdigit():
            # A customized body has no profile-url; the contact's record is at this
            # address in every HubSpot account (0-1: the contact object).
            record = f"https://app.hubspot.com/contacts/{portal}/record/0-1/{contact}"
            out.extra(CRM_URL, web_url(record, MAX_EXTRA_VALUE))
    return out.build(HUBSPOT)


# --- Salesforce ------------------------------------------------------------------

# Salesforce field API name → Baton field. The first field present wins.
SALESFORCE_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("external_id", ("Id",)),
    ("name", ("Name",)),
    ("email", ("Email",)),
    ("company", ("Company",)),
    ("title", ("Title",)),
    ("phone", ("Phone", "MobilePhone")),
    ("score", ("Score__c", "Lead_Score__c", "pi__score__c")),
    ("segment", ("Segment__c",)),
    ("region", ("Region__c",)),
    ("campaign", ("Campaign__c", "LeadSource")),
    ("reason", ("Reason__c", "Description")),
)
SALESFORCE_EXTRAS = (
    "Status",
    "Rating",
    "Industry",
    "NumberOfEmployees",
    "LeadSource",
    "OwnerId",
    "Website",
    "City",
    "State",
    "AnnualRevenue",
)


def salesforce_record(body: dict[str, Any]) -> dict[str, Any]:
    """The record of a Salesforce body: the body itself, or the one of {"records": [...]}."""
    if "records" not in body:
        return body
    records = body["records"]
    if not isinstance(records, list) or len(records) != 1:
        count = len(records) if isinstance(records, list) else 0
        raise FormatProblem("records", "intake.format.one_record", count=count)
    record = records[0]
    if not isinstance(record, dict):
        raise FormatProblem("records", "intake.format.record_object")
    return record


def from_salesforce(body: dict[str, Any]) -> Mapped:
    """A Lead or Contact record in Salesforce's JSON (field API names, an optional
    "attributes" object), alone or as the one record of {"records": [...]}."""
    record = salesforce_record(body)
    by_lower = {str(k).lower(): k for k in record}

    def get(name: str) -> tuple[Any, str]:
        actual = by_lower.get(name.lower())
        return (record[actual], str(actual)) if actual is not None else (None, name)

    out = _Fields()
    for baton, names in SALESFORCE_FIELDS:
        for name in names:
            value, actual = get(name)
            if baton == "score":
                value = number(value)
            elif baton == "external_id":
                value = _text(value)
            out.put(baton, value, actual)
    first, _ = get("FirstName")
    last, _ = get("LastName")
    out.put("name", full_name(first, last), "FirstName/LastName")
    account, _ = get("Account")
    if isinstance(account, dict):
        out.put("company", account.get("Name"), "Account.Name")
    for name in ("Country", "CountryCode", "MailingCountry"):  # Lead, Lead, Contact
        country, _ = get(name)
        if country not in (None, ""):
            out.extra("country", country)
            break
    for name in SALESFORCE_EXTRAS:
        value, actual = get(name)
        out.extra(actual, value)
    attributes, _ = get("attributes")
    if isinstance(attributes, dict):
        out.extra("salesforce_object", attributes.get("type"))
    out.extra(CRM_URL, _salesforce_url(body, record, attributes))
    return out.build(SALESFORCE)


_SALESFORCE_ID = re.compile(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?")


def _salesforce_url(body: dict[str, Any], record: dict[str, Any], attributes: Any) -> str | None:
    """The record's page: `attributes.url` when it is absolute; else the org's address
    (`instance_url` in the body or the record, as `URL.getOrgDomainUrl()` gives it) and
    the record's Id. A relative `attributes.url` alone is an API path, not a page."""
    given = attributes.get("url") if isinstance(attributes, dict) else None
    absolute = web_url(given, MAX_EXTRA_VALUE)
    if absolute:
        return absolute
    instance = None
    for holder in (record, body):
        by_lower = {str(k).lower(): v for k, v in holder.items()}
        instance = web_url(by_lower.get("instance_url") or by_lower.get("instanceurl"))
        if instance:
            break
    record_id = next((v for k, v in record.items() if str(k).lower() == "id"), None)
    if not isinstance(record_id, str) and isinstance(given, str):
        record_id = given.rstrip("/").rsplit("/", 1)[-1]
    if not instance or not isinstance(record_id, str) or not _SALESFORCE_ID.fullmatch(record_id):
        return None
    base = instance.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    return web_url(f"{base}/{record_id}", MAX_EXTRA_VALUE)


def from_baton(body: dict[str, Any]) -> Mapped:
    return Mapped(dict(body))


FORMATS: dict[str, Callable[[dict[str, Any]], Mapped]] = {
    BATON: from_baton,
    HUBSPOT: from_hubspot,
    SALESFORCE: from_salesforce,
}
