"""Messages of lead intake: the /leads webhook, the /handoff modal and import reports."""

from bot.core.catalog import Locale

MESSAGES: dict[str, dict[Locale, str]] = {
    # --- a field of a lead that cannot be taken as sent ------------------------------
    "intake.field.missing": {"en": "is required.", "ja": "必須項目です。"},
    "intake.field.unknown": {
        "en": "is not a field Baton knows. Known fields: {known}. Put anything else under `fields`.",
        "ja": "Baton が扱う項目ではありません。使える項目：{known}。それ以外の情報は `fields` の中に入れてください。",
    },
    "intake.field.not_text": {
        "en": "must be text (a JSON string).",
        "ja": "文字列（JSON の文字列）で指定してください。",
    },
    "intake.field.too_long": {
        "en": "is too long: at most {max_length} characters.",
        "ja": "長すぎます。{max_length}文字以内にしてください。",
    },
    "intake.field.not_number": {
        "en": "must be a number (not text, not true/false).",
        "ja": "数値で指定してください（文字列や true/false は使えません）。",
    },
    "intake.field.not_finite": {
        "en": "must be an ordinary number (not NaN or Infinity).",
        "ja": "通常の数値で指定してください（NaN や Infinity は使えません）。",
    },
    "intake.field.score_range": {
        "en": "must be between {min} and {max}.",
        "ja": "{min}以上{max}以下の数値で指定してください。",
    },
    "intake.field.not_object": {
        "en": 'must be an object like {{"key": "value"}}.',
        "ja": '{{"キー": "値"}} の形のオブジェクトで指定してください。',
    },
    "intake.field.email": {
        "en": "is not a valid email address: {reason}",
        "ja": "メールアドレスの形式が正しくありません。{reason}",
    },
    # --- why an email address is refused (email-validator's reasons, in our words) -----
    "intake.email.no_at": {
        "en": "It must have an @-sign.",
        "ja": "「@」が含まれていません。",
    },
    "intake.email.full_width_at": {
        "en": "It has a full-width at-sign (＠) instead of a regular @.",
        "ja": "全角の「＠」が使われています。半角の「@」にしてください。",
    },
    "intake.email.nothing_before": {
        "en": "There must be something before the @-sign.",
        "ja": "「@」の前が空です。",
    },
    "intake.email.nothing_after": {
        "en": "There must be something after the @-sign.",
        "ja": "「@」の後が空です。",
    },
    "intake.email.domain": {
        "en": "The part after the @-sign is not a valid domain (like example.com).",
        "ja": "「@」の後のドメインが正しくありません（例：example.co.jp）。",
    },
    "intake.email.reserved": {
        "en": "The part after the @-sign is a reserved name that cannot receive email.",
        "ja": "「@」の後が、メールには使えない予約済みのドメインです。",
    },
    "intake.email.periods": {
        "en": "A period is out of place (two in a row, or next to the @-sign or a hyphen).",
        "ja": "ピリオド（.）の位置が正しくありません（連続している、または「@」やハイフンと隣り合っています）。",
    },
    "intake.email.chars_before": {
        "en": "The part before the @-sign has characters an email address cannot have (spaces, full-width letters…).",
        "ja": "「@」の前に、メールアドレスに使えない文字（空白や全角文字など）が含まれています。",
    },
    "intake.email.chars_after": {
        "en": "The part after the @-sign has characters a domain cannot have.",
        "ja": "「@」の後に、ドメインに使えない文字が含まれています。",
    },
    "intake.email.unsafe": {
        "en": "It has characters that cannot be shown safely (control or direction characters).",
        "ja": "制御文字など、安全に表示できない文字が含まれています。",
    },
    "intake.email.too_long": {
        "en": "It is too long.",
        "ja": "長すぎます。",
    },
    "intake.email.extra": {
        "en": "Give the address alone, without a name, angle brackets or anything after it.",
        "ja": "氏名や山かっこ（< >）を付けず、メールアドレスだけを入力してください。",
    },
    "intake.email.other": {
        "en": "Write it like name@example.com.",
        "ja": "「name@example.co.jp」の形で入力してください。",
    },
    "intake.field.character": {
        "en": "contains a character that cannot be stored (U+{code} at position {position}); remove it.",
        "ja": "保存できない文字が含まれています（{position}文字目の U+{code}）。この文字を削除してください。",
    },
    "intake.field.unicode": {
        "en": "contains text that is not valid Unicode (a lone surrogate such as \\ud800); remove it.",
        "ja": "Unicode として正しくない文字（\\ud800 のような単独のサロゲート）が含まれています。削除してください。",
    },
    "intake.field.too_many": {
        "en": "has too many entries: at most {limit}.",
        "ja": "項目が多すぎます。{limit}個以内にしてください。",
    },
    "intake.field.extra_key": {
        "en": "has an empty key or a key longer than {limit} characters ({entry}).",
        "ja": "キーが空か、{limit}文字を超えています（{entry}）。",
    },
    "intake.field.extra_long": {
        "en": "{entry}: the value is too long: at most {limit} characters.",
        "ja": "{entry}：値が長すぎます。{limit}文字以内にしてください。",
    },
    "intake.field.extra_value": {
        "en": "{entry}: the value must be text, a number, true/false or null (not a list or an object).",
        "ja": "{entry}：値には文字列・数値・true/false・null のいずれかを指定してください（配列やオブジェクトは使えません）。",
    },
    "intake.field.name_or_email": {
        "en": "Give a name or an email (or both).",
        "ja": "氏名かメールアドレスのどちらか（または両方）を入力してください。",
    },
    "intake.field.invalid": {
        "en": "is not valid ({kind}).",
        "ja": "値が正しくありません（{kind}）。",
    },
    # --- POST /leads: answers other than success ------------------------------------
    "intake.http.not_configured": {
        "en": "Lead intake is switched off on this Baton: the operator must set BATON_INTAKE_SECRET (for signed requests) or BATON_INTAKE_TOKEN (for a bearer token) and restart it.",
        "ja": "この Baton ではリードの受け付けが無効になっています。運用担当者が BATON_INTAKE_SECRET（署名付きリクエスト用）または BATON_INTAKE_TOKEN（Bearer トークン用）を設定し、再起動する必要があります。",
    },
    "intake.http.too_large": {
        "en": "The body is too large ({size} bytes; at most {limit}). Send one lead per request and leave out what sales does not need.",
        "ja": "本文が大きすぎます（{size}バイト。上限は{limit}バイトです）。1回のリクエストで送るリードは1件にし、営業に不要な項目は省いてください。",
    },
    "intake.http.content_type": {
        "en": "Send the lead as JSON with Content-Type: application/json (this request said {given}).",
        "ja": "リードは Content-Type: application/json の JSON で送ってください（このリクエストは {given} でした）。",
    },
    "intake.http.charset": {
        "en": "Send the JSON in UTF-8 (this request said charset={charset}).",
        "ja": "JSON は UTF-8 で送ってください（このリクエストは charset={charset} でした）。",
    },
    "intake.http.unknown_format": {
        "en": 'Unknown format "{given}". Known formats: {known}.',
        "ja": "「{given}」という形式には対応していません。対応している形式：{known}",
    },
    "intake.http.idempotency_key": {
        "en": "The Idempotency-Key header must be 1 to {limit} visible ASCII characters.",
        "ja": "Idempotency-Key ヘッダーは、表示可能な ASCII 文字1〜{limit}文字で指定してください。",
    },
    "intake.http.empty": {
        "en": "The body is empty: send the lead as a JSON object.",
        "ja": "本文が空です。リードを JSON オブジェクトとして送ってください。",
    },
    "intake.http.not_utf8": {
        "en": "The body is not valid UTF-8 (first bad byte at offset {position}).",
        "ja": "本文が正しい UTF-8 ではありません（{position}バイト目に不正なバイトがあります）。",
    },
    "intake.http.bad_json": {
        "en": "The body is not valid JSON: {problem} at line {line}, column {column}.",
        "ja": "本文が正しい JSON ではありません（{line}行{column}列目：{problem}）。",
    },
    "intake.http.json_constant": {
        "en": "The body contains {constant}, which JSON does not allow: send a number or null.",
        "ja": "本文に JSON では使えない {constant} が含まれています。数値か null を送ってください。",
    },
    "intake.forget.which": {
        "en": "Name the person to erase with one of: email, id, or source with external_id.",
        "ja": "削除する人を、email、id、または source と external_id の組み合わせの"
        "いずれか1つで指定してください。",
    },
    "intake.forget.unknown_keys": {
        "en": "Unknown keys: {keys}. Only email, id, or source with external_id are read.",
        "ja": "不明なキーがあります：{keys}。email、id、または source と external_id のみ指定できます。",
    },
    "intake.forget.email": {
        "en": "email must be an email address.",
        "ja": "email にはメールアドレスを指定してください。",
    },
    "intake.forget.id": {
        "en": "id must be a lead id (a whole number).",
        "ja": "id にはリード ID（整数）を指定してください。",
    },
    "intake.forget.crm_id": {
        "en": "source and external_id must both be given, as text.",
        "ja": "source と external_id は両方を文字列で指定してください。",
    },
    "intake.http.repeated_key": {
        "en": 'The key "{name}" appears twice in one object: send it once, with the value '
        "you mean (readers of JSON disagree about which of two values counts).",
        "ja": "キー「{name}」が1つのオブジェクトに2回含まれています。意図した値で1回だけ送ってください"
        "（重複したキーは、読み手によってどちらの値を採用するかが異なります）。",
    },
    "intake.http.too_deep": {
        "en": "The body is nested too deeply to be a lead.",
        "ja": "本文の入れ子が深すぎるため、リードとして読み取れません。",
    },
    "intake.http.not_object": {
        "en": "The body must be a JSON object with the lead's fields (got {given}).",
        "ja": "本文はリードの項目を持つ JSON オブジェクトにしてください（受け取ったのは {given} でした）。",
    },
    "intake.http.invalid": {
        "en": "The lead was not accepted: {count} {count:problem|problems}, listed in `fields`. Nothing was stored.",
        "ja": "リードを受け付けられませんでした。問題が{count}件あります（`fields` を参照）。何も保存されていません。",
    },
    "intake.http.unavailable": {
        "en": "Baton could not store the lead just now and saved nothing. Send it again in a minute.",
        "ja": "ただいまリードを保存できませんでした（何も保存されていません）。1分ほどしてから再送してください。",
    },
    "intake.http.internal": {
        "en": "Something went wrong inside Baton; the lead may not be stored. Send it again, and tell the operator if this persists.",
        "ja": "Baton の内部でエラーが発生しました。リードが保存されていない可能性があります。再送し、続くようであれば運用担当者に連絡してください。",
    },
    "intake.format.one_record": {
        "en": "send exactly one record per request (this one has {count}).",
        "ja": "1回のリクエストでは1件のレコードだけを送ってください（このリクエストには{count}件あります）。",
    },
    "intake.format.record_object": {
        "en": "the record must be a JSON object.",
        "ja": "レコードは JSON オブジェクトにしてください。",
    },
    # --- POST /leads: authentication ---------------------------------------------------
    "intake.auth.missing": {
        "en": "Not authenticated: sign the request (X-Baton-Timestamp and X-Baton-Signature) or send Authorization: Bearer <token>.",
        "ja": "認証情報がありません。リクエストに署名する（X-Baton-Timestamp と X-Baton-Signature）か、Authorization: Bearer <トークン> を付けてください。",
    },
    "intake.auth.signing_off": {
        "en": "This Baton does not take signed requests (BATON_INTAKE_SECRET is not set): send Authorization: Bearer <token> instead.",
        "ja": "この Baton は署名付きリクエストを受け付けていません（BATON_INTAKE_SECRET が未設定です）。代わりに Authorization: Bearer <トークン> を付けてください。",
    },
    "intake.auth.token_off": {
        "en": "This Baton does not take bearer tokens (BATON_INTAKE_TOKEN is not set): sign the request instead.",
        "ja": "この Baton は Bearer トークンを受け付けていません（BATON_INTAKE_TOKEN が未設定です）。代わりにリクエストに署名してください。",
    },
    "intake.auth.no_timestamp": {
        "en": "The signature came without X-Baton-Timestamp: send both headers.",
        "ja": "X-Baton-Timestamp がないまま署名が送られました。両方のヘッダーを付けてください。",
    },
    "intake.auth.no_signature": {
        "en": "X-Baton-Timestamp came without X-Baton-Signature: send both headers.",
        "ja": "X-Baton-Signature がないまま X-Baton-Timestamp が送られました。両方のヘッダーを付けてください。",
    },
    "intake.auth.bad_timestamp": {
        "en": "X-Baton-Timestamp must be the current time in whole Unix seconds, like 1763700000.",
        "ja": "X-Baton-Timestamp には現在時刻を Unix 秒（整数。例：1763700000）で指定してください。",
    },
    "intake.auth.stale": {
        "en": "The timestamp is stale: {off} seconds away from Baton's clock (at most {limit}). Sign each request as you send it, and check the sender's clock.",
        "ja": "タイムスタンプが古すぎます（Baton の時刻と{off}秒ずれています。許容範囲は{limit}秒です）。送信のたびに署名し直し、送信側の時計も確認してください。",
    },
    "intake.auth.bad_signature": {
        "en": 'The signature is wrong: sign "v1:<timestamp>:<body>" (the exact bytes sent) with HMAC-SHA256 and BATON_INTAKE_SECRET, and send v1=<hex digest>.',
        "ja": "署名が正しくありません。「v1:<タイムスタンプ>:<本文>」（送信する本文そのもの）を BATON_INTAKE_SECRET で HMAC-SHA256 署名し、v1=<16進ダイジェスト> として送ってください。",
    },
    "intake.auth.not_bearer": {
        "en": 'The Authorization header must read "Bearer <token>".',
        "ja": "Authorization ヘッダーは「Bearer <トークン>」の形にしてください。",
    },
    "intake.auth.bad_token": {
        "en": "The bearer token is wrong.",
        "ja": "Bearer トークンが正しくありません。",
    },
    # --- /handoff: the modal and its answers ----------------------------------------------
    "intake.modal.title": {"en": "Hand off a lead", "ja": "リードの引き渡し"},
    "intake.modal.submit": {"en": "Hand off", "ja": "引き渡す"},
    "intake.modal.cancel": {"en": "Cancel", "ja": "キャンセル"},
    "intake.modal.close": {"en": "Close", "ja": "閉じる"},
    "intake.modal.intro": {
        "en": "Sales gets this lead in its channel with a *Claim* button, and the SLA clock starts. Give the name and why it is sales-qualified.",
        "ja": "このリードは *担当する* ボタン付きで営業チャンネルに投稿され、担当決定期限のカウントが始まります。氏名と、SQL と判断した理由を入力してください。",
    },
    "intake.modal.name": {"en": "Name", "ja": "氏名"},
    "intake.modal.name_hint": {"en": "e.g. Aiko Tanaka", "ja": "例：山田 太郎"},
    "intake.modal.email": {"en": "Email", "ja": "メールアドレス"},
    "intake.modal.company": {"en": "Company", "ja": "会社名"},
    "intake.modal.title_field": {"en": "Job title", "ja": "役職"},
    "intake.modal.score": {"en": "Score ({min}–{max})", "ja": "スコア（{min}〜{max}）"},
    "intake.modal.segment": {"en": "Segment", "ja": "セグメント"},
    "intake.modal.segment_pick": {"en": "Choose a segment", "ja": "セグメントを選択"},
    "intake.modal.reason": {
        "en": "Why is this a sales-qualified lead?",
        "ja": "SQL と判断した理由",
    },
    "intake.modal.reason_hint": {
        "en": "e.g. asked for pricing for 40 seats; budget approved for Q1",
        "ja": "例：40ライセンス分の見積もり依頼あり。第1四半期の予算確保済み",
    },
    "intake.modal.notes": {"en": "Notes for sales", "ja": "営業への申し送り"},
    "intake.modal.notes_hint": {
        "en": "Anything that helps the first call",
        "ja": "初回の連絡に役立つ情報があれば記入してください",
    },
    "intake.modal.done_title": {"en": "Lead handed off", "ja": "引き渡しました"},
    "intake.modal.done": {
        "en": "Lead #{lead_id} ({who}) goes to <#{channel}> (route {route}). Its card is being posted now; I'll send you a direct message with the link as soon as it is up.",
        "ja": "リード #{lead_id}（{who}）を <#{channel}>（ルート：{route}）に引き渡しました。カードを投稿中です。投稿され次第、リンクをダイレクトメッセージでお送りします。",
    },
    "intake.modal.duplicate_title": {"en": "Already handed off", "ja": "引き渡し済みです"},
    "intake.modal.duplicate": {
        "en": "Baton already has this lead: #{lead_id} ({who}), handed off {when}, now {status}. Nothing new was posted; I'll send you a direct message with the link to its card.",
        "ja": "このリードはすでに登録されています（リード #{lead_id}：{who}）。{when} に引き渡し済みで、現在のステータスは「{status}」です。新たな投稿は行っていません。カードへのリンクをダイレクトメッセージでお送りします。",
    },
    "intake.not_a_marketer": {
        "en": "Only the marketers listed in Baton's policy can hand off leads. Ask a manager to add you under roles → marketers.",
        "ja": "リードを引き渡せるのは、Baton のポリシーに登録されたマーケティング担当者のみです。roles → marketers への追加をマネージャーに依頼してください。",
    },
    # --- /handoff: the direct message once the card is up -------------------------------------
    "intake.receipt.new_posted": {
        "en": "Your lead #{lead_id} ({who}) is in <#{channel}>: <{permalink}|open the card>. Route: {route}.",
        "ja": "引き渡したリード #{lead_id}（{who}）を <#{channel}>に投稿しました（ルート：{route}）。<{permalink}|カードを開く>",
    },
    "intake.receipt.new_posting": {
        "en": "Your lead #{lead_id} ({who}) is on its way to <#{channel}>; its card is being posted. Route: {route}.",
        "ja": "引き渡したリード #{lead_id}（{who}）を <#{channel}>へ投稿中です（ルート：{route}）。",
    },
    "intake.receipt.duplicate_posted": {
        "en": "Baton already had this lead: #{lead_id} ({who}), now {status}. <{permalink}|Open its card> in <#{channel}>.",
        "ja": "このリードはすでに登録されています（リード #{lead_id}：{who}）。現在のステータスは「{status}」です。<#{channel}>の<{permalink}|カードを開く>",
    },
    "intake.receipt.duplicate_posting": {
        "en": "Baton already had this lead: #{lead_id} ({who}), now {status}, in <#{channel}>.",
        "ja": "このリードはすでに登録されています（リード #{lead_id}：{who}）。現在のステータスは「{status}」で、カードは <#{channel}>に投稿されます。",
    },
    # --- baton import ------------------------------------------------------------------------
    "intake.import.reading": {
        "en": "Reading {path} ({encoding}).",
        "ja": "{path} を読み込みます（文字コード：{encoding}）。",
    },
    "intake.import.columns": {"en": "Columns: {columns}", "ja": "列の対応：{columns}"},
    "intake.import.ignored": {
        "en": "Not imported (no matching field; add --map COLUMN=FIELD or --map COLUMN=fields.KEY): {columns}",
        "ja": "取り込まない列（対応する項目がありません。--map 列名=項目 または --map 列名=fields.キー で指定できます）：{columns}",
    },
    "intake.import.unit": {"en": "rows", "ja": "行"},
    # a rejected row's problems, each named by the file's own column
    "intake.import.problem": {"en": "{column}: {problem}", "ja": "{column}：{problem}"},
    "intake.import.problem_sep": {"en": "; ", "ja": " "},
    "intake.import.row_created": {
        "en": "row {row}: created lead #{lead_id} (route {route})",
        "ja": "{row}行目：リード #{lead_id} を登録しました（ルート：{route}）",
    },
    "intake.import.row_duplicate": {
        "en": "row {row}: duplicate of lead #{lead_id}, not posted again",
        "ja": "{row}行目：リード #{lead_id} と重複しているため、再投稿しませんでした",
    },
    "intake.import.row_rejected": {
        "en": "row {row}: rejected: {reason}",
        "ja": "{row}行目：取り込めませんでした。{reason}",
    },
    "intake.import.row_valid": {
        "en": "row {row}: valid (route {route})",
        "ja": "{row}行目：問題ありません（ルート：{route}）",
    },
    "intake.import.summary": {
        "en": "{total} {total:row|rows}: {created} created, {duplicate} {duplicate:duplicate|duplicates}, {rejected} rejected. Cards are posted by `baton serve` or `baton worker`.",
        "ja": "{total}行：登録{created}件、重複{duplicate}件、取り込み不可{rejected}件。カードは `baton serve` または `baton worker` が投稿します。",
    },
    "intake.import.summary_dry": {
        "en": "{total} {total:row|rows} checked, nothing written (dry run): {valid} valid, {rejected} rejected.",
        "ja": "{total}行を確認しました（ドライランのため何も書き込んでいません）。問題なし{valid}件、取り込み不可{rejected}件。",
    },
    "intake.import.too_many_cells": {
        "en": "the row has {given} values but the header has {expected} {expected:column|columns} (an unquoted comma?)",
        "ja": "ヘッダーは{expected}列ですが、この行には{given}個の値があります（引用符で囲まれていないカンマがありませんか）。",
    },
    "intake.import.no_file": {
        "en": "{path}: no such file.",
        "ja": "ファイル {path} が見つかりません。",
    },
    "intake.import.unreadable": {
        "en": "{path}: cannot be read ({problem}).",
        "ja": "ファイル {path} を読み込めません（{problem}）。",
    },
    "intake.import.unknown_encoding": {
        "en": 'the file is neither UTF-8 nor Shift_JIS. Save it as "CSV UTF-8", or name its encoding with --encoding.',
        "ja": "ファイルの文字コードが UTF-8 でも Shift_JIS でもありません。「CSV UTF-8」形式で保存し直すか、--encoding で文字コードを指定してください。",
    },
    "intake.import.bad_encoding": {
        "en": "the file cannot be read as {encoding}; leave out --encoding to detect UTF-8 or Shift_JIS.",
        "ja": "ファイルを {encoding} として読み込めません。--encoding を省略すると UTF-8 か Shift_JIS を自動判別します。",
    },
    "intake.import.bad_csv": {
        "en": "the file is not valid CSV at line {line}: {problem}",
        "ja": "{line}行目が CSV として正しくありません（{problem}）。",
    },
    "intake.import.no_header": {
        "en": "{path} has no header row; the first row must name the columns.",
        "ja": "{path} にヘッダー行がありません。1行目に列名を入れてください。",
    },
    "intake.import.no_identity": {
        "en": "no column holds a name or an email. Columns found: {headers}. Name one with --map COLUMN=name or --map COLUMN=email.",
        "ja": "氏名またはメールアドレスの列が見つかりません（見つかった列：{headers}）。--map 列名=name または --map 列名=email で指定してください。",
    },
    "intake.import.bad_map": {
        "en": "--map {given}: write it as COLUMN=FIELD, e.g. --map 会社名=company.",
        "ja": "--map {given}：「列名=項目」の形で指定してください（例：--map 会社名=company）。",
    },
    "intake.import.map_unknown_field": {
        "en": '--map: "{field}" is not a field. Use one of {known}, fields.KEY, or - to skip the column.',
        "ja": "--map の「{field}」という項目はありません。{known}、fields.キーのいずれかを指定してください（列を取り込まない場合は「-」）。",
    },
    "intake.import.map_unknown_column": {
        "en": '--map: the file has no column "{column}". Columns: {headers}',
        "ja": "--map の「{column}」という列がファイルにありません（ファイルの列：{headers}）。",
    },
}
