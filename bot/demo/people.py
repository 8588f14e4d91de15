"""The demo workspace: its people, its channels, and a policy that plays out in minutes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.slack_standin.workspace import BOT_USER_ID


@dataclass(frozen=True)
class Person:
    id: str
    name: dict[str, str]  # by locale: how the page and Slack's users.info show them
    title: dict[str, str]
    role: str  # rep | manager | marketer
    tz: str = "Asia/Tokyo"
    # Their Slack language; None: the demo's. Emily reads English even in the Japanese
    # demo, so it shows Baton writing to each person in their own language.
    locale: str | None = None

    def shown(self, locale: str) -> dict[str, str]:
        return {
            "id": self.id,
            "name": self.name[locale],
            "title": self.title[locale],
            "role": self.role,
            "tz": self.tz,
            "locale": self.locale or locale,
        }


REP_TITLE = {"en": "Sales rep", "ja": "営業担当"}
PEOPLE = (
    Person("U0DEMOREP1", {"en": "Haruka Sato", "ja": "佐藤 遥"}, REP_TITLE, "rep"),
    Person("U0DEMOREP2", {"en": "Kenji Tanaka", "ja": "田中 健二"}, REP_TITLE, "rep"),
    Person(
        "U0DEMOREP3",
        {"en": "Emily Carter", "ja": "エミリー・カーター"},
        REP_TITLE,
        "rep",
        tz="Asia/Tokyo",
        locale="en",
    ),
    Person(
        "U0DEMOMGR",
        {"en": "Yuki Yamamoto", "ja": "山本 由紀"},
        {"en": "Sales manager", "ja": "営業マネージャー"},
        "manager",
    ),
    Person(
        "U0DEMOMKT",
        {"en": "Aoi Suzuki", "ja": "鈴木 葵"},
        {"en": "Marketing", "ja": "マーケティング"},
        "marketer",
    ),
)
BY_ID = {person.id: person for person in PEOPLE}
REPS = [p.id for p in PEOPLE if p.role == "rep"]
MANAGER = next(p.id for p in PEOPLE if p.role == "manager")
MARKETER = next(p.id for p in PEOPLE if p.role == "marketer")

SALES = "C0DEMOSALES"
ENTERPRISE = "C0DEMOENT"
MARKETING = "C0DEMOMKT"
CHANNELS = (
    (SALES, {"en": "sales-leads", "ja": "営業-リード"}),
    (ENTERPRISE, {"en": "enterprise-leads", "ja": "エンタープライズ-リード"}),
    (MARKETING, {"en": "marketing", "ja": "マーケティング"}),
)
BOT_NAME = "Baton"


def channels(locale: str, also: list[str] | None = None) -> list[dict[str, str]]:
    """The demo's channels, then any other the policy posts to (named by its id)."""
    shown = [{"id": channel_id, "name": names[locale]} for channel_id, names in CHANNELS]
    known = {channel["id"] for channel in shown}
    for channel_id in dict.fromkeys(also or []):
        if channel_id not in known:
            shown.append({"id": channel_id, "name": channel_id.lower()})
    return shown


def users_info(locale: str) -> dict[str, dict[str, Any]]:
    """What Slack's users.info answers for each demo person (the stand-in's overrides)."""
    return {
        person.id: {
            "name": person.name["en"].split()[0].lower(),
            "real_name": person.name[locale],
            "profile": {"real_name": person.name[locale], "display_name": person.name[locale]},
            "tz": person.tz,
            "locale": "ja-JP" if (person.locale or locale) == "ja" else "en-US",
        }
        for person in PEOPLE
    } | {BOT_USER_ID: {"name": "baton", "real_name": BOT_NAME, "is_bot": True}}


def policy_text(locale: str) -> str:
    """The demo's baton.yml: clocks of minutes, so a visitor sees a nudge, an escalation
    and a repost in one sitting."""
    ladder = f"""    calendar: always
    claim_within: 2m
    first_touch_within: 5m
    remind_before: 30s
    escalate:
      - after: 0m
        notify: [{MANAGER}]
      - after: 1m
        notify: [managers]
      - after: 2m
        notify: [managers]
        repost: true
"""
    return f"""# The demo's policy, written by `baton demo` at each start.
locale: {locale}
timezone: Asia/Tokyo
roles:
  managers: [{MANAGER}]
  reps: [{", ".join(REPS)}]
  marketers: [{MARKETER}]
routes:
  - name: enterprise
    when: {{segment: enterprise}}
    channel: {ENTERPRISE}
{ladder}  - name: default
    channel: {SALES}
{ladder}digest:
  channel: {MARKETING}
  weekly: "mon 09:00"
"""
