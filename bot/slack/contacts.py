"""A lead as its reader may see it: without the person's name, email and phone for a
reader the policy's `privacy.contact_details` keeps them from (a guest of the workspace,
or anyone outside the policy's roles) — in /lead-status, App Home and DMs
(bot.leads.privacy decides)."""

from __future__ import annotations

import dataclasses
from typing import Any, cast

from bot.core.policy import Policy
from bot.leads.privacy import may_see_contacts, without_contacts
from bot.leads.reports import LeadHistory, LeadList, OverdueLead, OverdueList, Reports
from bot.store.models import Lead


def conceal(value: Any) -> Any:
    """`value` (a lead, a list of them, or a report holding them) without contacts."""
    if isinstance(value, Lead):
        return without_contacts(value)
    if isinstance(value, list):
        return [conceal(item) for item in value]
    if isinstance(value, LeadHistory | OverdueLead):
        return dataclasses.replace(value, lead=without_contacts(value.lead))
    if isinstance(value, LeadList | OverdueList):
        return dataclasses.replace(value, leads=conceal(value.leads))
    return value


class _Concealing:
    """Reports whose answers come without contact details."""

    def __init__(self, reports: Reports) -> None:
        self._reports = reports

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._reports, name)
        if not callable(found):
            return found
        return lambda *args, **kwargs: conceal(found(*args, **kwargs))


def reports_for(reports: Reports, policy: Policy, user_id: str, guest: bool | None) -> Reports:
    """`reports` as `user_id` may read them."""
    if may_see_contacts(policy, user_id, guest):
        return reports
    return cast(Reports, _Concealing(reports))


def lead_for(lead: Lead, policy: Policy, user_id: str, guest: bool | None) -> Lead:
    """`lead` as `user_id` may read it (a DM to them)."""
    return lead if may_see_contacts(policy, user_id, guest) else without_contacts(lead)
