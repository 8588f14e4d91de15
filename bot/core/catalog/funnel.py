"""Messages of the funnel after the first touch: won and lost deals, and the CRM's stage
updates (`POST /leads/stage`)."""

from bot.core.catalog import Locale

MESSAGES: dict[str, dict[Locale, str]] = {
    # --- amounts: the yen as Japanese writes it, other currencies by their code ------------
    "money.JPY": {"en": "¥{amount}", "ja": "{amount}円"},
    "money.other": {"en": "{currency} {amount}", "ja": "{amount} {currency}"},
    # --- the card's state line -----------------------------------------------------------
    "card.state.won": {
        "en": "*Won* · {owner} · {at}",
        "ja": "*受注*（{owner}・{at}）",
    },
    "card.state.won_amount": {
        "en": "*Won* {amount} · {owner} · {at}",
        "ja": "*受注*（{amount}・{owner}・{at}）",
    },
    "card.state.lost": {
        "en": "*Lost* · {owner} · {at}",
        "ja": "*失注*（{owner}・{at}）",
    },
    "card.state.lost_reason": {
        "en": "*Lost*: {reason} · {owner} · {at}",
        "ja": "*失注*（{owner}・{at}）理由：{reason}",
    },
    # --- the timeline ----------------------------------------------------------------------
    "event.outcome.won": {"en": "{actor} won the deal", "ja": "{actor}が受注しました"},
    "event.outcome.won_amount": {
        "en": "{actor} won the deal: {amount}",
        "ja": "{actor}が受注しました（{amount}）",
    },
    "event.outcome.lost": {"en": "{actor} lost the deal", "ja": "{actor}が失注を登録しました"},
    "event.outcome.lost_reason": {
        "en": "{actor} lost the deal: {reason}",
        "ja": "{actor}が失注を登録しました（理由：{reason}）",
    },
    "event.stage": {
        "en": "The CRM moved the lead to {stage}",
        "ja": "CRM でステージが「{stage}」に更新されました",
    },
    "event.stage_amount": {
        "en": "The CRM moved the lead to {stage}: {amount}",
        "ja": "CRM でステージが「{stage}」に更新されました（{amount}）",
    },
    "event.stage_reason": {
        "en": "The CRM moved the lead to {stage}: {reason}",
        "ja": "CRM でステージが「{stage}」に更新されました（理由：{reason}）",
    },
    # --- the outcome modal -------------------------------------------------------------------
    "outcome.choice.won": {"en": "Won", "ja": "受注"},
    "outcome.choice.lost": {"en": "Lost", "ja": "失注"},
    "outcome.amount": {"en": "Amount won ({currency})", "ja": "受注金額（{currency}）"},
    "outcome.amount_hint": {
        "en": "For a won deal: the amount, without the currency sign.",
        "ja": "受注の場合に入力してください（通貨記号は不要です）。",
    },
    "outcome.reasons.disqualified": {"en": "Disqualified because", "ja": "対象外の理由"},
    "outcome.reasons.lost": {"en": "Lost because", "ja": "失注の理由"},
    "outcome.error.amount": {
        "en": "Enter the amount as a number of at most 16 digits, like 1200000.",
        "ja": "金額は 1200000 のように16桁以内の数字で入力してください。",
    },
    "outcome.error.amount_not_won": {
        "en": "An amount goes with a won deal only.",
        "ja": "金額は受注の場合のみ入力してください。",
    },
    "outcome.error.reason_for_lost": {
        "en": "Choose a reason from the “Lost because” group.",
        "ja": "「失注の理由」の中から選んでください。",
    },
    "outcome.error.reason_for_disqualified": {
        "en": "Choose a reason from the “Disqualified because” group.",
        "ja": "「対象外の理由」の中から選んでください。",
    },
    # --- POST /leads/stage ----------------------------------------------------------------
    "intake.stage.unknown_format": {
        "en": "format={given} is not known for stage updates: use format=hubspot or "
        "format=salesforce, or no format for Baton's own body.",
        "ja": "ステージ更新では format={given} を利用できません。format=hubspot、"
        "format=salesforce、または format なし（Baton の形式）で送ってください。",
    },
    "intake.stage.hubspot_stage": {
        "en": "Deal stage “{given}” is not one Baton knows: send a stage of HubSpot's default "
        "pipeline, or hs_is_closed_won / hs_is_closed for a closed deal.",
        "ja": "取引ステージ「{given}」は Baton で扱えません。HubSpot の標準パイプラインのステージ、"
        "または成約・失注時は hs_is_closed_won／hs_is_closed を送ってください。",
    },
    "intake.stage.hubspot_lead": {
        "en": "Name the lead: send the deal's contact (contact_id, or the deal's associations) "
        "or Baton's id (baton_lead_id).",
        "ja": "リードを指定してください。取引のコンタクト（contact_id または associations）か、"
        "Baton の id（baton_lead_id）を送ってください。",
    },
    "intake.stage.salesforce_lead": {
        "en": "Name the lead: add the converted lead's Id (Lead__c, LeadId or ConvertedLeadId) "
        "or Baton's id (Baton_Lead_Id__c) to the Opportunity you send.",
        "ja": "リードを指定してください。送信する商談に、取引開始したリードの Id（Lead__c、LeadId、"
        "ConvertedLeadId）か Baton の id（Baton_Lead_Id__c）を含めてください。",
    },
    "intake.stage.which_lead": {
        "en": "Name the lead: its id, or its source and external_id.",
        "ja": "リードを指定してください（id、または source と external_id）。",
    },
    "intake.stage.unknown_stage": {
        "en": "Use one of: meeting_booked, opportunity, won, lost, disqualified.",
        "ja": "meeting_booked、opportunity、won、lost、disqualified のいずれかを指定してください。",
    },
    "intake.stage.amount": {
        "en": "Give the amount as a number of at least 0 with at most 2 decimals, like 1200000.",
        "ja": "金額は 1200000 のように、0以上・小数点以下2桁までの数値で指定してください。",
    },
    "intake.stage.currency": {
        "en": "Give the currency as a three-letter code, like JPY or USD.",
        "ja": "通貨は JPY や USD のような3文字のコードで指定してください。",
    },
    "intake.stage.at": {
        "en": "Give the time as ISO 8601 with its offset, like 2026-12-03T14:31:00+09:00.",
        "ja": "日時は 2026-12-03T14:31:00+09:00 のように、時差を含む ISO 8601 形式で指定してください。",
    },
    "intake.stage.future": {
        "en": "The time is in the future; give the time the stage was reached.",
        "ja": "未来の日時は指定できません。ステージに到達した日時を指定してください。",
    },
    "intake.stage.id": {
        "en": "Give the lead's id as a whole number, like 42.",
        "ja": "リードの id は 42 のような整数で指定してください。",
    },
    # --- why a lead came back: the message to marketing, and handing it off again ---------
    "feedback.title.disqualified": {
        "en": "Sales disqualified this lead",
        "ja": "営業がこのリードを対象外と判断しました",
    },
    "feedback.title.returned": {
        "en": "Sales returned this lead to marketing",
        "ja": "営業がこのリードをマーケティングへ差し戻しました",
    },
    "feedback.title.lost": {
        "en": "This lead's deal was lost",
        "ja": "このリードは失注となりました",
    },
    "feedback.company": {"en": "Company", "ja": "会社名"},
    "feedback.reason": {"en": "Reason", "ja": "理由"},
    "feedback.by": {"en": "By", "ja": "登録者"},
    "feedback.by_crm": {"en": "the CRM", "ja": "CRM"},
    "feedback.note": {"en": "Their note", "ja": "営業からのメモ"},
    "feedback.card": {"en": "<{permalink}|Open the card>", "ja": "<{permalink}|カードを開く>"},
    "feedback.card_channel": {
        "en": "The card is in <#{channel}>",
        "ja": "カードは <#{channel}>にあります",
    },
    "feedback.again_hint": {
        "en": "Fix what sales asked for, then hand it off again: it becomes a new lead.",
        "ja": "営業からの指摘を反映して、もう一度引き渡してください（新しいリードとして登録されます）。",
    },
    "feedback.again_button": {"en": "Hand off again", "ja": "もう一度引き渡す"},
    "feedback.not_returned": {
        "en": "Lead #{lead_id} was not returned to marketing, so it cannot be handed off again.",
        "ja": "リード #{lead_id} はマーケティングへ差し戻されていないため、再度引き渡すことはできません。",
    },
}
