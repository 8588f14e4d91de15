"""Messages of /lead-status: the team summary, a lead's or a company's history, lists,
the usage text, and `/lead-status lang` (the language Baton writes to each person in).

Mentions arrive already rendered by `who()` (bot/core/catalog/slack.py says how).
"""

from bot.core.catalog import Locale

MESSAGES: dict[str, dict[Locale, str]] = {
    # --- /lead-status --------------------------------------------------------------------
    # under an answer whose leads come without the people, until Slack says who asked
    "report.contacts_unconfirmed": {
        "en": "Names, emails and phone numbers show once Slack has confirmed your account: "
        "ask again in a moment.",
        "ja": "お客様の氏名・メールアドレス・電話番号は、Slack でアカウントを確認でき次第"
        "表示します。少し時間をおいて、もう一度お試しください。",
    },
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
}
