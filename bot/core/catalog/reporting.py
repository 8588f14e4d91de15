"""Messages of the funnel report: `/lead-status report`, App Home, `baton report`."""

from bot.core.catalog import Locale

MESSAGES: dict[str, dict[Locale, str]] = {
    "report.by.campaign": {"en": "campaign", "ja": "キャンペーン"},
    "report.by.source": {"en": "source", "ja": "流入元"},
    "report.by.route": {"en": "route", "ja": "ルート"},
    "report.by.segment": {"en": "segment", "ja": "セグメント"},
    "report.by.rep": {"en": "rep", "ja": "担当者"},
    "report.period.days": {"en": "in the last {days} days", "ja": "直近{days}日"},
    "report.period.week": {"en": "in the week", "ja": "この1週間"},
    "report.period.this-month": {"en": "this month", "ja": "今月"},
    "report.period.last-month": {"en": "last month", "ja": "先月"},
    "report.period.quarter": {"en": "this quarter", "ja": "今四半期"},
    "report.period.range": {"en": "{start} to {end}", "ja": "{start}〜{end}"},
    "report.funnel.title": {
        "en": "Leads handed off {period}, by {by}",
        "ja": "{period}に引き渡したリード（{by}別）",
    },
    "report.funnel.dates": {
        "en": "{dates}. ▲▼: against the same length of time before.",
        "ja": "{dates}。▲▼は直前の同じ期間との比較です。",
    },
    "report.funnel.total": {"en": "All leads", "ja": "全体"},
    "report.funnel.no_group": {"en": "(none)", "ja": "（未設定）"},
    "report.funnel.no_rep": {"en": "(unclaimed)", "ja": "（担当者未定）"},
    "report.funnel.volume": {
        "en": "Handed off {handed_off} · claimed within SLA {sla} · median to claim {to_claim}"
        " · to first touch {to_touch}",
        "ja": "引き渡し{handed_off}・期限内の担当決定{sla}・担当決定まで{to_claim}"
        "・初回接触まで{to_touch}（中央値）",
    },
    "report.funnel.outcomes": {
        "en": "Meetings {meetings} · opportunities {opportunities} (rate {rate}) · won {won}"
        " · disqualified {disqualified} · returned {returned}",
        "ja": "アポ獲得{meetings}・商談化{opportunities}（商談化率{rate}）・受注{won}"
        "・対象外{disqualified}・差し戻し{returned}",
    },
    "report.funnel.offers": {
        "en": "Offers {offers} · accepted {accepted} (median time to accept {to_accept})"
        " · passed {passed}",
        "ja": "打診{offers}・引き受け{accepted}（引き受けまで{to_accept}、中央値）・見送り{passed}",
    },
    # Why a rep passed an offer, as the report names it (docs/glossary.md).
    "report.funnel.count": {"en": "{n}", "ja": "{n}件"},
    "report.funnel.won_amount": {"en": "{n} ({amount})", "ja": "{n}件（{amount}）"},
    "report.funnel.with_reason": {
        "en": "{n} (mostly {reason})",
        "ja": "{n}件（主な理由：{reason}）",
    },
    "report.funnel.none": {"en": "—", "ja": "—"},
    "report.funnel.same": {"en": "±0", "ja": "±0"},
    "report.funnel.pt": {"en": " pt", "ja": "pt"},
    "report.funnel.empty": {
        "en": "No leads were handed off in this period.",
        "ja": "この期間に引き渡されたリードはありません。",
    },
    "report.funnel.more": {
        "en": "…and {n} more. `baton report` lists every group, as a table, CSV or JSON.",
        "ja": "ほか{n}件。すべての集計は `baton report` で表・CSV・JSON として出力できます。",
    },
    "report.funnel.unknown": {
        "en": "“{word}” is not a period or a grouping Baton knows.",
        "ja": "「{word}」は期間や集計単位として指定できません。",
    },
    "report.funnel.usage": {
        "en": "`/lead-status report [7d | 30d | 90d | this-month | last-month | quarter]"
        " [by campaign | source | route | segment | rep] [chart]` — for example"
        " `/lead-status report 90d by source`.",
        "ja": "`/lead-status レポート [7日｜30日｜90日｜今月｜先月｜四半期]"
        " [キャンペーン別｜流入元別｜ルート別｜セグメント別｜担当者別] [グラフ]`"
        "（例：`/lead-status レポート 90日 流入元別`）",
    },
    # --- charts ---------------------------------------------------------------------------
    "chart.funnel_title": {
        "en": "Leads handed off and opportunity rate by {by}",
        "ja": "{by}別の引き渡し件数と商談化率",
    },
    "chart.handed_off": {"en": "Leads handed off", "ja": "引き渡し件数"},
    "chart.opportunity_rate": {"en": "Opportunity rate (%)", "ja": "商談化率（%）"},
    "chart.sla_title": {
        "en": "Claimed within the SLA, week by week",
        "ja": "期限内に担当決定した割合（週別）",
    },
    "chart.sla_pct": {"en": "Claimed within SLA (%)", "ja": "期限内の担当決定（%）"},
    "chart.alt": {
        "en": "Chart of leads handed off and the opportunity rate by {by}",
        "ja": "{by}別の引き渡し件数と商談化率のグラフ",
    },
    "report.funnel.chart_coming": {
        "en": "The chart is on its way to you in a direct message from Baton.",
        "ja": "グラフは Baton からの DM でお送りします。",
    },
    "report.funnel.chart_comment": {"en": "{title} ({dates})", "ja": "{title}（{dates}）"},
    "report.funnel.as_of": {
        "en": "As of {at}: kept ready and refreshed every few minutes.",
        "ja": "{at} 時点の集計です（数分ごとに更新しています）。",
    },
    "report.funnel.preparing": {
        "en": "Preparing this report: with this many leads it takes a moment. Baton sends it "
        "to you in a direct message, and keeps it ready from then on.",
        "ja": "レポートを作成しています。リード件数が多いため少しお時間をいただきます。"
        "完成したら Baton から DM でお送りし、以降はすぐにお答えできるよう準備しておきます。",
    },
}
