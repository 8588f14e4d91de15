// Messages: one message (author, time, blocks, notes), a conversation's list of them,
// and the thread pane.
//
// A list is re-rendered from the server's answer each time, but a message whose JSON did
// not change keeps its DOM node. That keeps scroll position and focus stable, and an
// edited message (chat.update) is swapped in place under the same `data-ts`.

import { h, colourFor, initials } from "./dom.js";
import { t, replies } from "./i18n.js";
import { renderBlocks } from "./blocks.js";
import { renderMrkdwn } from "./mrkdwn.js";
import { clockTime, daysFromToday, formatSlackDate, tsToDate } from "./dates.js";

/**
 * ctx (shared by every message of one render): the block ctx (see blocks.js) plus
 *   author(userId) → {name, isBot}, conversationId,
 *   sendAction({conversation, message_ts, action}) → Promise, openThread(ts).
 */
export function renderMessage(message, ctx, { inThread = false } = {}) {
  const author = ctx.author(message.user);
  const when = tsToDate(message.ts);
  const { tz, locale } = ctx.text;

  const blockCtx = {
    ...ctx,
    // A click in this message: the contract's /demo/api/action body.
    onAction: (action) => ctx.sendAction({ conversation: ctx.conversationId, message_ts: message.ts, action }),
  };

  const header = h("div", { class: "message-header" },
    h("span", { class: "message-author" }, author.name),
    author.isBot ? h("span", { class: "app-badge" }, t("app.badge")) : null,
    h("time", { class: "message-time", datetime: when.toISOString(), title: safeDate(message.ts, "{date_long} {time_secs}", ctx.text) },
      safeTime(when, tz, locale)),
    message.edited ? h("span", { class: "message-edited" }, t("message.edited")) : null,
  );

  const body = h("div", { class: "message-body" });
  const hasBlocks = Array.isArray(message.blocks) && message.blocks.length > 0;
  // Slack shows the blocks when there are any; `text` is only the notification fallback.
  if (hasBlocks) body.append(...renderBlocks(message.blocks, blockCtx));
  else body.append(h("div", { class: "message-text" }, renderMrkdwn(message.text ?? "", ctx.text)));

  const main = h("div", { class: "message-main" });
  if (message.ephemeral) {
    main.append(h("div", { class: "ephemeral-note", "data-demo": "ephemeral-note" },
      h("span", { class: "ephemeral-eye", "aria-hidden": "true" }, "👁"), " ", t("message.only_visible")));
  }
  main.append(header, body);

  const count = Number(message.reply_count) || 0;
  if (!inThread && count > 0) {
    const latest = message.latest_reply ? tsToDate(message.latest_reply) : null;
    main.append(
      h("button", { type: "button", class: "thread-link", "data-demo": "thread-link", onclick: () => ctx.openThread(message.ts) },
        h("span", { class: "thread-link-count" }, replies(count)),
        latest ? h("span", { class: "thread-link-latest" }, safeTime(latest, tz, locale)) : null,
        h("span", { class: "thread-link-open" }, t("message.reply"), " ›")),
    );
  }

  return h("div", {
    class: `message${message.ephemeral ? " message-ephemeral" : ""}${author.isBot ? " message-bot" : ""}`,
    "data-ts": message.ts,
    "data-user": message.user ?? "",
  }, avatar(message.user, author), main);
}

function avatar(userId, author) {
  const style = `background:${author.isBot ? "#4a154b" : colourFor(userId)}`;
  return h("div", { class: "avatar", style, "aria-hidden": "true" }, author.isBot ? "B" : initials(author.name));
}

function safeTime(date, tz, locale) {
  try {
    return clockTime(date, tz, locale);
  } catch {
    return date.toISOString().slice(11, 16);
  }
}

function safeDate(ts, format, text) {
  return formatSlackDate(Number.parseFloat(ts), format, text) ?? "";
}

/**
 * Fill `container` with `messages` (oldest first) and day dividers, reusing unchanged
 * message nodes from `cache` (Map ts → {key, node}), which is updated in place.
 */
export function renderMessageList(container, messages, ctx, cache, { inThread = false } = {}) {
  const seen = new Set();
  const children = [];
  let messageCount = 0;
  let lastDay = null;
  for (const message of Array.isArray(messages) ? messages : []) {
    if (!message || typeof message.ts !== "string") continue;
    const day = dayLabel(message.ts, ctx.text);
    if (day !== lastDay && !inThread) {
      const dayKey = `day:${day}`;
      if (!cache.has(dayKey)) cache.set(dayKey, { key: day, node: h("div", { class: "day-divider" }, h("span", {}, day)) });
      seen.add(dayKey);
      children.push(cache.get(dayKey).node);
      lastDay = day;
    }
    const key = JSON.stringify(message);
    let entry = cache.get(message.ts);
    if (!entry || entry.key !== key) {
      let node;
      try {
        node = renderMessage(message, ctx, { inThread });
      } catch (error) {
        console.warn("message", message.ts, error);
        node = h("div", { class: "message", "data-ts": message.ts }, h("div", { class: "unsupported" }, "[unsupported message]"));
      }
      entry = { key, node };
      cache.set(message.ts, entry);
    }
    seen.add(message.ts);
    children.push(entry.node);
    messageCount += 1;
  }
  for (const key of [...cache.keys()]) if (!seen.has(key)) cache.delete(key);
  // Touch the DOM only when something changed: moving a node blurs it, which would close
  // a select the person has open while the page polls.
  const current = container.children;
  const same = current.length === children.length && children.every((node, i) => current[i] === node);
  if (!same) container.replaceChildren(...children);
  return messageCount;
}

function dayLabel(ts, text) {
  const date = tsToDate(ts);
  try {
    const days = daysFromToday(date, text.tz);
    const format = Math.abs(days) <= 1 ? "{date_pretty}" : "{date_long}";
    return formatSlackDate(date.getTime() / 1000, format, text) ?? "";
  } catch {
    return "";
  }
}

/**
 * The thread pane's messages: the parent, a "N replies" rule, then the replies.
 * cache: {parent: Map, replies: Map, nodes?}; the containers are kept in `cache.nodes`
 * so a refresh that changed nothing leaves the DOM alone.
 */
export function renderThread(body, thread, ctx, cache) {
  const messages = Array.isArray(thread?.messages) ? thread.messages : [];
  const [parent, ...rest] = messages;
  if (!cache.nodes || !body.contains(cache.nodes.parentList)) {
    cache.nodes = {
      parentList: h("div", { class: "thread-parent" }),
      rule: h("div", { class: "thread-count" }, h("span", {})),
      replyList: h("div", { class: "thread-replies" }),
    };
    body.replaceChildren(cache.nodes.parentList, cache.nodes.rule, cache.nodes.replyList);
  }
  const { parentList, rule, replyList } = cache.nodes;
  renderMessageList(parentList, parent ? [parent] : [], ctx, cache.parent, { inThread: true });
  renderMessageList(replyList, rest, ctx, cache.replies, { inThread: true });
  rule.hidden = rest.length === 0;
  rule.firstChild.textContent = replies(rest.length);
}
