// Slack's mrkdwn, turned into DOM nodes.
//
// Baton escapes user data (`&`, `<`, `>` become entities) and uses the rest of mrkdwn
// for its own formatting, so the rules below are the ones Slack applies to bot text:
// ```pre```, `code`, *bold*, _italic_, ~strike~, `>` quotes, <links|label>, <@U…>
// mentions, <#C…> channels, <!date^…> dates in the reader's time zone, entities and
// line breaks. Anything the parser does not understand is shown as plain text: a
// message must never break the page.

import { h } from "./dom.js";
import { formatSlackDate } from "./dates.js";

// Placeholders for atomic pieces (code spans, <…> tokens) while emphasis is parsed.
// Private-use characters cannot appear in Baton's text in a way that matters here.
const OPEN = "\uE000";
const CLOSE = "\uE001";
const PLACEHOLDER = /\uE000(\d+)\uE001/g;

// Emphasis needs a non-word character (or the edge) on the outside and no space on the
// inside, as in Slack; "word" means ASCII letters and digits so `snake_case_ids` stay
// plain while Japanese text right next to `*…*` still works.
const EMPHASIS = [
  { tag: "b", re: /(^|[^A-Za-z0-9*])\*(?=\S)([^*\n]*?\S)\*(?![A-Za-z0-9*])/ },
  { tag: "i", re: /(^|[^A-Za-z0-9_])_(?=\S)([^_\n]*?\S)_(?![A-Za-z0-9_])/ },
  { tag: "s", re: /(^|[^A-Za-z0-9~])~(?=\S)([^~\n]*?\S)~(?![A-Za-z0-9~])/ },
];

// The shortcodes Baton's messages use, plus a few common ones; others stay as text.
const EMOJI = {
  warning: "⚠️", rotating_light: "🚨", white_check_mark: "✅", x: "❌", tada: "🎉",
  wave: "👋", eyes: "👀", hourglass: "⌛", hourglass_flowing_sand: "⏳", calendar: "📆",
  date: "📅", phone: "📞", telephone_receiver: "📞", trophy: "🏆", no_entry_sign: "🚫",
  leftwards_arrow_with_hook: "↩️", raising_hand: "🙋", bell: "🔔", memo: "📝",
  bar_chart: "📊", chart_with_upwards_trend: "📈", fire: "🔥", star: "⭐", zzz: "💤",
  heavy_check_mark: "✔️", information_source: "ℹ️", point_right: "👉", clock1: "🕐",
  alarm_clock: "⏰", inbox_tray: "📥", outbox_tray: "📤", bust_in_silhouette: "👤",
  busts_in_silhouette: "👥", sparkles: "✨", thumbsup: "👍", "+1": "👍", mag: "🔍",
};

