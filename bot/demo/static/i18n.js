// The page's own labels, in English and Japanese.
//
// Only the page's chrome is translated here (sidebar, buttons, notes, errors); what
// Baton writes arrives already in the workspace's language. The language follows
// `workspace.locale` so a Tokyo team sees one language on the whole screen.

const LABELS = {
  en: {
    "sidebar.you_are": "You are",
    "sidebar.channels": "Channels",
    "sidebar.direct_messages": "Direct messages",
    "sidebar.apps": "Apps",
    "sidebar.home": "Home",
    "sidebar.home_item": "Home · {bot}",
    "sidebar.demo": "Demo",
    "demo.sample_lead": "Hand off a sample lead",
    "demo.weekly_report": "Post the weekly report now",
    "demo.sample_lead_done": "Sample lead handed off. It appears in the lead channel in a moment.",
    "demo.weekly_report_done": "Weekly report requested.",
    "app.tab.home": "Home",
    "app.tab.messages": "Messages",
    "app.badge": "APP",
    "message.only_visible": "Only visible to you",
    "message.edited": "(edited)",
    "message.replies.one": "1 reply",
    "message.replies.many": "{n} replies",
    "message.reply": "Reply",
    "message.empty": "No messages here yet.",
    "thread.title": "Thread",
    "thread.close": "Close thread",
    "home.empty": "Baton has not published a Home view for you yet.",
    "composer.placeholder": "Run a command in {where}: /lead-status, /handoff",
    "composer.not_a_command":
      "The demo has no chat. Type a slash command such as /lead-status or /handoff.",
    "modal.submit": "Submit",
    "modal.cancel": "Cancel",
    "modal.close": "Close",
    "modal.optional": " (optional)", // the leading space separates it from the label
    "modal.required": "Please fill out this field.",
    "confirm.title": "Are you sure?",
    "confirm.ok": "Confirm",
    "confirm.deny": "Cancel",
    "select.placeholder": "Select an option",
    "select.user_placeholder": "Select a person",
    "select.channel_placeholder": "Select a channel",
    "select.overflow": "More actions",
    "banner.dismiss": "Dismiss",
    "error.network": "Cannot reach the demo server. Is `baton demo` still running?",
    "error.no_token": "This page has no demo token. Open it from the address `baton demo` prints.",
    "error.generic": "Something went wrong ({status}).",
    "live.polling": "Live updates paused; checking every second.",
    "unknown.person": "Unknown person",
  },
  ja: {
    "sidebar.you_are": "操作するユーザー",
    "sidebar.channels": "チャンネル",
    "sidebar.direct_messages": "ダイレクトメッセージ",
    "sidebar.apps": "アプリ",
    "sidebar.home": "ホーム",
    "sidebar.home_item": "ホーム（{bot}）",
    "sidebar.demo": "デモ操作",
    "demo.sample_lead": "サンプルのリードを引き渡す",
    "demo.weekly_report": "週次レポートを今すぐ投稿",
    "demo.sample_lead_done": "サンプルのリードを引き渡しました。まもなく担当チャンネルに表示されます。",
    "demo.weekly_report_done": "週次レポートの投稿を依頼しました。",
    "app.tab.home": "ホーム",
    "app.tab.messages": "メッセージ",
    "app.badge": "アプリ",
    "message.only_visible": "あなただけに表示されています",
    "message.edited": "（編集済み）",
    "message.replies.one": "1件の返信",
    "message.replies.many": "{n}件の返信",
    "message.reply": "返信",
    "message.empty": "まだメッセージはありません。",
    "thread.title": "スレッド",
    "thread.close": "スレッドを閉じる",
    "home.empty": "Baton のホームはまだ表示されていません。",
    "composer.placeholder": "{where} でコマンドを実行：/lead-status、/handoff",
    "composer.not_a_command":
      "デモではメッセージを送信できません。/lead-status や /handoff などのコマンドを入力してください。",
    "modal.submit": "送信",
    "modal.cancel": "キャンセル",
    "modal.close": "閉じる",
    "modal.optional": "（任意）",
    "modal.required": "この項目は必須です。",
    "confirm.title": "よろしいですか？",
    "confirm.ok": "実行する",
    "confirm.deny": "キャンセル",
    "select.placeholder": "選択してください",
    "select.user_placeholder": "ユーザーを選択",
    "select.channel_placeholder": "チャンネルを選択",
    "select.overflow": "その他の操作",
    "banner.dismiss": "閉じる",
    "error.network": "デモサーバーに接続できません。`baton demo` が動いているか確認してください。",
    "error.no_token": "このページにはデモ用トークンがありません。`baton demo` が表示するアドレスから開いてください。",
    "error.generic": "エラーが発生しました（{status}）。",
    "live.polling": "リアルタイム更新が途切れています。1秒ごとに確認しています。",
    "unknown.person": "不明なユーザー",
  },
};

let current = "en";

/** Choose the page's language; anything but "ja" falls back to English. */
export function setLocale(locale) {
  current = String(locale || "").toLowerCase().startsWith("ja") ? "ja" : "en";
  document.documentElement.lang = current;
}

export function locale() {
  return current;
}

/** The label `key` in the page's language, with `{name}` placeholders filled in. */
export function t(key, vars = {}) {
  const template = LABELS[current][key] ?? LABELS.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) =>
    name in vars ? String(vars[name]) : whole,
  );
}

/** "1 reply" / "3 replies" (Japanese has one form). */
export function replies(n) {
  return n === 1 ? t("message.replies.one") : t("message.replies.many", { n });
}
