"""Messages about delivery to Slack and to webhooks: dead letters and what to fix, and lead
flood lists."""

from bot.core.catalog import Locale

MESSAGES: dict[str, dict[Locale, str]] = {
    # --- delivery problems (dead letters), shown to managers -------------------------
    "delivery.problem.not_in_channel": {
        "en": "Baton cannot post to {target}: it is not in the channel — invite it with /invite @Baton.",
        "ja": "Baton が {target}に投稿できません。チャンネルに参加していないためです。/invite @Baton で招待してください。",
    },
    "delivery.problem.channel_not_found": {
        "en": "Baton cannot post to {target}: Slack does not know the channel, or it is private and Baton is not in it — check the channel id in baton.yml, or invite Baton with /invite @Baton.",
        "ja": "Baton が {target}に投稿できません。チャンネルが存在しないか、Baton が参加していないプライベートチャンネルです。baton.yml のチャンネル ID をご確認いただくか、/invite @Baton で招待してください。",
    },
    "delivery.problem.is_archived": {
        "en": "Baton cannot post to {target}: the channel is archived — unarchive it, or route these leads to another channel in baton.yml.",
        "ja": "Baton が {target}に投稿できません。チャンネルがアーカイブされています。アーカイブを解除するか、baton.yml でリードの振り分け先を別のチャンネルに変更してください。",
    },
    "delivery.problem.restricted": {
        "en": "Baton cannot post to {target}: the channel only lets some members post ({error}) — allow apps to post there, or route these leads to another channel in baton.yml.",
        "ja": "Baton が {target}に投稿できません。このチャンネルは投稿できるメンバーが制限されています（{error}）。アプリの投稿を許可するか、baton.yml で振り分け先を別のチャンネルに変更してください。",
    },
    "delivery.problem.token": {
        "en": "Baton cannot reach Slack: its bot token is no longer valid ({error}) — reinstall the app to the workspace and update SLACK_BOT_TOKEN.",
        "ja": "Baton が Slack に接続できません。ボットトークンが無効になっています（{error}）。アプリをワークスペースに再インストールし、SLACK_BOT_TOKEN を更新してください。",
    },
    "delivery.problem.scope": {
        "en": "Baton is missing a Slack permission it needs to post to {target} ({error}) — reinstall the app from manifest.yml so Slack grants it.",
        "ja": "Baton に {target}への投稿に必要な Slack の権限がありません（{error}）。manifest.yml からアプリを再インストールして、権限を付与してください。",
    },
    "delivery.problem.user": {
        "en": "Baton cannot send a direct message to {target} ({error}) — check that the person is still in the workspace and update baton.yml if not.",
        "ja": "Baton が {target} さんにダイレクトメッセージを送れません（{error}）。ワークスペースに在籍しているかご確認のうえ、必要に応じて baton.yml を更新してください。",
    },
    "delivery.problem.message": {
        "en": "Slack refused a message Baton built for {target} ({error}) — this is a bug in Baton; please report it and upgrade.",
        "ja": "Baton が作成した {target}宛てのメッセージを Slack が受け付けませんでした（{error}）。Baton の不具合ですので、ご報告のうえアップデートをお願いいたします。",
    },
    "delivery.problem.no_sender": {
        "en": "This version of Baton cannot send some queued messages ({error}) — run the same or a newer version of Baton.",
        "ja": "このバージョンの Baton では送信できないメッセージがキューにあります（{error}）。同じバージョンか新しいバージョンの Baton を実行してください。",
    },
    "delivery.problem.other": {
        "en": "Baton cannot deliver messages to {target}: Slack answered {error}.",
        "ja": "Baton が {target}にメッセージを届けられません（Slack の応答：{error}）。",
    },
    "delivery.problem.webhook": {
        "en": "The webhook receiver at {target} refused Baton's lead events ({error}) — fix the receiver, or that webhook's url or secret in baton.yml.",
        "ja": "Webhook の送信先 {target}が Baton のリードのイベントを受け付けませんでした（{error}）。受信側の設定か、baton.yml のその Webhook の url・secret を修正してください。",
    },
    "delivery.problem.count": {
        "en": "({count} {count:message|messages} waiting)",
        "ja": "（未送信：{count}件）",
    },
    "delivery.retry_hint": {
        "en": "Once it is fixed, run `baton retry-failed` and the waiting messages go out.",
        "ja": "原因を解消したら `baton retry-failed` を実行してください。未送信のメッセージが送信されます。",
    },
    "delivery.alert": {
        "en": ":warning: Baton could not deliver a message to Slack.",
        "ja": ":warning: Baton から Slack へのメッセージを送信できませんでした。",
    },
    "delivery.webhook_alert": {
        "en": ":warning: Baton could not deliver a lead event to a webhook.",
        "ja": ":warning: Baton から Webhook へリードのイベントを送信できませんでした。",
    },
    # --- digest: many leads at once in one channel ------------------------------------
    "digest.header": {
        "en": "{count} new {count:lead|leads} — claim from the list",
        "ja": "新着リード{count}件：一覧から担当してください",
    },
    "digest.why": {
        "en": "Many leads arrived at once, so Baton lists them here instead of posting a card for each.",
        "ja": "一度に多くのリードが届いたため、カードを個別に投稿する代わりにここにまとめて表示しています。",
    },
    "digest.open": {
        "en": "{open} of {count} still unclaimed",
        "ja": "{count}件中{open}件が担当者未定です",
    },
    "digest.claim": {"en": "Claim", "ja": "担当する"},
    "digest.claimed_by": {"en": "claimed by <@{owner}>", "ja": "担当者：<@{owner}> さん"},
    "digest.score": {"en": "score {score}", "ja": "スコア：{score}"},
    "digest.claim_by": {"en": "claim by {deadline}", "ja": "担当決定期限：{deadline}"},
    "digest.unnamed": {"en": "(no name)", "ja": "（氏名未登録）"},
}
