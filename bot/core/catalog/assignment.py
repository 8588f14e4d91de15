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
    # --- the card and its thread -----------------------------------------------------------
    "card.state.offered": {
        "en": "*Offered to* {owner} ({number} of {of}) · accept by {due}",
        "ja": "*{owner}に打診中*（{number}／{of}人目）・回答期限：{due}",
    },
    "card.context.round_robin": {
        "en": "Assigned in turn (round robin)",
        "ja": "ラウンドロビンで割り当て",
    },
    "event.claimed.round_robin": {
        "en": "Assigned to {owner} in turn (round robin)",
        "ja": "ラウンドロビンで{owner}に割り当てました",
    },
    "event.claimed.offer": {
        "en": "{actor} accepted the offer and owns the lead",
        "ja": "{actor}が打診を引き受け、担当者に決まりました",
    },
    "event.offered": {
        "en": "Offered to {to} ({number} of {of}), accept by {due}",
        "ja": "{to}に打診しました（{number}／{of}人目、回答期限：{due}）",
    },
    "event.offer_passed": {"en": "{actor} passed", "ja": "{actor}が見送りました"},
    "event.offer_passed_reason": {
        "en": "{actor} passed: {reason}",
        "ja": "{actor}が見送りました（理由：{reason}）",
    },
    "event.offer_expired": {
        "en": "{to} did not answer in time",
        "ja": "{to}から回答がないまま回答期限が切れました",
    },
    "event.offers_ended.max_offers": {
        "en": "Offered to {offers} reps without a taker: now open for anyone to claim",
        "ja": "{offers}人に打診しましたが担当者が決まらなかったため、チャンネルで担当者を募集します",
    },
    "event.offers_ended.nobody": {
        "en": "Nobody else in the pool can take it now: now open for anyone to claim",
        "ja": "割り当て対象にいま受けられる人がいないため、チャンネルで担当者を募集します",
    },
    # --- why a rep passed ------------------------------------------------------------------
    "pass_reason.busy": {"en": "Too busy right now", "ja": "手が回らない"},
    "pass_reason.territory": {"en": "Not my territory", "ja": "担当領域外"},
    "pass_reason.conflict": {"en": "Conflict of interest", "ja": "利害関係あり"},
    "pass_reason.not_a_fit": {"en": "Someone else fits better", "ja": "他の担当者が適任"},
    "pass_reason.other": {"en": "Other", "ja": "その他"},
    # --- the offer DM, its buttons, and the answers ----------------------------------------
    "offer.dm": {
        "en": "Lead #{lead_id} ({name}) is offered to you. Accept it by {due}, or pass and "
        "it goes to the next rep.",
        "ja": "リード #{lead_id}（{name}）の担当を打診します。{due}までに引き受けるか"
        "見送るかを選んでください。見送ると次の方に打診します。",
    },
    "card.button.lead_accept": {"en": "Accept", "ja": "引き受ける"},
    "card.button.lead_pass": {"en": "Pass…", "ja": "見送る…"},
    "offer.accepted": {
        "en": "Lead #{lead_id} is yours. Please log your first touch by {deadline}.",
        "ja": "リード #{lead_id} を引き受けました。初回接触期限は {deadline} です。",
    },
    "offer.passed": {
        "en": "You passed on lead #{lead_id}.",
        "ja": "リード #{lead_id} を見送りました。",
    },
    "offer.pass.title": {"en": "Pass on this lead", "ja": "打診を見送る"},
    "offer.pass.intro": {
        "en": "Lead #{lead_id} ({name}) goes to the next rep. Tell marketing and your "
        "manager why, if you like.",
        "ja": "リード #{lead_id}（{name}）は次の方に打診します。"
        "よろしければ見送る理由を残してください。",
    },
    "offer.pass.reason": {"en": "Why (optional)", "ja": "理由（任意）"},
    "offer.pass.note": {"en": "Note (optional)", "ja": "メモ（任意）"},
    "offer.pass.submit": {"en": "Pass", "ja": "見送る"},
    "offer.pass.cancel": {"en": "Cancel", "ja": "キャンセル"},
    # --- the owner's DM when round robin gave them the lead ----------------------------------
    "sla.assigned.round_robin": {
        "en": "Lead #{lead_id} ({name}) is yours: it was assigned to you in turn (round "
        "robin). Please log your first touch by {deadline}.",
        "ja": "リード #{lead_id}（{name}）がラウンドロビンで割り当てられました。"
        "初回接触期限は {deadline} です。連絡後に「初回接触を記録」を押してください。",
    },
}
