"""Stage updates as CRMs send them, mapped onto `POST /leads/stage`'s own body.

`?format=hubspot` takes a deal workflow's "Send a webhook" body (each property either
plain or HubSpot's {"value": …} shape, flat or under "properties"); `?format=salesforce`
takes an Opportunity record as a flow's HTTP callout sends it (field API names, alone or
as the one record of {"records": [...]}). The lead is named by Baton's id, when the CRM
keeps it, or by the CRM's id of the contact or lead it was handed off as (then `source`
is the CRM's). What comes out is validated like a body in Baton's own shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.intake.formats import HUBSPOT, SALESFORCE, FormatProblem, salesforce_record

# HubSpot's default sales pipeline, stage id → Baton's stage. Custom pipelines name their
# stages by number; their closed stages are still told by hs_is_closed_won / hs_is_closed.
HUBSPOT_STAGES = {
    "appointmentscheduled": "meeting_booked",
    "qualifiedtobuy": "opportunity",
    "presentationscheduled": "opportunity",
    "decisionmakerboughtin": "opportunity",
    "contractsent": "opportunity",
    "closedwon": "won",
    "closedlost": "lost",
}
_HUBSPOT_LEAD_IDS = ("contact_id", "hs_contact_id", "contact_hs_object_id")
_SALESFORCE_LEAD_IDS = ("Lead__c", "LeadId", "ConvertedLeadId", "Lead_Id__c")
_BATON_IDS = ("baton_lead_id", "Baton_Lead_Id__c")


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() == "true"


def from_hubspot_deal(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    nested = body.get("properties")
    props: dict[str, Any] = nested if isinstance(nested, dict) else body

    def prop(name: str) -> Any:
        value = props.get(name, body.get(name))
        if isinstance(value, dict) and "value" in value:
            value = value["value"]
        return None if value == "" else value

    out: dict[str, Any] = {}
    origin: dict[str, str] = {}
    _lead(out, origin, prop, _HUBSPOT_LEAD_IDS, HUBSPOT, _hubspot_contacts(body))
    stage_id = prop("dealstage")
    if _truthy(prop("hs_is_closed_won")):
        stage: Any = "won"
    elif _truthy(prop("hs_is_closed")):
        stage = "lost"
    else:
        stage = HUBSPOT_STAGES.get(str(stage_id or "").lower())
    if stage is None:
        raise FormatProblem(
            "dealstage", "intake.stage.hubspot_stage", given=str(stage_id or "—")[:60]
        )
    out["stage"], origin["stage"] = stage, "dealstage"
    for baton, name in (("amount", "amount"), ("currency", "deal_currency_code")):
        if prop(name) is not None:
            out[baton], origin[baton] = prop(name), name
    if stage == "lost" and prop("closed_lost_reason") is not None:
        out["note"], origin["note"] = prop("closed_lost_reason"), "closed_lost_reason"
    return out, origin


def _hubspot_contacts(body: dict[str, Any]) -> list[Any]:
    """The deal's contacts where HubSpot's deal payloads put them."""
    associations = body.get("associations")
    if isinstance(associations, dict):
        for key in ("associatedContactIds", "contacts"):
            found = associations.get(key)
            if isinstance(found, list):
                return [c.get("id") if isinstance(c, dict) else c for c in found]
    return []


def from_salesforce_opportunity(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    record = salesforce_record(body)
    by_lower = {str(k).lower(): k for k in record}

    def get(name: str) -> Any:
        actual = by_lower.get(name.lower())
        value = record[actual] if actual is not None else None
        return None if value == "" else value

    out: dict[str, Any] = {}
    origin: dict[str, str] = {}
    _lead(out, origin, get, _SALESFORCE_LEAD_IDS, SALESFORCE, [])
    # An Opportunity record means the lead became an opportunity; IsWon and IsClosed
    # tell the end of it whatever the org calls its stages.
    if _truthy(get("IsWon")):
        out["stage"], origin["stage"] = "won", "IsWon"
    elif _truthy(get("IsClosed")):
        out["stage"], origin["stage"] = "lost", "IsClosed"
    else:
        out["stage"], origin["stage"] = "opportunity", "StageName"
    for baton, name in (("amount", "Amount"), ("currency", "CurrencyIsoCode")):
        if get(name) is not None:
            out[baton], origin[baton] = get(name), name
    for name in ("Loss_Reason__c", "Reason_Lost__c", "Closed_Lost_Reason__c"):
        if out["stage"] == "lost" and get(name) is not None:
            out["note"], origin["note"] = get(name), name
            break
    return out, origin


def _lead(
    out: dict[str, Any],
    origin: dict[str, str],
    get: Callable[[str], Any],
    crm_ids: tuple[str, ...],
    source: str,
    more: list[Any],
) -> None:
    """Name the lead: Baton's id if the CRM keeps it, else the CRM's id of the record
    the lead was handed off as."""
    for name in _BATON_IDS:
        value = get(name)
        if value is not None:
            out["id"], origin["id"] = _as_id(value), name
            return
    for name in crm_ids:
        value = get(name)
        if value is not None:
            out["source"], out["external_id"] = source, str(value)
            origin["external_id"] = name
            return
    if more and more[0] is not None:
        out["source"], out["external_id"] = source, str(more[0])
        origin["external_id"] = "associations"
        return
    key = "intake.stage.hubspot_lead" if source == HUBSPOT else "intake.stage.salesforce_lead"
    raise FormatProblem(crm_ids[0], key)


def _as_id(value: Any) -> Any:
    """Baton's id as a CRM keeps it: a number, or digits in a text property."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


STAGE_FORMATS: dict[str, Callable[[dict[str, Any]], tuple[dict[str, Any], dict[str, str]]]] = {
    HUBSPOT: from_hubspot_deal,
    SALESFORCE: from_salesforce_opportunity,
}
