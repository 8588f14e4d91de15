"""Messages of SLA clocks: nudges, escalations, snoozes, the weekly report."""

from bot.core.catalog import Locale

MESSAGES: dict[str, dict[Locale, str]] = {
    # --- the lead, as shown in a DM ----------------------------------------------------
    "sla.lead.title": {"en": "Lead #{lead_id}: {name}", "ja": "リード #{lead_id}: {name}"},
    "sla.lead.unnamed": {"en": "(no name)", "ja": "（氏名未登録）"},
    "sla.lead.company": {"en": "Company", "ja": "会社名"},
    "sla.lead.job_title": {"en": "Title", "ja": "役職"},
    "sla.lead.score": {"en": "Score", "ja": "スコア"},
    "sla.lead.source": {"en": "Source", "ja": "流入元"},
    "sla.lead.campaign": {"en": "Campaign", "ja": "キャンペーン"},
    "sla.lead.route": {"en": "Route", "ja": "ルート"},
    "sla.lead.reason": {"en": "Why it is an SQL", "ja": "SQL と判断した理由"},
    "sla.lead.channel": {"en": "Card in <#{channel}>", "ja": "カードは <#{channel}> にあります"},
    # --- nudges before a deadline --------------------------------------------------------
    "sla.nudge.claim": {
        "en": "{mentions} Lead #{lead_id} ({name}) is still unclaimed. Claim deadline: {deadline} (in {left}).",
        "ja": "{mentions} リード #{lead_id}（{name}）はまだ担当者が決まっていません。担当期限は {deadline}（あと {left}）です。",
    },
    "sla.nudge.touch": {
        "en": "Reminder: log your first touch with lead #{lead_id} ({name}) by {deadline} (in {left}).",
        "ja": "リマインド: リード #{lead_id}（{name}）への初回接触を {deadline} までに記録してください（あと {left}）。",
    },
    "sla.button.touch": {"en": "Log first touch", "ja": "初回接触を記録"},
    # --- escalations -----------------------------------------------------------------------
    "sla.escalation.claim": {
        "en": ":rotating_light: Lead #{lead_id} ({name}) missed its claim deadline and is {late} overdue.",
        "ja": ":rotating_light: リード #{lead_id}（{name}）は担当期限を過ぎ、{late} 超過しています。",
    },
    "sla.escalation.touch": {
        "en": ":rotating_light: Lead #{lead_id} ({name}) has had no first touch and is {late} overdue.",
        "ja": ":rotating_light: リード #{lead_id}（{name}）は初回接触がないまま、期限を {late} 超過しています。",
    },
    "sla.escalation.detail": {
        "en": "Escalation level {level} · deadline was {deadline}",
        "ja": "エスカレーション レベル {level} · 期限は {deadline} でした",
    },
    "sla.escalation.owner": {"en": "Owner: <@{owner}>", "ja": "担当者: <@{owner}> さん"},
    "sla.escalation.no_owner": {"en": "Owner: nobody yet", "ja": "担当者: まだいません"},
    "sla.button.claim": {"en": "Claim it myself", "ja": "自分が担当する"},
    "sla.reassign.placeholder": {"en": "Reassign to…", "ja": "担当者を変更…"},
    "sla.button.snooze": {"en": "Snooze…", "ja": "保留する…"},
    "sla.reassign.done": {
        "en": "Lead #{lead_id} is now <@{owner}>'s. They have been told, and their first-touch clock has started.",
        "ja": "リード #{lead_id} の担当者を <@{owner}> さんに変更しました。ご本人に通知し、初回接触の期限の計測を開始しています。",
    },
    # --- snoozing --------------------------------------------------------------------------
    "sla.snooze.title": {"en": "Snooze reminders", "ja": "リマインドの保留"},
    "sla.snooze.submit": {"en": "Snooze", "ja": "保留する"},
    "sla.snooze.cancel": {"en": "Cancel", "ja": "キャンセル"},
    "sla.snooze.intro": {
        "en": "Hold back the reminders and escalations for lead #{lead_id} ({name}).",
        "ja": "リード #{lead_id}（{name}）のリマインドとエスカレーションを一時的に止めます。",
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
        "en": "<@{by}> handed lead #{lead_id} ({name}) to you. Please log your first touch by {deadline}.",
        "ja": "<@{by}> さんから、リード #{lead_id}（{name}）の担当を引き継ぎました。{deadline} までに初回接触を記録してください。",
    },
    "sla.assigned.touched": {
        "en": "<@{by}> handed lead #{lead_id} ({name}) to you.",
        "ja": "<@{by}> さんから、リード #{lead_id}（{name}）の担当を引き継ぎました。",
    },
    # --- the weekly report --------------------------------------------------------------------
    "sla.digest.title": {"en": "Weekly lead handoff digest", "ja": "週次リード引き継ぎレポート"},
    "sla.digest.period": {"en": "{start} to {end}", "ja": "{start} 〜 {end}"},
    "sla.digest.total": {
        "en": "{count} leads handed off to sales.",
        "ja": "営業に引き継いだリードは {count} 件です。",
    },
    "sla.digest.empty": {
        "en": "No leads were handed off this week.",
        "ja": "今週引き継いだリードはありません。",
    },
    "sla.digest.route": {
        "en": "*{route}*: {count} handed off",
        "ja": "*{route}*: 引き継ぎ {count} 件",
    },
    "sla.digest.claim_sla": {
        "en": "Claimed on time: {rate} ({met} of {total})",
        "ja": "期限内に担当決定: {rate}（{total} 件中 {met} 件）",
    },
    "sla.digest.touch_sla": {
        "en": "First touch on time: {rate} ({met} of {total})",
        "ja": "期限内に初回接触: {rate}（{total} 件中 {met} 件）",
    },
    "sla.digest.median_claim": {
        "en": "Median time to claim: {value}",
        "ja": "担当決定までの時間（中央値）: {value}",
    },
    "sla.digest.median_touch": {
        "en": "Median time to first touch: {value}",
        "ja": "初回接触までの時間（中央値）: {value}",
    },
    "sla.digest.no_data": {"en": "no data yet", "ja": "データなし"},
    "sla.digest.more_routes": {"en": "…and {count} more routes.", "ja": "…ほか {count} ルート"},
    "sla.digest.outcomes": {"en": "*Outcomes this week*", "ja": "*今週の結果*"},
    "sla.digest.outcome_line": {"en": "{status}: {count}", "ja": "{status}：{count} 件"},
    "sla.digest.no_outcomes": {
        "en": "No outcomes were recorded.",
        "ja": "記録された結果はありません。",
    },
    "sla.digest.reasons": {
        "en": "*Top disqualification reasons*",
        "ja": "*対象外とした主な理由*",
    },
    "sla.digest.slowest": {"en": "*Slowest handled*", "ja": "*対応に時間がかかったリード*"},
    "sla.digest.slow.unclaimed": {
        "en": "#{lead_id} {name} ({route}): still unclaimed after {to_claim}",
        "ja": "#{lead_id} {name}（{route}）: {to_claim} 経過しても担当者未定",
    },
    "sla.digest.slow.untouched": {
        "en": "#{lead_id} {name} ({route}): claimed by <@{owner}> after {to_claim}, no first touch for {to_touch}",
        "ja": "#{lead_id} {name}（{route}）: {to_claim} 後に <@{owner}> さんが担当、その後 {to_touch} 初回接触なし",
    },
    "sla.digest.slow.touched": {
        "en": "#{lead_id} {name} ({route}): claimed by <@{owner}> after {to_claim}, first touch {to_touch} later",
        "ja": "#{lead_id} {name}（{route}）: {to_claim} 後に <@{owner}> さんが担当、その {to_touch} 後に初回接触",
    },
    "sla.digest.footnote": {
        "en": "Times count open hours on each route's calendar.",
        "ja": "時間は各ルートの営業カレンダーの営業時間のみで計算しています。",
    },
}
