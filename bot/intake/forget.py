"""`POST /leads/forget`: a CRM's deletion workflow erases a person's data in Baton too
(bot/leads/privacy.py), authenticated like `POST /leads`.

Body: `{"email": …}` (every lead of that address), `{"id": N}`, or `{"source": …,
"external_id": …}`. Answers 200 `{"erased": [ids], "already_erased": [ids]}` — also
when nothing matches (a deletion request is not an error when Baton never had the
person); 400 naming what is wrong with the body.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.core.i18n import t
from bot.leads import privacy
from bot.leads.lifecycle import LeadService
from bot.store.models import Lead

_KEYS = frozenset({"email", "id", "source", "external_id"})


def receive(body: dict[str, Any], leads: LeadService, locale: str) -> tuple[dict[str, Any], int]:
    unknown = sorted(set(body) - _KEYS)
    if unknown:
        problem = t("intake.forget.unknown_keys", locale, keys=", ".join(unknown)[:200])
        return {"error": problem, "fields": {k: problem for k in unknown[:20]}}, 400
    email, lead_id = body.get("email"), body.get("id")
    source, external_id = body.get("source"), body.get("external_id")
    asked = [email is not None, lead_id is not None, source is not None or external_id is not None]
    if sum(asked) != 1:
        return {"error": t("intake.forget.which", locale)}, 400
    if email is not None and (not isinstance(email, str) or "@" not in email):
        return _bad("email", t("intake.forget.email", locale))
    if lead_id is not None and (isinstance(lead_id, bool) or not isinstance(lead_id, int)):
        return _bad("id", t("intake.forget.id", locale))
    if source is not None or external_id is not None:
        if not (
            isinstance(source, str) and source and isinstance(external_id, str) and external_id
        ):
            return _bad("external_id", t("intake.forget.crm_id", locale))
        with leads.db.read() as session:
            ids = list(
                session.scalars(
                    select(Lead.id).where(Lead.source == source, Lead.external_id == external_id)
                )
            )
    else:
        ids = privacy.find(leads.db, email=email, lead_id=lead_id)
    erased = privacy.erase(leads.db, leads.policy, ids, "intake", leads.now()) if ids else []
    return {"erased": erased, "already_erased": [i for i in ids if i not in erased]}, 200


def _bad(field: str, problem: str) -> tuple[dict[str, Any], int]:
    return {"error": problem, "fields": {field: problem}}, 400
