"""Messages of the Slack surface: cards, thread replies, App Home, modals, answers to
clicks (/lead-status's own: bot/core/catalog/lead_status.py).

Mentions arrive as `{owner}`/`{actor}` already rendered by `who()`, which adds さん in
Japanese, so the Japanese templates do not add it again, and put the particle right
after it (「{owner}が」, not 「{owner} が」). A lead's contact person is a customer:
`who.customer` adds 様 to their name.
"""

from bot.core.catalog import Locale

MESSAGES: dict[str, dict[Locale, str]] = {
    # --- people and times --------------------------------------------------------------
    "who.user": {"en": "{user}", "ja": "{user} さん"},
    "who.baton": {"en": "Baton", "ja": "Baton（自動）"},
    "who.intake": {"en": "the intake API", "ja": "連携システム"},
    "who.import": {"en": "a CSV import", "ja": "CSV 取り込み"},
    "who.nobody": {"en": "nobody", "ja": "未定"},
    "who.customer": {"en": "{name}", "ja": "{name} 様"},
    # --- lists inside a sentence, and parts of a line side by side --------------------
    "sep.list": {"en": ", ", "ja": "、"},
    "sep.parts": {"en": " · ", "ja": "・"},
    "time.under_minute": {"en": "under a minute", "ja": "1分未満"},
    "time.minutes": {"en": "{m} min", "ja": "{m}分"},
    "time.hours": {"en": "{h} h", "ja": "{h}時間"},
    "time.hours_minutes": {"en": "{h} h {m} min", "ja": "{h}時間{m}分"},
    "time.days": {"en": "{d} d", "ja": "{d}日"},
    "time.days_hours": {"en": "{d} d {h} h", "ja": "{d}日{h}時間"},
    "time.just_now": {"en": "just now", "ja": "たった今"},
    "time.ago": {"en": "{span} ago", "ja": "{span}前"},
    "clock.claim": {"en": "claim", "ja": "担当決定"},
    "clock.first_touch": {"en": "first touch", "ja": "初回接触"},
    # --- the lead card -------------------------------------------------------------------
    "card.header": {"en": "Lead #{lead_id} · {name}", "ja": "リード #{lead_id}：{name}"},
    "card.text": {
        "en": "Lead #{lead_id}: {name} ({status})",
        "ja": "リード #{lead_id}：{name}（{status}）",
    },
    "card.no_name": {"en": "(no name)", "ja": "氏名未登録"},
    "card.field.company": {"en": "Company", "ja": "会社名"},
    "card.field.title": {"en": "Title", "ja": "役職"},
    "card.field.email": {"en": "Email", "ja": "メールアドレス"},
    "card.field.phone": {"en": "Phone", "ja": "電話番号"},
    "card.field.source": {"en": "Source · campaign", "ja": "流入元・キャンペーン"},
    "card.field.score": {"en": "Score", "ja": "スコア"},
    "card.field.segment": {"en": "Segment · region", "ja": "セグメント・地域"},
    "card.field.route": {"en": "Route", "ja": "ルート"},
    "card.field.reason": {"en": "Why it's an SQL", "ja": "SQL と判断した理由"},
    "card.state.unclaimed": {"en": "*Unclaimed*", "ja": "*担当者未定*"},
    "card.state.unclaimed_due": {
        "en": "*Unclaimed* · claim by {due}",
        "ja": "*担当者未定*・担当決定期限：{due}",
    },
    "card.state.claimed": {
        "en": "Claimed by {owner} at {at} · first touch due {due}",
        "ja": "担当者：{owner}（{at} 担当決定）・初回接触期限：{due}",
    },
    "card.state.claimed_no_due": {
        "en": "Claimed by {owner} at {at}",
        "ja": "担当者：{owner}（{at} 担当決定）",
    },
    "card.state.contacted": {
        "en": "Claimed by {owner} at {at} · first touch logged {touched}",
        "ja": "担当者：{owner}（{at} 担当決定）・初回接触済み（{touched}）",
    },
    "card.state.meeting_booked": {
        "en": "*Meeting booked* by {owner} · {at}",
        "ja": "*アポ獲得*（{owner}・{at}）",
    },
    "card.state.opportunity": {
        "en": "*Opportunity* · {owner} · {at}",
        "ja": "*商談化*（{owner}・{at}）",
    },
    "card.state.disqualified": {
        "en": "*Disqualified* by {owner}: {reason} · {at}",
        "ja": "*対象外*（{owner}・{at}）理由：{reason}",
    },
    "card.state.returned": {
        "en": "*Returned to marketing* by {owner} · {at}",
        "ja": "*マーケティングへ差し戻し*（{owner}・{at}）",
    },
    "card.context.handed_off": {
        "en": "Handed off by {who} · {at}",
        "ja": "引き渡し元：{who}・{at}",
    },
    "card.context.snoozed": {
        "en": "Reminders snoozed until {until}",
        "ja": "リマインドは {until} まで保留中",
    },
    "card.button.lead_claim": {"en": "Claim", "ja": "担当する"},
    "card.button.lead_touch": {"en": "Log first touch", "ja": "初回接触を記録"},
    "card.button.lead_release": {"en": "Release", "ja": "担当を外れる"},
    "card.button.lead_outcome": {"en": "Set outcome…", "ja": "結果を登録…"},
    "card.release.confirm_title": {"en": "Release this lead?", "ja": "担当を外れますか？"},
    "card.release.confirm_text": {
        "en": "Lead #{lead_id} goes back to the channel and its claim clock starts again.",
        "ja": "リード #{lead_id} はチャンネルに戻り、担当決定期限のカウントが最初からやり直しになります。",
    },
    "card.release.confirm": {"en": "Release", "ja": "外れる"},
    "card.release.deny": {"en": "Keep it", "ja": "担当を続ける"},
    # --- timeline replies in the card's thread --------------------------------------------
    "event.handed_off": {
        "en": "Handed off by {actor} (route {route})",
        "ja": "{actor}から引き渡されました（ルート：{route}）",
    },
    "event.claimed": {"en": "{actor} claimed the lead", "ja": "{actor}が担当しました"},
    "event.released": {
        "en": "{actor} released the lead; it is back in the channel",
        "ja": "{actor}が担当を外れました。リードはチャンネルに戻りました",
    },
    "event.first_touch": {
        "en": "{actor} logged the first touch",
        "ja": "{actor}が初回接触を記録しました",
    },
    "event.outcome": {
        "en": "{actor} set the outcome: {outcome}",
        "ja": "{actor}が結果を登録しました：{outcome}",
    },
    "event.outcome.meeting_booked": {
        "en": "{actor} booked a meeting",
        "ja": "{actor}がアポを獲得しました",
    },
    "event.outcome.opportunity": {
        "en": "{actor} turned the lead into an opportunity",
        "ja": "{actor}がリードを商談化しました",
    },
    "event.outcome.disqualified": {
        "en": "{actor} disqualified the lead: {reason}",
        "ja": "{actor}がリードを対象外にしました（理由：{reason}）",
    },
    "event.outcome.returned": {
        "en": "{actor} returned the lead to marketing",
        "ja": "{actor}がリードをマーケティングへ差し戻しました",
    },
    "event.reassigned": {
        "en": "{actor} reassigned the lead from {previous} to {new}",
        "ja": "{actor}が {new}を担当者に設定しました（変更前：{previous}）",
    },
    "event.snoozed": {
        "en": "{actor} snoozed the reminders until {until}",
        "ja": "{actor}がリマインドを {until} まで保留にしました",
    },
    "event.nudged": {
        "en": "Reminder sent: the {clock} deadline is near",
        "ja": "{clock}期限が近づいているため、リマインドを送りました",
    },
    "event.escalated": {
        "en": "Escalated: the {clock} deadline has passed; told {notified}",
        "ja": "{clock}期限を過ぎたため、{notified}にエスカレーションしました",
    },
    "event.reposted": {
        "en": "The card was posted to the channel again",
        "ja": "カードをチャンネルに再投稿しました",
    },
    "event.other": {"en": "{actor}: {kind}", "ja": "{actor}：{kind}"},
    # appended to a line as it is: the English starts with a space, the Japanese does not
    "event.late": {"en": " ({late} after the deadline)", "ja": "（期限を{late}超過）"},
    # --- App Home -------------------------------------------------------------------------
    "home.title": {"en": "Baton · your leads", "ja": "Baton・担当リード"},
    "home.your_leads": {"en": "Your open leads ({n})", "ja": "担当中のリード（{n}件）"},
    "home.no_leads": {
        "en": "You have no open leads right now. Claim one from a lead card in your sales channel.",
        "ja": "現在担当中のリードはありません。営業チャンネルのリードカードから担当してください。",
    },
    "home.updated": {"en": "Updated {at}", "ja": "{at} 更新"},
    # --- the outcome modal ------------------------------------------------------------------
    "outcome.title": {"en": "Set outcome", "ja": "結果の登録"},
    "outcome.submit": {"en": "Save", "ja": "登録"},
    "outcome.close": {"en": "Cancel", "ja": "キャンセル"},
    "outcome.kind": {"en": "Outcome", "ja": "結果"},
    "outcome.choice.meeting_booked": {"en": "Meeting booked", "ja": "アポ獲得"},
    "outcome.choice.opportunity": {"en": "Opportunity", "ja": "商談化"},
    "outcome.choice.disqualified": {"en": "Disqualified", "ja": "対象外"},
    "outcome.choice.returned": {"en": "Return to marketing", "ja": "マーケティングへ差し戻し"},
    "outcome.reason": {"en": "Reason", "ja": "理由"},
    "outcome.reason_hint": {
        "en": "Needed when the lead is disqualified; for a lost deal, if you know it.",
        "ja": "「対象外」の場合は必須です。「失注」の場合もわかる範囲で選んでください。",
    },
    "outcome.reason_placeholder": {"en": "Choose a reason", "ja": "理由を選択"},
    "outcome.note": {"en": "Note", "ja": "メモ"},
    "outcome.note_hint": {
        "en": "Needed when you return the lead to marketing or choose the reason Other.",
        "ja": "マーケティングへ差し戻す場合と、理由に「その他」を選んだ場合は必須です。",
    },
    "outcome.error.choose": {"en": "Choose an outcome.", "ja": "結果を選んでください。"},
    "outcome.error.reason_required": {
        "en": "Choose why the lead is disqualified.",
        "ja": "対象外とする理由を選んでください。",
    },
    "outcome.error.reason_unknown": {
        "en": "Choose one of the reasons in the list.",
        "ja": "一覧から理由を選んでください。",
    },
    "outcome.error.note_for_other": {
        "en": "Describe the reason in the note when you choose Other.",
        "ja": "「その他」を選んだ場合は、理由をメモに記入してください。",
    },
    "outcome.error.note_for_return": {
        "en": "Tell marketing in the note why the lead goes back to them.",
        "ja": "差し戻す理由をメモに記入してください。",
    },
    "outcome.error.note_too_long": {
        "en": "Keep the note within {limit} characters.",
        "ja": "メモは{limit}文字以内で入力してください。",
    },
    # --- answers to clicks ------------------------------------------------------------------
    "slack.already_claimed": {
        "en": "Lead #{lead_id} was already claimed by {owner} {ago}.",
        "ja": "リード #{lead_id} はすでに {owner}が担当しています（担当決定：{ago}）。",
    },
    "slack.modal_failed": {
        "en": "The form could not be opened in time. Please press the button again.",
        "ja": "フォームを開けませんでした。お手数ですが、もう一度ボタンを押してください。",
    },
    "slack.bad_lead_value": {
        "en": "This button does not point to a lead Baton knows (value “{value}”).",
        "ja": "このボタンは Baton のリードを指していません（値：「{value}」）。",
    },
    "slack.unreadable_click": {
        "en": "Baton could not read that click, so nothing changed. Try the button again; "
        "if it keeps happening, use the lead's newest card.",
        "ja": "クリックの内容を読み取れなかったため、何も変更していません。もう一度ボタンを押して"
        "ください。繰り返す場合は、リードの最新のカードをお使いください。",
    },
    "slack.unreadable_view": {
        "en": "Baton could not read this form, so nothing was saved. Close it and open it again "
        "from the button.",
        "ja": "フォームの内容を読み取れなかったため、保存していません。閉じてから、ボタンを押して"
        "開き直してください。",
    },
    "slack.modal_error_title": {"en": "Baton", "ja": "Baton からのお知らせ"},
    "slack.unknown_action": {
        "en": "This button is no longer in use. Use the buttons on the lead's newest card.",
        "ja": "このボタンは現在使われていません。リードの最新のカードにあるボタンをお使いください。",
    },
    "slack.unexpected": {
        "en": (
            "Something went wrong on Baton's side, so this may not have gone through. "
            "Please try again; if it keeps happening, give your Baton admin the error id {error_id}."
        ),
        "ja": (
            "Baton 側で問題が発生したため、操作が完了していない可能性があります。"
            "もう一度お試しください。解決しない場合は、管理者にエラー ID「{error_id}」をお伝えください。"
        ),
    },
    # --- what marketing sent, on the card -----
    # bot/slack/render/handed_over.py: the notes for sales, the lead's fields
    # (`Lead.extras`) with a label for each field Baton knows, and the CRM button.
    "card.sent.notes": {"en": "Notes for sales", "ja": "営業への申し送り"},
    "card.sent.more": {
        "en": "…and {n} more {n:field|fields}, not shown here",
        "ja": "ほか{n}項目は表示を省略しています",
    },
    "card.sent.yes": {"en": "Yes", "ja": "はい"},
    "card.sent.no": {"en": "No", "ja": "いいえ"},
    "card.sent.open.hubspot": {"en": "Open in HubSpot", "ja": "HubSpot で開く"},
    "card.sent.open.salesforce": {"en": "Open in Salesforce", "ja": "Salesforce で開く"},
    "card.sent.open.crm": {"en": "Open in the CRM", "ja": "CRM で開く"},
    "card.sent.field.crm_url": {"en": "CRM record", "ja": "CRM のレコード"},
    "card.sent.field.country": {"en": "Country", "ja": "国"},
    "card.sent.field.prefecture": {"en": "Prefecture", "ja": "都道府県"},
    "card.sent.field.state": {"en": "State or prefecture", "ja": "都道府県・州"},
    "card.sent.field.city": {"en": "City", "ja": "市区町村"},
    "card.sent.field.department": {"en": "Department", "ja": "部署"},
    "card.sent.field.industry": {"en": "Industry", "ja": "業種"},
    "card.sent.field.employees": {"en": "Employees", "ja": "従業員数"},
    "card.sent.field.revenue": {"en": "Annual revenue", "ja": "年間売上"},
    "card.sent.field.website": {"en": "Website", "ja": "Web サイト"},
    "card.sent.field.lead_source": {"en": "Lead source", "ja": "リードソース"},
    "card.sent.field.original_source": {"en": "Original source", "ja": "初回の流入経路"},
    "card.sent.field.lifecycle_stage": {"en": "Lifecycle stage", "ja": "ライフサイクルステージ"},
    "card.sent.field.crm_status": {"en": "Status in the CRM", "ja": "CRM 上のステータス"},
    "card.sent.field.rating": {"en": "Rating", "ja": "評価"},
    "card.sent.field.crm_owner": {"en": "Owner in the CRM", "ja": "CRM 上の所有者"},
    "card.sent.field.salesforce_object": {
        "en": "Salesforce object",
        "ja": "Salesforce のオブジェクト",
    },
    "card.sent.field.hubspot_portal": {"en": "HubSpot account ID", "ja": "HubSpot のアカウント ID"},
}
