"""Messages of the team's availability: `/lead-status away`, `back` and `pool`, and the
App Home's away controls and offers waiting for an answer.

Terms (docs/glossary.md): away 不在, back 復帰, pool 割り当て対象, offer 打診,
accept 引き受ける, pass 見送る, accept by 回答期限, off hours 勤務時間外.
"""

from bot.core.catalog import Locale

MESSAGES: dict[str, dict[Locale, str]] = {
    # --- /lead-status away and back ---------------------------------------------------------
    "team.away.self_through": {
        "en": "You are away through {day}: round robin and offers skip you until then. "
        "`/lead-status back` ends it sooner.",
        "ja": "{day}まで不在に設定しました。それまでリードの割り当て（ラウンドロビン・打診）の"
        "対象外になります。早めに戻る場合は `/lead-status 復帰` を入力してください。",
    },
    "team.away.self_until_back": {
        "en": "You are away until you say you are back: round robin and offers skip you. "
        "`/lead-status back` when you return.",
        "ja": "復帰するまで不在に設定しました。リードの割り当て（ラウンドロビン・打診）の"
        "対象外になります。戻ったら `/lead-status 復帰` を入力してください。",
    },
    "team.away.other_through": {
        "en": "{who} is away through {day}: round robin and offers skip them until then.",
        "ja": "{who}を{day}まで不在に設定しました。それまでリードの割り当て"
        "（ラウンドロビン・打診）の対象外になります。",
    },
    "team.away.other_until_back": {
        "en": "{who} is away until marked back: round robin and offers skip them.",
        "ja": "{who}を復帰するまで不在に設定しました。リードの割り当て"
        "（ラウンドロビン・打診）の対象外になります。",
    },
    "team.back.self": {
        "en": "Welcome back: round robin and offers include you again.",
        "ja": "復帰しました。リードの割り当て（ラウンドロビン・打診）の対象に戻りました。",
    },
    "team.back.other": {
        "en": "{who} is back: round robin and offers include them again.",
        "ja": "{who}の不在を解除しました。リードの割り当て（ラウンドロビン・打診）の対象に戻りました。",
    },
    "team.back.self_not_away": {
        "en": "You were not marked away, so nothing changed.",
        "ja": "不在に設定されていないため、変更はありません。",
    },
    "team.back.other_not_away": {
        "en": "{who} was not marked away, so nothing changed.",
        "ja": "{who}は不在に設定されていないため、変更はありません。",
    },
    "team.not_manager": {
        "en": "Only managers can set someone else away or back. For yourself: "
        "`/lead-status away` or `/lead-status back`.",
        "ja": "ほかの方の不在・復帰を設定できるのはマネージャーのみです。ご自身の場合は "
        "`/lead-status 不在` または `/lead-status 復帰` を使ってください。",
    },
    "team.away.bad_day": {
        "en": "“{given}” is not a day from today on.",
        "ja": "「{given}」は今日以降の日付として読み取れません。",
    },
    "team.away.no_day": {
        "en": "Which day? None was given.",
        "ja": "日付が指定されていません。",
    },
    "team.away.bad_word": {
        "en": "“{given}” is not something `/lead-status away` or `back` understands.",
        "ja": "「{given}」は `/lead-status 不在`・`復帰` の指定として読み取れません。",
    },
    "team.away.usage": {
        "en": (
            "*Away and back*\n"
            "`/lead-status away` — away until you say you are back\n"
            "`/lead-status away until 2026-12-10` — away through that day "
            "(also `12/10`, `12-10`, `12月10日`)\n"
            "`/lead-status back` — back: round robin and offers include you again\n"
            "Managers: `/lead-status away @rep until 12/10`, `/lead-status back @rep`"
        ),
        "ja": (
            "*不在と復帰*\n"
            "`/lead-status 不在` — 復帰するまで不在\n"
            "`/lead-status 不在 12月10日まで` — その日まで不在"
            "（`2026-12-10`、`12/10`、`12-10` も可）\n"
            "`/lead-status 復帰` — 復帰してリードの割り当て（ラウンドロビン・打診）の対象に戻る\n"
            "マネージャーは `/lead-status 不在 @担当者 12/10まで`、`/lead-status 復帰 @担当者` も可"
        ),
    },
    # --- /lead-status pool ROUTE --------------------------------------------------------------
    "team.pool.title": {
        "en": "*Pool of route {route}* ({how}): {available} of {total} can take a lead now",
        "ja": "*ルート「{route}」の割り当て対象*（{how}）：{total}人中{available}人がいま受けられます",
    },
    "team.pool.mode.round_robin": {"en": "round robin", "ja": "ラウンドロビン"},
    "team.pool.mode.offer": {
        "en": "offered to one rep at a time",
        "ja": "1人ずつ打診",
    },
    "team.pool.strategy.strict": {"en": "in turn", "ja": "順番どおり"},
    "team.pool.strategy.balanced": {
        "en": "fewest leads in the last {days} {days:day|days} first",
        "ja": "過去{days}日間の件数が少ない人から",
    },
    "team.pool.strategy.balanced_span": {
        "en": "fewest leads in the last {span} first",
        "ja": "過去{span}の件数が少ない人から",
    },
    "team.pool.available": {"en": "can take a lead now", "ja": "割り当て可能"},
    "team.pool.away_through": {"en": "away through {day}", "ja": "{day}まで不在"},
    "team.pool.away_until": {"en": "away until {at}", "ja": "{at}まで不在"},
    "team.pool.away_until_back": {"en": "away until back", "ja": "復帰するまで不在"},
    "team.pool.off_hours": {"en": "outside working hours", "ja": "勤務時間外"},
    "team.pool.at_max_open": {
        "en": "at the open-lead cap ({n}/{max})",
        "ja": "対応中リードが上限（{n}／{max}件）",
    },
    "team.pool.at_max_per_day": {
        "en": "at today's cap ({n}/{max})",
        "ja": "本日の割り当てが上限（{n}／{max}件）",
    },
    "team.pool.open": {"en": "{n} open", "ja": "対応中{n}件"},
    "team.pool.open_of": {"en": "{n}/{max} open", "ja": "対応中{n}／{max}件"},
    "team.pool.today": {"en": "{n} given today", "ja": "本日{n}件"},
    "team.pool.today_of": {"en": "{n}/{max} given today", "ja": "本日{n}／{max}件"},
    "team.pool.claim": {
        "en": "Route *{route}* uses Claim: its cards go to the channel and the first rep to "
        "click Claim owns the lead, so it has no pool.",
        "ja": "ルート「{route}」は「担当する」方式です。カードはチャンネルに投稿され、最初に"
        "「担当する」を押した人が担当者になるため、割り当て対象はありません。",
    },
    "team.pool.unknown": {
        "en": "There is no route “{route}”.",
        "ja": "ルート「{route}」は見つかりません。",
    },
    "team.pool.usage": {
        "en": "`/lead-status pool ROUTE` — who in a route's pool can take a lead now, and why "
        "the others cannot. Routes: {routes}",
        "ja": "`/lead-status 割り当て対象 ルート名` — ルートの割り当て対象のうち、いまリードを"
        "受けられる人と、受けられない人の理由。ルート：{routes}",
    },
    # --- App Home ---------------------------------------------------------------------------
    "team.home.offers_title": {
        "en": "Offers waiting for you ({n})",
        "ja": "回答待ちの打診（{n}件）",
    },
    "team.home.accept_by": {"en": "Accept by {due}", "ja": "回答期限：{due}"},
    "team.home.more_offers": {
        "en": "{n} more {n:offer|offers} waiting: see your DMs from Baton.",
        "ja": "ほかに{n}件の打診が回答待ちです。Baton からの DM をご確認ください。",
    },
    "team.home.away_through": {
        "en": "🌴 *You are away through {day}.* Round robin and offers skip you until then.",
        "ja": "🌴 *{day}まで不在です。*それまでリードの割り当て（ラウンドロビン・打診）の対象外です。",
    },
    "team.home.away_until": {
        "en": "🌴 *You are away until {at}.* Round robin and offers skip you until then.",
        "ja": "🌴 *{at}まで不在です。*それまでリードの割り当て（ラウンドロビン・打診）の対象外です。",
    },
    "team.home.away_until_back": {
        "en": "🌴 *You are away until you say you are back.* Round robin and offers skip you.",
        "ja": "🌴 *復帰するまで不在です。*リードの割り当て（ラウンドロビン・打診）の対象外です。",
    },
    "team.home.away_set_by": {"en": "Set by {who}.", "ja": "{who}が設定しました。"},
    "team.home.not_away": {
        "en": "*Going away?* Pick your last day away (none: until you are back) and press "
        "*Away*: round robin and offers skip you meanwhile.",
        "ja": "*不在にする場合*：不在の最終日を選んで「不在にする」を押してください"
        "（日付なし：復帰するまで）。その間はリードの割り当ての対象外になります。",
    },
    "team.home.last_day": {"en": "Last day away", "ja": "不在の最終日"},
    "team.home.away": {"en": "Away", "ja": "不在にする"},
    "team.home.back": {"en": "I'm back", "ja": "復帰する"},
    "team.home.past_day": {
        "en": "Pick today or a later day as your last day away.",
        "ja": "不在の最終日には今日以降の日付を選んでください。",
    },
}
