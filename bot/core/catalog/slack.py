"""Messages of the Slack surface: cards, thread replies, /lead-status, App Home, modals.

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
    # --- /lead-status --------------------------------------------------------------------
    "report.summary_text": {"en": "Baton team summary", "ja": "Baton チームの状況"},
    "report.summary_title": {"en": "Team summary · {at}", "ja": "チームの状況（{at} 時点）"},
    "report.unclaimed": {"en": "Open and unclaimed", "ja": "担当者未定"},
    "report.awaiting_touch": {
        "en": "Claimed, awaiting first touch",
        "ja": "担当決定済み・初回接触待ち",
    },
    "report.overdue": {"en": "Overdue now", "ja": "期限超過"},
    "report.today": {"en": "Handed off today", "ja": "本日の引き渡し"},
    "report.window": {"en": "Last {days} {days:day|days}", "ja": "過去{days}日間"},
    "report.window_capped": {
        "en": "Last {days} {days:day|days} (the newest {n} {n:lead|leads})",
        "ja": "過去{days}日間（新しい順に{n}件を集計）",
    },
    "report.claim_sla": {
        "en": "Claimed in time: {met} of {decided} ({percent}%)",
        "ja": "期限内の担当決定：{decided}件中{met}件（{percent}%）",
    },
    "report.claim_sla_none": {
        "en": "Claimed in time: no deadline has come yet",
        "ja": "期限内の担当決定：まだ対象がありません",
    },
    "report.touch_sla": {
        "en": "First touch in time: {met} of {decided} ({percent}%)",
        "ja": "期限内の初回接触：{decided}件中{met}件（{percent}%）",
    },
    "report.touch_sla_none": {
        "en": "First touch in time: no deadline has come yet",
        "ja": "期限内の初回接触：まだ対象がありません",
    },
    "report.medians": {
        "en": "Median time to claim: {claim} · to first touch: {touch}",
        "ja": "中央値：担当決定まで{claim}・初回接触まで{touch}",
    },
    "report.top_reasons": {
        "en": "Top disqualification reasons (last {days} {days:day|days})",
        "ja": "主な対象外理由（過去{days}日間）",
    },
    "report.reason_row": {"en": "{rank}. {reason} — {n}", "ja": "{rank}. {reason}：{n}件"},
    "report.no_reasons": {
        "en": "No lead was disqualified.",
        "ja": "対象外になったリードはありません。",
    },
    "report.hint": {
        "en": "`/lead-status help` shows what else you can ask.",
        "ja": "`/lead-status help` で使い方をご確認いただけます。",
    },
    # a lead's company in a list row, after the contact person's name
    "report.lead_company": {"en": " · {company}", "ja": "（{company}）"},
    "report.lead_text": {"en": "Lead #{lead_id}: {name}", "ja": "リード #{lead_id}：{name}"},
    "report.timeline": {"en": "Timeline", "ja": "これまでの経緯"},
    "report.earlier_events": {
        "en": "…{n} earlier {n:event is|events are} not shown",
        "ja": "…これより前のイベント{n}件は省略しています",
    },
    "report.matches_title": {
        "en": "Leads matching “{query}” ({n})",
        "ja": "「{query}」に該当するリード（{n}件）",
    },
    "report.mine_title": {"en": "Your open leads ({n})", "ja": "担当中のリード（{n}件）"},
    "report.mine_empty": {
        "en": "You have no open leads.",
        "ja": "現在担当中のリードはありません。",
    },
    "report.overdue_title": {"en": "Overdue leads: {n}", "ja": "期限超過のリード：{n}件"},
    "report.none_overdue": {
        "en": "No lead is overdue. 🎉",
        "ja": "期限を過ぎたリードはありません。🎉",
    },
    "report.late_claim": {
        "en": "{late} past the claim deadline ({due}), still unclaimed",
        "ja": "担当決定期限（{due}）を{late}超過・担当者未定",
    },
    "report.late_first_touch": {
        "en": "{late} past the first-touch deadline ({due}) · {owner}",
        "ja": "初回接触期限（{due}）を{late}超過・担当者：{owner}",
    },
    "report.more_overdue": {"en": "…and {n} more", "ja": "…ほか{n}件"},
    "report.campaign_title": {
        "en": "Leads of the campaign “{campaign}” ({n})",
        "ja": "キャンペーン「{campaign}」のリード（{n}件）",
    },
    "report.campaign_title_more": {
        "en": "Leads of the campaign “{campaign}”: the newest {shown} of {n}",
        "ja": "キャンペーン「{campaign}」のリード（全{n}件のうち新しい{shown}件）",
    },
    "report.campaign_not_found": {
        "en": "No lead comes from a campaign named “{campaign}”.",
        "ja": "キャンペーン「{campaign}」のリードは見つかりませんでした。",
    },
    "report.returned_title": {
        "en": "Leads returned to marketing ({n})",
        "ja": "マーケティングへ差し戻しのリード（{n}件）",
    },
    "report.returned_title_more": {
        "en": "Leads returned to marketing: the latest {shown} of {n}",
        "ja": "マーケティングへ差し戻しのリード（全{n}件のうち新しい{shown}件）",
    },
    "report.returned_empty": {
        "en": "No lead has been returned to marketing.",
        "ja": "マーケティングへ差し戻しのリードはありません。",
    },
    "report.not_found": {
        "en": "No lead matches “{query}”.",
        "ja": "「{query}」に該当するリードは見つかりませんでした。",
    },
    "report.usage": {
        "en": (
            "*How to use /lead-status*\n"
            "`/lead-status` — the team summary\n"
            "`/lead-status #42` — one lead's state and timeline\n"
            "`/lead-status name@example.com` or `/lead-status Acme` — find leads by email or company "
            "(all or part of its name; a part from the middle is looked for among the newest 10,000 leads)\n"
            "`/lead-status campaign Autumn webinar` — a campaign's leads, newest first\n"
            "`/lead-status mine` — your open leads\n"
            "`/lead-status overdue` — every overdue lead and how late it is\n"
            "`/lead-status returned` — leads returned to marketing, with the rep's note\n"
            "`/lead-status report 90d by source` — the funnel report (periods 7d, 30d, 90d, "
            "this-month, last-month, quarter; by campaign, source, route, segment or rep)\n"
            "`/lead-status lang ja` or `lang en` — the language Baton writes to you in\n"
            "`/lead-status away until 12/10` or `away` (until you are back), `back` — whether "
            "round robin and offers may give you leads (managers: `away @rep`, `back @rep`)\n"
            "`/lead-status pool inbound` — who in a route's pool can take a lead now, and why not"
        ),
        "ja": (
            "*/lead-status の使い方*\n"
            "`/lead-status` — チーム全体の状況\n"
            "`/lead-status #42` — リードの状況とこれまでの経緯\n"
            "`/lead-status name@example.com` または `/lead-status 会社名` — メールアドレスや会社名でリードを検索"
            "（会社名は一部でも可。名前の途中の一部は新しいリード1万件から検索）\n"
            "`/lead-status キャンペーン 秋のウェビナー` — キャンペーンのリード（新しい順）\n"
            "`/lead-status mine` — ご自身が担当中のリード\n"
            "`/lead-status overdue` — 期限を過ぎたリードと超過時間\n"
            "`/lead-status 差し戻し` — マーケティングへ差し戻しのリードと担当者のメモ\n"
            "`/lead-status レポート 90日 流入元別` — 引き渡したリードの成果（期間：7日・30日・90日・"
            "今月・先月・四半期、集計：キャンペーン別・流入元別・ルート別・セグメント別・担当者別）\n"
            "`/lead-status 言語 英語` または `言語 日本語` — Baton がご自身に表示する言語\n"
            "`/lead-status 不在 12月10日まで` または `不在`（復帰するまで）、`復帰` — "
            "リードの割り当て（ラウンドロビン・打診）の対象から外れる・戻る"
            "（マネージャーは `不在 @担当者`、`復帰 @担当者` も可）\n"
            "`/lead-status 割り当て対象 ルート名` — ルートの割り当て対象のうち、いまリードを"
            "受けられる人と受けられない理由"
        ),
    },
    # --- /lead-status lang: the language Baton writes to this person in ------------------
    "lang.name.en": {"en": "English", "ja": "英語"},
    "lang.name.ja": {"en": "Japanese", "ja": "日本語"},
    "lang.from_chosen": {
        "en": "Baton writes to you in {language}, as you chose.",
        "ja": "Baton はご指定どおり{language}で表示しています。",
    },
    "lang.from_slack": {
        "en": "Baton writes to you in {language}, the language of your Slack.",
        "ja": "Baton は Slack の言語設定に合わせて{language}で表示しています。",
    },
    "lang.from_policy": {
        "en": "Baton writes to you in {language}, the team's language (it will follow your "
        "Slack language once Slack has told it).",
        "ja": "Baton はチームの設定どおり{language}で表示しています"
        "（Slack の言語設定を確認でき次第、それに合わせます）。",
    },
    "lang.set": {
        "en": "From now on Baton writes to you in {language}: replies, direct messages and "
        "your Home tab. Channel posts stay in the channel's language.",
        "ja": "今後、Baton からの返信・DM・ホームタブを{language}で表示します。"
        "チャンネルへの投稿はチャンネルの言語のままです。",
    },
    "lang.auto": {
        "en": "Baton follows your Slack language again ({language} for now).",
        "ja": "Slack の言語設定に合わせて表示するよう戻しました（現在は{language}）。",
    },
    "lang.how": {
        "en": "To change it: `/lead-status lang ja` (Japanese), `/lead-status lang en` "
        "(English), or `/lead-status lang auto` to follow your Slack language.",
        "ja": "変更するには `/lead-status 言語 日本語`、`/lead-status 言語 英語`、"
        "Slack の言語設定に合わせるには `/lead-status 言語 自動` と入力してください。",
    },
    "lang.unknown": {
        "en": "Baton cannot write in “{given}”.",
        "ja": "「{given}」は Baton が表示できる言語ではありません。",
    },
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