/** Decode the three entities Slack uses; `&amp;` last so `&amp;lt;` stays `&lt;`. */
export function decodeEntities(text) {
  return String(text).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/**
 * `text` (mrkdwn) as a DocumentFragment.
 * `ctx`: {personName(id) → string|null, channelName(id) → string|null, tz, locale}.
 */
export function renderMrkdwn(text, ctx) {
  const fragment = document.createDocumentFragment();
  try {
    appendBlocks(fragment, String(text ?? ""), ctx);
  } catch (error) {
    // Never let odd input take the message down: show it as it came.
    console.warn("mrkdwn", error);
    fragment.replaceChildren(document.createTextNode(String(text ?? "")));
  }
  return fragment;
}

/** Plain text (plain_text objects): entities decoded, line breaks kept, nothing else. */
export function renderPlain(text, { emoji = true } = {}) {
  const fragment = document.createDocumentFragment();
  appendText(fragment, String(text ?? ""), emoji, false);
  return fragment;
}

// --- block level: ```pre``` fences and > quotes -------------------------------------

function appendBlocks(parent, text, ctx) {
  const fence = /```([\s\S]*?)```/g;
  let last = 0;
  for (const match of text.matchAll(fence)) {
    appendQuotes(parent, trimNewlines(text.slice(last, match.index), "end"), ctx);
    parent.append(h("pre", { class: "mrkdwn-pre" }, decodeEntities(trimNewlines(match[1], "both"))));
    last = match.index + match[0].length;
  }
  appendQuotes(parent, trimNewlines(text.slice(last), last ? "start" : "none"), ctx);
}

function trimNewlines(text, where) {
  let out = text;
  if (where === "start" || where === "both") out = out.replace(/^\n/, "");
  if (where === "end" || where === "both") out = out.replace(/\n$/, "");
  return out;
}

function appendQuotes(parent, text, ctx) {
  if (!text) return;
  // `>>>` quotes everything after it; `>` quotes its own line. A literal ">" only
  // reaches us for Baton's own quotes, since user text arrives as `&gt;`.
  const rest = text.indexOf(">>>");
  if (rest !== -1 && (rest === 0 || text[rest - 1] === "\n")) {
    appendQuotes(parent, trimNewlines(text.slice(0, rest), "end"), ctx);
    const quote = h("blockquote", { class: "mrkdwn-quote" });
    appendInline(quote, text.slice(rest + 3).replace(/^ /, ""), ctx);
    parent.append(quote);
    return;
  }
  const lines = text.split("\n");
  let plain = [];
  let quoted = [];
  const flushPlain = () => {
    if (plain.length) appendInline(parent, plain.join("\n"), ctx);
    plain = [];
  };
  const flushQuote = () => {
    if (!quoted.length) return;
    const quote = h("blockquote", { class: "mrkdwn-quote" });
    appendInline(quote, quoted.join("\n"), ctx);
    parent.append(quote);
    quoted = [];
  };
  for (const line of lines) {
    if (line.startsWith(">")) {
      flushPlain();
      quoted.push(line.slice(1).replace(/^ /, ""));
    } else {
      flushQuote();
      plain.push(line);
    }
  }
  flushPlain();
  flushQuote();
}

// --- inline: code, <…> tokens, emphasis -------------------------------------------------

function appendInline(parent, text, ctx) {
  const atoms = [];
  const keep = (node) => `${OPEN}${atoms.push(node) - 1}${CLOSE}`;
  let prepared = text.replace(/`([^`\n]+)`/g, (_, code) =>
    keep(h("code", { class: "mrkdwn-code" }, decodeEntities(code))),
  );
  prepared = prepared.replace(/<([^<>\n]+)>/g, (whole, inner) => keep(renderToken(inner, whole, ctx)));
  appendEmphasis(parent, prepared, atoms);
}

function appendEmphasis(parent, text, atoms) {
  let rest = text;
  while (rest) {
    let best = null;
    for (const rule of EMPHASIS) {
      const match = rule.re.exec(rest);
      if (match && (!best || match.index + match[1].length < best.start)) {
        best = { rule, match, start: match.index + match[1].length };
      }
    }
    if (!best) break;
    appendWithAtoms(parent, rest.slice(0, best.start), atoms);
    const el = h(best.rule.tag);
    appendEmphasis(el, best.match[2], atoms);
    parent.append(el);
    rest = rest.slice(best.match.index + best.match[0].length);
  }
  appendWithAtoms(parent, rest, atoms);
}

function appendWithAtoms(parent, text, atoms) {
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    appendText(parent, text.slice(last, match.index), true, true);
    const atom = atoms[Number(match[1])];
    // An atom is used once; a clone keeps it safe if emphasis ever duplicated text.
    parent.append(atom.isConnected ? atom.cloneNode(true) : atom);
    last = match.index + match[0].length;
  }
  appendText(parent, text.slice(last), true, true);
}

function appendText(parent, text, emoji, decode) {
  if (!text) return;
  let value = decode ? decodeEntities(text) : text;
  if (emoji) value = value.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] ?? whole);
  value.split("\n").forEach((line, index) => {
    if (index > 0) parent.append(h("br"));
    if (line) parent.append(document.createTextNode(line));
  });
}

// --- <…> tokens: links, mentions, channels, dates ---------------------------------------

function renderToken(inner, whole, ctx) {
  const bar = inner.indexOf("|");
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? null : decodeEntities(inner.slice(bar + 1));

  if (target.startsWith("@")) {
    const id = target.slice(1);
    const name = ctx.personName?.(id) ?? label ?? id;
    return h("span", { class: "mention", "data-user-id": id }, `@${name}`);
  }
  if (target.startsWith("#")) {
    const id = target.slice(1);
    const name = ctx.channelName?.(id) ?? label ?? id;
    return h("span", { class: "channel-mention", "data-channel-id": id }, `#${name}`);
  }
  if (target.startsWith("!date^")) {
    return renderDate(target, label, ctx);
  }
  if (target.startsWith("!")) {
    // <!here>, <!channel>, <!everyone>, <!subteam^S…|@team>
    const special = target.slice(1).split("^")[0];
    return h("span", { class: "mention" }, label ?? `@${special}`);
  }
  if (/^(https?:|mailto:)/i.test(target)) {
    const href = decodeEntities(target);
    const shown = label ?? href.replace(/^mailto:/i, "");
    return h("a", { href, target: "_blank", rel: "noopener noreferrer" }, shown);
  }
  // Not a token Slack would format: show it as written.
  return document.createTextNode(decodeEntities(whole));
}

function renderDate(target, fallback, ctx) {
  // !date^<unix seconds>^<format>[^<link>]
  const [, seconds, format = "{date_short} {time}", link] = target.split("^");
  const shown = formatSlackDate(Number(seconds), format, { tz: ctx.tz, locale: ctx.locale }) ?? fallback ?? seconds;
  const attrs = { class: "slack-date", "data-epoch": seconds, title: fallback ?? "" };
  if (link && /^https?:/i.test(link)) {
    return h("a", { ...attrs, href: link, target: "_blank", rel: "noopener noreferrer" }, shown);
  }
  return h("time", attrs, shown);
}
