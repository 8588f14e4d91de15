"""Text pieces the SLA messages add to bot.slack.render.text: the lead's name, mentions."""

from __future__ import annotations

from bot.core.i18n import t
from bot.slack.render.text import one_line
from bot.store.models import Lead

NAME_LIMIT = 120
REASON_LIMIT = 600


def lead_name(lead: Lead, locale: str) -> str:
    """The lead's contact person, a customer (「中村 彩 様」), else its email or company."""
    if lead.erased_at is not None:
        return t("privacy.erased_name", locale)
    if lead.name:
        return t("who.customer", locale, name=one_line(lead.name, NAME_LIMIT))
    other = lead.email or lead.company
    return one_line(other, NAME_LIMIT) if other else t("sla.lead.unnamed", locale)


def mention(target: str) -> str:
    """A user (U…/W…) or a user group (S…), as Slack mentions them."""
    if target.startswith("S"):
        return f"<!subteam^{target}>"
    return f"<@{target}>"


def mentions(targets: list[str]) -> str:
    # Nobody listed means anyone in the channel may claim: ask whoever is around.
    return " ".join(mention(target) for target in targets) if targets else "<!here>"
