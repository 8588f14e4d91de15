"""Messages of SLA clocks: nudges, escalations, snoozes, the weekly report."""

from bot.core.catalog import Locale

MESSAGES: dict[str, dict[Locale, str]] = {
    # --- the lead, as shown in a DM ----------------------------------------------------
    "sla.lead.title": {"en": "Lead #{lead_id}: {name}", "ja": "リード #{lead_id}：{name}"},
    "sla.lead.unnamed": {"en": "no name", "ja": "氏名未登録"},
    "sla.lead.company": {"en": "Company", "ja": "会社名"},
    "sla.lead.job_title": {"en": "Title", "ja": "役職"},
    "sla.lead.score": {"en": "Score", "ja": "スコア"},
    "sla.lead.source": {"en": "Source", "ja": "流入元"},
    "sla.lead.campaign": {"en": "Campaign", "ja": "キャンペーン"},
    "sla.lead.route": {"en": "Route", "ja": "ルート"},
    "sla.lead.reason": {"en": "Why it is an SQL", "ja": "SQL と判断した理由"},
    "sla.lead.channel": {"en": "Card in <#{channel}>", "ja": "カードは <#{channel}>にあります"},
    # --- nudges before a deadline --------------------------------------------------------
    "sla.nudge.claim": {
        "en": "{mentions} Lead #{lead_id} ({name}) is still unclaimed. Claim deadline: {deadline} (in {left}).",
        "ja": "{mentions} リード #{lead_id}（{name}）の担当者がまだ決まっていません。担当決定期限は {deadline} です（残り{left}）。",
    },
    "sla.nudge.touch": {
        "en": "Reminder: log your first touch with lead #{lead_id} ({name}) by {deadline} (in {left}).",
        "ja": "【リマインド】リード #{lead_id}（{name}）の初回接触期限は {deadline} です（残り{left}）。連絡後に「初回接触を記録」を押してください。",
    },
    "sla.button.touch": {"en": "Log first touch", "ja": "初回接触を記録"},
    # --- escalations -----------------------------------------------------------------------
    "sla.escalation.claim": {
        "en": ":rotating_light: Lead #{lead_id} ({name}) missed its claim deadline and is {late} overdue.",
        "ja": ":rotating_light: リード #{lead_id}（{name}）の担当決定期限を過ぎています（超過：{late}）。",
    },
    "sla.escalation.touch": {
        "en": ":rotating_light: Lead #{lead_id} ({name}) has had no first touch and is {late} overdue.",
        "ja": ":rotating_light: リード #{lead_id}（{name}）の初回接触期限を過ぎています（超過：{late}）。",
    },
    "sla.escalation.detail": {
        "en": "Escalation level {level} · deadline was {deadline}",
        "ja": "エスカレーション第{level}段階・期限：{deadline}",
    },
    "sla.escalation.owner": {"en": "Owner: <@{owner}>", "ja": "担当者：<@{owner}> さん"},
    "sla.escalation.no_owner": {"en": "Owner: nobody yet", "ja": "担当者：未定"},
    "sla.button.claim": {"en": "Claim it myself", "ja": "自分が担当する"},
    "sla.reassign.placeholder": {"en": "Reassign to…", "ja": "担当者を変更…"},
    "sla.button.snooze": {"en": "Snooze…", "ja": "保留する…"},
    "sla.reassign.done": {
        "en": "Lead #{lead_id} is now <@{owner}>'s. They have been told, and their first-touch clock has started.",
        "ja": "リード #{lead_id} の担当者を <@{owner}> さんに変更しました。ご本人に通知し、初回接触期限のカウントを開始しました。",
    },
    # --- snoozing --------------------------------------------------------------------------
    "sla.snooze.title": {"en": "Snooze reminders", "ja": "リマインドの保留"},
    "sla.snooze.submit": {"en": "Snooze", "ja": "保留する"},
    "sla.snooze.cancel": {"en": "Cancel", "ja": "キャンセル"},
    "sla.snooze.intro": {
        "en": "Hold back the reminders and escalations for lead #{lead_id} ({name}).",
        "ja": "リード #{lead_id}（{name}）のリマインドとエスカレーションを保留します。",
    },
    "sla.snooze.until": {"en": "For how long?", "ja": "保留する期間"},
    "sla.snooze.30m": {"en": "30 minutes", "ja": "30分"},
    "sla.snooze.1h": {"en": "1 hour", "ja": "1時間"},
    "sla.snooze.tomorrow": {
        "en": "Until 9:00 on the next business day",
        "ja": "翌営業日の 9:00 まで",
    },
    "sla.snooze.reason": {"en": "Why?", "ja": "保留の理由"},
    "sla.snooze.reason_hint": {
        "en": "Recorded on the lead's timeline, so the others know.",
        "ja": "リードの履歴に記録され、ほかのメンバーにも共有されます。",
    },
    "sla.snooze.done": {
        "en": "Reminders for lead #{lead_id} are snoozed until {until}.",
        "ja": "リード #{lead_id} のリマインドを {until} まで保留しました。",
    },
    "sla.snooze.choose": {
        "en": "Choose how long to snooze.",
        "ja": "保留する期間を選んでください。",
    },
    "sla.snooze.reason_required": {
        "en": "Say why you are snoozing, so the others know.",
        "ja": "ほかのメンバーにも分かるよう、保留の理由を入力してください。",
    },
    # --- a reassigned lead's new owner ------------------------------------------------------
    "sla.assigned": {
        "en": "<@{by}> made you the owner of lead #{lead_id} ({name}). Please log your first touch by {deadline}.",
        "ja": "<@{by}> さんが、あなたをリード #{lead_id}（{name}）の担当者に設定しました。初回接触期限は {deadline} です。連絡後に「初回接触を記録」を押してください。",
    },
    "sla.assigned.touched": {
        "en": "<@{by}> made you the owner of lead #{lead_id} ({name}).",
        "ja": "<@{by}> さんが、あなたをリード #{lead_id}（{name}）の担当者に設定しました。",
    },
    # --- the weekly report --------------------------------------------------------------------
    "sla.digest.title": {"en": "Weekly lead handoff digest", "ja": "週次リード引き渡しレポート"},
    "sla.digest.text": {"en": "{title} ({period})", "ja": "{title}（{period}）"},
    "sla.digest.period": {"en": "{start} to {end}", "ja": "{start}〜{end}"},
    "sla.digest.total": {
        "en": "{count} {count:lead|leads} handed off to sales.",
        "ja": "営業に引き渡したリードは{count}件です。",
    },
    "sla.digest.empty": {
        "en": "No leads were handed off this week.",
        "ja": "今週引き渡したリードはありません。",
    },
    "sla.digest.route": {
        "en": "*{route}*: {count} handed off",
        "ja": "*{route}*：引き渡し{count}件",
    },
    "sla.digest.claim_sla": {
        "en": "Claimed on time: {rate} ({met} of {total})",
        "ja": "期限内の担当決定：{rate}（{total}件中{met}件）",
    },
    "sla.digest.touch_sla": {
        "en": "First touch on time: {rate} ({met} of {total})",
        "ja": "期限内の初回接触：{rate}（{total}件中{met}件）",
    },
    "sla.digest.median_claim": {
        "en": "Median time to claim: {value}",
        "ja": "担当決定までの時間（中央値）：{value}",
    },
    "sla.digest.median_touch": {
        "en": "Median time to first touch: {value}",
        "ja": "初回接触までの時間（中央値）：{value}",
    },
    "sla.digest.no_data": {"en": "no data yet", "ja": "データなし"},
    "sla.digest.more_routes": {
        "en": "…and {count} more {count:route|routes}.",
        "ja": "…ほか{count}ルート",
    },
    "sla.digest.outcomes": {"en": "*Outcomes this week*", "ja": "*今週の結果*"},
    "sla.digest.outcome_line": {"en": "{status}: {count}", "ja": "{status}：{count}件"},
    "sla.digest.no_outcomes": {
        "en": "No outcomes were recorded.",
        "ja": "記録された結果はありません。",
    },
    "sla.digest.reasons": {
        "en": "*Top disqualification reasons*",
        "ja": "*主な対象外理由*",
    },
    "sla.digest.slowest": {"en": "*Slowest handled*", "ja": "*対応に時間がかかったリード*"},
    "sla.digest.slow.unclaimed": {
        "en": "#{lead_id} {name} ({route}): still unclaimed after {to_claim}",
        "ja": "#{lead_id} {name}（{route}）：{to_claim}経過しても担当者未定",
    },
    "sla.digest.slow.untouched": {
        "en": "#{lead_id} {name} ({route}): claimed by <@{owner}> after {to_claim}, no first touch for {to_touch}",
        "ja": "#{lead_id} {name}（{route}）：{to_claim}後に <@{owner}> さんが担当決定、その後{to_touch}初回接触なし",
    },
    "sla.digest.slow.touched": {
        "en": "#{lead_id} {name} ({route}): claimed by <@{owner}> after {to_claim}, first touch {to_touch} later",
        "ja": "#{lead_id} {name}（{route}）：{to_claim}後に <@{owner}> さんが担当決定、その{to_touch}後に初回接触",
    },
    "sla.digest.footnote": {
        "en": "Times count open hours on each route's calendar.",
        "ja": "時間は各ルートの営業カレンダーの営業時間のみで計算しています。",
    },
}
