"""Messages of the lead lifecycle: states, reasons, domain errors."""

from bot.core.catalog import Locale

MESSAGES: dict[str, dict[Locale, str]] = {
    # --- lead states -------------------------------------------------------------
    "status.unclaimed": {"en": "unclaimed", "ja": "担当者未定"},
    "status.claimed": {"en": "claimed", "ja": "担当決定済み"},
    "status.contacted": {"en": "contacted", "ja": "初回接触済み"},
    "status.meeting_booked": {"en": "meeting booked", "ja": "アポ獲得"},
    "status.opportunity": {"en": "opportunity", "ja": "商談化"},
    "status.disqualified": {"en": "disqualified", "ja": "対象外"},
    "status.returned": {"en": "returned to marketing", "ja": "マーケティングへ差し戻し"},
    "status.won": {"en": "won", "ja": "受注"},
    "status.lost": {"en": "lost", "ja": "失注"},
    # --- disqualification reasons --------------------------------------------------
    "reason.no_budget": {"en": "No budget", "ja": "予算なし"},
    "reason.no_need": {"en": "No need", "ja": "ニーズなし"},
    "reason.no_authority": {"en": "Not a decision maker", "ja": "決裁権なし"},
    "reason.bad_timing": {"en": "Bad timing", "ja": "検討時期が先"},
    "reason.competitor": {"en": "Chose a competitor", "ja": "競合採用"},
    "reason.bad_contact": {"en": "Contact details invalid", "ja": "連絡先不備"},
    "reason.not_target": {"en": "Not our target customer", "ja": "対象外の企業"},
    "reason.duplicate": {"en": "Duplicate of another lead", "ja": "重複"},
    "reason.other": {"en": "Other", "ja": "その他"},
    # --- why a deal was lost -----------------------------------------------------------
    "lost_reason.price": {"en": "Price", "ja": "価格"},
    "lost_reason.competitor": {"en": "Chose a competitor", "ja": "競合採用"},
    "lost_reason.no_decision": {"en": "No decision made", "ja": "検討見送り"},
    "lost_reason.timing": {"en": "Timing", "ja": "導入時期の延期"},
    "lost_reason.product_fit": {"en": "Product did not fit", "ja": "要件不一致"},
    "lost_reason.other": {"en": "Other", "ja": "その他"},
    # --- domain errors ---------------------------------------------------------------
    "error.external_lead_not_found": {
        "en": "No lead from {source} has the id {external_id}.",
        "ja": "{source} の ID {external_id} のリードは見つかりませんでした。",
    },
    "error.stage_final": {
        "en": "Lead #{lead_id} is already {status}, which is final: its stage cannot change.",
        "ja": "リード #{lead_id} は「{status}」で確定しているため、ステージを変更できません。",
    },
    "error.stage_backwards": {
        "en": "Lead #{lead_id} is {status}; it cannot go back to {stage}.",
        "ja": "リード #{lead_id} は「{status}」のため、「{stage}」に戻すことはできません。",
    },
    "privacy.erased_name": {
        "en": "(personal data erased)",
        "ja": "（個人情報は削除済み）",
    },
    "privacy.redacted": {
        "en": "Lead #{lead_id}: the personal data of this lead was erased.",
        "ja": "リード #{lead_id}：このリードの個人情報は削除されました。",
    },
    "event.erased": {
        "en": "{actor} erased the lead's personal data",
        "ja": "{actor}が個人情報を削除しました",
    },
    "error.lead_not_found": {
        "en": "Lead #{lead_id} does not exist.",
        "ja": "リード #{lead_id} は見つかりませんでした。",
    },
    "error.already_claimed": {
        "en": "Lead #{lead_id} is already claimed by <@{owner_id}>.",
        "ja": "リード #{lead_id} はすでに <@{owner_id}> さんが担当しています。",
    },
    "error.not_a_rep": {
        "en": "Only the sales reps listed in Baton's policy can claim leads. Ask a manager to add you.",
        "ja": "リードを担当できるのは、Baton のポリシーに登録された営業担当者のみです。マネージャーに登録を依頼してください。",
    },
    "error.release_forbidden": {
        "en": "Only the owner or a manager can release this lead.",
        "ja": "このリードの担当を外せるのは、担当者本人またはマネージャーのみです。",
    },
    "error.touch_forbidden": {
        "en": "Only the owner or a manager can log the first touch of this lead.",
        "ja": "初回接触を記録できるのは、担当者本人またはマネージャーのみです。",
    },
    "error.outcome_forbidden": {
        "en": "Only the owner or a manager can set the outcome of this lead.",
        "ja": "結果を登録できるのは、担当者本人またはマネージャーのみです。",
    },
    "error.reassign_forbidden": {
        "en": "Only the owner or a manager can reassign this lead.",
        "ja": "担当者を変更できるのは、現在の担当者またはマネージャーのみです。",
    },
    "error.snooze_forbidden": {
        "en": "Only the owner or a manager can snooze this lead's reminders.",
        "ja": "リマインドを保留できるのは、担当者本人またはマネージャーのみです。",
    },
    "error.invalid_transition": {
        "en": "Lead #{lead_id} is {status}, so you can't {action} it.",
        "ja": "リード #{lead_id} は「{status}」のため、{action}できません。",
    },
    "error.reason_required": {
        "en": "Choose a reason for disqualifying lead #{lead_id}.",
        "ja": "リード #{lead_id} を対象外にする理由を選んでください。",
    },
    "error.unknown_reason": {
        "en": "'{reason}' is not a disqualification reason. Choose one of: {choices}.",
        "ja": "「{reason}」は対象外の理由として登録されていません。次のいずれかを選んでください：{choices}",
    },
    "error.snooze_in_past": {
        "en": "Snooze until a time in the future.",
        "ja": "保留の期限には、現在より後の時刻を指定してください。",
    },
    "error.no_route": {
        "en": "No route in the policy matches this lead (tried {tried}) and there is no `default` route.",
        "ja": "このリードに合うルートがポリシーにありません（照合した項目：{tried}）。`default` ルートもありません。",
    },
    # --- actions, as verbs inside the sentences above ------------------------------------
    "action.claim": {"en": "claim", "ja": "担当"},
    "action.release": {"en": "release", "ja": "担当を外すことは"},
    "action.touch": {"en": "log a first touch for", "ja": "初回接触を記録"},
    "action.outcome": {"en": "set an outcome for", "ja": "結果を登録"},
    "action.reassign": {"en": "reassign", "ja": "担当者を変更"},
    "action.snooze": {"en": "snooze", "ja": "保留"},
}
