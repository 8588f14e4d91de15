"""Messages of assignment: round robin, offers (Accept / Pass), away, and the pool.

Terms (docs/glossary.md): assign 割り当て, offer 打診, accept 引き受ける, pass 見送る,
away 不在, back 復帰, pool 割り当て対象.
"""

from bot.core.catalog import Locale

MESSAGES: dict[str, dict[Locale, str]] = {
    # --- answers to Accept and Pass that change nothing ----------------------------------
    "error.offer_taken": {
        "en": "Lead #{lead_id} is already taken: it is no longer offered to anyone.",
        "ja": "リード #{lead_id} はすでに担当者が決まっているため、打診は終了しています。",
    },
    "error.offer_moved_on": {
        "en": "The offer of lead #{lead_id} has moved on to someone else, "
        "so it can no longer be answered from here.",
        "ja": "リード #{lead_id} の打診はすでに次の方に回っているため、ここからは回答できません。",
    },
    "error.offer_not_yours": {
        "en": "Lead #{lead_id} is not offered to you, so only the rep it is offered to "
        "can accept or pass it.",
        "ja": "リード #{lead_id} はご自身への打診ではないため、引き受けも見送りもできません。",
    },
    # --- managers, when the pool cannot take a lead ----------------------------------------
    "assign.nobody_available": {
        "en": "Nobody in the pool of route *{route}* can take a lead right now. New leads "
        "go to the channel for anyone to claim until someone can.",
        "ja": "ルート「{route}」の割り当て対象に、いまリードを受けられる人がいません。"
        "受けられる人が出るまで、新しいリードはチャンネルに投稿され、"
        "「担当する」ボタンで担当者を決めます。",
    },
    "assign.why_not.away": {"en": "Away: {users}", "ja": "不在：{users}"},
    "assign.why_not.off_hours": {
        "en": "Outside working hours: {users}",
        "ja": "勤務時間外：{users}",
    },
    "assign.why_not.at_max_open": {
        "en": "At their limit of open leads: {users}",
        "ja": "対応中リードが上限：{users}",
    },
    "assign.why_not.at_max_per_day": {
        "en": "At today's limit: {users}",
        "ja": "本日の割り当てが上限：{users}",
    },
    "assign.why_not.offered": {
        "en": "Already offered this lead: {users}",
        "ja": "このリードを打診済み：{users}",
    },
    "assign.pool_empty": {
        "en": "The pool has no members (check the route's assign.pool in the policy file).",
        "ja": "割り当て対象にメンバーがいません（ポリシーファイルのルートの assign.pool を確認してください）。",
    },
}
