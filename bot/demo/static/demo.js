// `baton demo`: a small Slack client for the demo workspace.
//
// The page shows what one demo person sees (their channels, their DM with Baton, their
// ephemeral messages, their modal, their App Home) and turns their clicks into calls to
// /demo/api/…; the server makes the signed Slack requests to Baton. The server is the
// only source of truth: after anything changes it sends an event and the page re-fetches
// that part, so the page never guesses what Baton did.
//
// Files: api.js (HTTP), i18n.js (labels), mrkdwn.js + dates.js (text), blocks.js (Block
// Kit), messages.js (messages and threads), modal.js (modals and confirm dialogs),
// sidebar.js (navigation), live.js (event stream and polling); this file holds the
// state, navigation, and what each event means.

import { api, ApiError, demoToken, eventsUrl } from "./api.js";
import { h, replace } from "./dom.js";
import { locale, setLocale, t } from "./i18n.js";
import { renderBlocks } from "./blocks.js";
import { renderMessageList, renderThread } from "./messages.js";
import { confirmDialog, handleEscape, showModal } from "./modal.js";
import { dmId, renderSidebarNav, setupPersonSelect } from "./sidebar.js";
import { createLiveUpdates } from "./live.js";

const $ = (id) => document.getElementById(id);

// --- state --------------------------------------------------------------------------------

const state = {
  workspace: null,
  as: null, // the person the page acts as
  open: null, // {kind: "channel" | "dm" | "home", id}
  thread: null, // {conversation, ts} of the open thread
  unread: new Set(), // conversations with news since they were last open
  // Bumped whenever the person or the open conversation changes, so an answer that
  // arrives late for the previous one is dropped instead of drawn.
  generation: 0,
  homeKey: null, // the Home view on screen, as JSON
};
const caches = { conversation: new Map(), thread: { parent: new Map(), replies: new Map() } };

function person() {
  return state.workspace.people.find((p) => p.id === state.as) ?? state.workspace.people[0];
}

/** What mrkdwn needs: names for mentions, and the viewer's time zone for dates. */
function textContext() {
  const { people, channels, bot } = state.workspace;
  return {
    personName: (id) => (id === bot?.id ? bot.name : people.find((p) => p.id === id)?.name ?? null),
    channelName: (id) => channels.find((c) => c.id === id)?.name ?? (id === dmId(state.as) ? bot?.name : null),
    tz: person()?.tz || "UTC",
    locale: locale(),
  };
}

/** The renderer context shared by messages, Home and modals (see blocks.js). */
function blockContext() {
  const text = textContext();
  return {
    text,
    people: state.workspace.people,
    channels: state.workspace.channels,
    labels: {
      select: t("select.placeholder"),
      selectUser: t("select.user_placeholder"),
      selectChannel: t("select.channel_placeholder"),
      overflow: t("select.overflow"),
      optional: t("modal.optional"),
    },
    confirm: (confirm) => confirmDialog(confirm, { text }),
    onAction: async () => {},
  };
}

function author(userId) {
  const { people, bot } = state.workspace;
  if (bot && userId === bot.id) return { name: bot.name, isBot: true };
  const found = people.find((p) => p.id === userId);
  return { name: found?.name ?? userId ?? t("unknown.person"), isBot: false };
}

function conversationLabel(id) {
  const channel = state.workspace.channels.find((c) => c.id === id);
  return channel ? `# ${channel.name}` : state.workspace.bot?.name ?? "Baton";
}

// --- the banner (errors and short notices) ------------------------------------------------

let bannerTimer = null;

/** One message at a time, just above the message box; errors stay longer than notices. */
function showBanner(message, kind = "error") {
  clearTimeout(bannerTimer);
  const root = $("banner-root");
  const network = message === t("error.network");
  replace(root, h("div", { class: `banner banner-${kind}`, role: kind === "error" ? "alert" : "status", "data-demo": "banner", "data-kind": kind, "data-network": network },
    h("span", { class: "banner-text" }, message),
    h("button", { type: "button", class: "icon-button", "aria-label": t("banner.dismiss"), title: t("banner.dismiss"), onclick: () => root.replaceChildren() }, "×")));
  bannerTimer = setTimeout(() => root.replaceChildren(), kind === "error" ? 10000 : 5000);
}

/** Run an API call; a failure becomes a banner (never an exception in the console's face). */
async function attempt(call) {
  try {
    return await call();
  } catch (error) {
    showBanner(error instanceof ApiError ? error.message : t("error.generic", { status: "?" }));
    if (!(error instanceof ApiError)) console.error(error);
    return null;
  }
}

// --- fetching and drawing -----------------------------------------------------------------

/** Wrap a refresh so bursts of events cause one request at a time, plus one more at the end. */
function coalesced(task) {
  let running = null;
  let again = false;
  const run = () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await task();
      } while (again);
    })().finally(() => { running = null; });
    return running;
  };
  return run;
}

/** Keep the view pinned to the newest message unless the person scrolled up to read. */
function keepScroll(scroller, draw, { toBottom = false } = {}) {
  const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 60;
  const top = scroller.scrollTop;
  draw();
  scroller.scrollTop = atBottom || toBottom ? scroller.scrollHeight : top;
}

const refreshConversation = coalesced(async () => {
  const open = state.open;
  if (!open || open.kind === "home") return;
  const generation = state.generation;
  const data = await attempt(() => api.conversation(state.as, open.id));
  if (!data || generation !== state.generation) return;
  const firstDraw = caches.conversation.size === 0;
  const ctx = messageContext(open.id);
  keepScroll($("conversation"), () => {
    const count = renderMessageList($("messages"), data.messages, ctx, caches.conversation);
    if (!count) $("messages").append(h("div", { class: "empty" }, t("message.empty")));
  }, { toBottom: firstDraw });
});

const refreshThread = coalesced(async () => {
  const thread = state.thread;
  if (!thread) return;
  const as = state.as;
  const data = await attempt(() => api.thread(as, thread.conversation, thread.ts));
  if (!data || as !== state.as || state.thread !== thread) return;
  const firstDraw = caches.thread.parent.size === 0;
  keepScroll($("thread-body"), () => renderThread($("thread-body"), data, messageContext(thread.conversation), caches.thread), { toBottom: firstDraw });
});

const refreshHome = coalesced(async () => {
  if (state.open?.kind !== "home") return;
  const generation = state.generation;
  const data = await attempt(() => api.home(state.as));
  if (!data || generation !== state.generation) return;
  const view = data.view;
  // Polling asks every second: leave an unchanged Home alone (focus, open selects).
  const key = JSON.stringify(view ?? null);
  if (key === state.homeKey) return;
  state.homeKey = key;
  const body = $("home-body");
  if (!view) {
    replace(body, h("div", { class: "empty" }, t("home.empty")));
    return;
  }
  const ctx = {
    ...blockContext(),
    onAction: (action) => sendAction({ conversation: null, message_ts: null, view_id: view.id ?? null, action }),
  };
  const top = $("home").scrollTop;
  replace(body, h("div", { class: "home-view", "data-view-id": view.id ?? "" }, renderBlocks(view.blocks, ctx)));
  $("home").scrollTop = top;
});

const refreshModal = coalesced(async () => {
  // Only a person switch makes the answer stale; opening a channel meanwhile does not.
  const as = state.as;
  const data = await attempt(() => api.modal(as));
  if (!data || as !== state.as) return;
  showModal(data.view ?? null, {
    ctx: blockContext(),
    onAction: (viewId, action) => sendAction({ conversation: null, message_ts: null, view_id: viewId, action }),
    onSubmit: submitModal,
    onClose: closeModal,
  });
});

function refreshAll() {
  if (state.open?.kind === "home") refreshHome();
  else refreshConversation();
  if (state.thread) refreshThread();
  refreshModal();
}

function messageContext(conversationId) {
  return {
    ...blockContext(),
    conversationId,
    author,
    sendAction,
    openThread: (ts) => openThread(conversationId, ts),
  };
}

// --- acting ---------------------------------------------------------------------------------

/** A click in a message, Home or a modal: the contract's POST /demo/api/action. */
async function sendAction({ conversation, message_ts, view_id, action }) {
  const body = { as: state.as, conversation, message_ts, action };
  if (view_id) body.view_id = view_id;
  await attempt(() => api.action(body));
  // What changed arrives as events; without the stream, the poller picks it up.
}

async function submitModal(viewId, values) {
  const answer = await attempt(() => api.submit(state.as, viewId, values));
  if (answer && answer.ok !== false) refreshModal();
  return answer;
}

async function closeModal(viewId) {
  await attempt(() => api.close(state.as, viewId));
  refreshModal();
}

async function runComposer() {
  const box = $("message-box");
  const text = box.value.trim();
  if (!text || !state.open || state.open.kind === "home") return;
  if (!text.startsWith("/")) {
    // The demo has no chatting: say so here instead of sending text nobody can read.
    showBanner(t("composer.not_a_command"), "info");
    return;
  }
  box.disabled = true;
  const answer = await attempt(() => api.command(state.as, state.open.id, text));
  box.disabled = false;
  if (answer) {
    box.value = "";
    box.style.height = "";
  }
  box.focus();
}

async function runDemoButton(button, call, doneKey) {
  button.disabled = true;
  const answer = await attempt(call);
  button.disabled = false;
  if (answer) showBanner(t(doneKey), "info");
  return answer;
}

// --- navigation -----------------------------------------------------------------------------

function saveLocation() {
  const params = new URLSearchParams({ as: state.as, open: state.open.kind === "home" ? "home" : state.open.id });
  history.replaceState(null, "", `#${params}`);
  document.body.dataset.as = state.as;
  document.body.dataset.open = state.open.kind === "home" ? "home" : state.open.id;
}

function drawSidebar() {
  renderSidebarNav($("sidebar-nav"), state, open);
}

function drawMainHeader() {
  const header = $("main-header");
  const { kind, id } = state.open;
  const liveNote = h("span", { class: "live-status", "data-demo": "live-status", title: t("live.polling") }, t("live.polling"));
  if (kind === "channel") {
    replace(header, h("div", { class: "pane-title" }, conversationLabel(id)), liveNote);
    return;
  }
  // The DM and Home are two tabs of the Baton app, as in Slack.
  const tab = (name, target, label) => h("button", {
    type: "button", class: `tab${kind === target.kind ? " active" : ""}`, "data-tab": name,
    "aria-selected": String(kind === target.kind), onclick: () => open(target),
  }, label);
  replace(header,
    h("div", { class: "pane-title" }, state.workspace.bot?.name ?? "Baton", h("span", { class: "app-badge" }, t("app.badge"))),
    h("div", { class: "tabs", role: "tablist" },
      tab("home", { kind: "home", id: "home" }, t("app.tab.home")),
      tab("messages", { kind: "dm", id: dmId(state.as) }, t("app.tab.messages"))),
    liveNote);
}

/** Open a channel, the DM, or Home. */
function open(target) {
  state.open = target;
  state.generation += 1;
  caches.conversation.clear();
  state.unread.delete(target.id);
  const isHome = target.kind === "home";
  $("conversation").hidden = isHome;
  $("home").hidden = !isHome;
  $("composer").hidden = isHome;
  $("messages").replaceChildren();
  $("message-box").placeholder = t("composer.placeholder", { where: conversationLabel(target.id).replace("# ", "#") });
  if (state.thread && state.thread.conversation !== target.id) closeThread();
  drawSidebar();
  drawMainHeader();
  saveLocation();
  if (isHome) {
    replace($("home-body"));
    state.homeKey = null;
    // Opening the tab is what makes Baton publish the Home view (app_home_opened).
    attempt(() => api.homeOpened(state.as)).then(refreshHome);
    refreshHome();
  } else {
    refreshConversation();
  }
}

function openThread(conversation, ts) {
  state.thread = { conversation, ts };
  caches.thread.parent.clear();
  caches.thread.replies.clear();
  $("thread").hidden = false;
  replace($("thread-header"),
    h("div", { class: "pane-title" }, t("thread.title"), h("span", { class: "pane-subtitle" }, conversationLabel(conversation))),
    h("button", { type: "button", class: "icon-button", "data-demo": "thread-close", "aria-label": t("thread.close"), title: t("thread.close"), onclick: closeThread }, "×"));
  $("thread-body").replaceChildren();
  document.body.dataset.thread = ts;
  refreshThread();
}

function closeThread() {
  state.thread = null;
  $("thread").hidden = true;
  $("thread-body").replaceChildren();
  delete document.body.dataset.thread;
}

/** Be someone else: everything is re-fetched as that person (DM, ephemerals, modal, Home). */
function switchPerson(userId) {
  if (!state.workspace.people.some((p) => p.id === userId)) return;
  state.as = userId;
  $("person-select").value = userId;
  state.unread.clear();
  $("banner-root").replaceChildren();
  closeThread();
  showModal(null);
  const target = state.open?.kind === "dm" ? { kind: "dm", id: dmId(userId) } : state.open;
  open(target);
  live.connect();
  refreshModal();
}

// --- live updates (see live.js) -----------------------------------------------------------

const live = createLiveUpdates({
  url: () => eventsUrl(state.as),
  onEvent: handleEvent,
  refresh: refreshAll,
  setMode: (mode) => {
    document.body.dataset.live = mode;
    // The server is back: its "cannot reach" banner is no longer true.
    if (mode === "stream") $("banner-root").querySelector("[data-network]")?.remove();
  },
});

/** What one event means for the screen: re-fetch what it names, or mark a conversation unread. */
function handleEvent(event) {
  if (!event || typeof event !== "object") return;
  // The stream may carry everyone's changes; `user` names the one person a modal, Home
  // or ephemeral message is for, so other people's are not ours to show.
  const forSomeoneElse = Boolean(event.user) && event.user !== state.as;
  if (forSomeoneElse) return;
  if (event.kind === "modal") return void refreshModal();
  if (event.kind === "home") {
    if (state.open?.kind === "home") refreshHome();
    return;
  }
  if (event.kind === "message") {
    const { conversation, ts } = event;
    const threadTs = event.thread_ts ?? null;
    const isOpen = state.open && state.open.kind !== "home" && state.open.id === conversation;
    // A reply changes the parent's reply count too, so the list is re-fetched either way.
    if (isOpen) refreshConversation();
    if (state.thread && state.thread.conversation === conversation && (threadTs === state.thread.ts || ts === state.thread.ts)) {
      refreshThread();
    }
    if (!isOpen && !threadTs && conversation) {
      state.unread.add(conversation);
      drawSidebar();
    }
    return;
  }
  refreshAll(); // an event kind this page does not know: re-fetch everything
}

// --- start ----------------------------------------------------------------------------------

function readLocation() {
  const params = new URLSearchParams(window.location.hash.slice(1));
  return { as: params.get("as"), open: params.get("open") };
}

function initialTarget(openId) {
  const { channels } = state.workspace;
  if (openId === "home") return { kind: "home", id: "home" };
  if (openId && openId === dmId(state.as)) return { kind: "dm", id: openId };
  if (openId && channels.some((c) => c.id === openId)) return { kind: "channel", id: openId };
  return channels.length ? { kind: "channel", id: channels[0].id } : { kind: "dm", id: dmId(state.as) };
}

function drawChrome() {
  document.title = state.workspace.name || "Baton demo";
  $("workspace-name").textContent = state.workspace.name || "Baton demo";
  $("you-are-label").textContent = t("sidebar.you_are");
  $("demo-heading").textContent = t("sidebar.demo");
  $("sample-lead-button").textContent = t("demo.sample_lead");
  $("weekly-report-button").textContent = t("demo.weekly_report");
  $("sidebar-nav").setAttribute("aria-label", t("sidebar.channels"));
}

function wireControls() {
  $("sample-lead-button").addEventListener("click", async (e) => {
    const answer = await runDemoButton(e.currentTarget, api.sampleLead, "demo.sample_lead_done");
    // Show the channel the lead's card goes to (its route's), where it appears next.
    const channel = answer && answer.lead && answer.lead.channel;
    if (channel && state.workspace.channels.some((c) => c.id === channel)) {
      open({ kind: "channel", id: channel });
    }
  });
  $("weekly-report-button").addEventListener("click", (e) => runDemoButton(e.currentTarget, api.weeklyReport, "demo.weekly_report_done"));
  $("message-box").addEventListener("input", (event) => {
    // Grow with Shift+Enter lines, up to the CSS max-height.
    const box = event.currentTarget;
    box.style.height = "auto";
    box.style.height = `${box.scrollHeight + 2}px`;
  });
  $("message-box").addEventListener("keydown", (event) => {
    // Enter runs the command; Shift+Enter is a new line; Enter that confirms a Japanese
    // IME conversion (isComposing / keyCode 229) must not send half-typed text.
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    runComposer();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && handleEscape(closeModal)) event.preventDefault();
  });
}

async function boot() {
  wireControls();
  if (!demoToken()) {
    showBanner(t("error.no_token"));
    return;
  }
  let workspace = await attempt(api.workspace);
  while (!workspace) {
    // Opened before the server was ready (or while it restarts): keep trying.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    workspace = await attempt(api.workspace);
  }
  workspace.people = Array.isArray(workspace.people) ? workspace.people : [];
  workspace.channels = Array.isArray(workspace.channels) ? workspace.channels : [];
  state.workspace = workspace;
  setLocale(workspace.locale);
  drawChrome();

  const saved = readLocation();
  state.as = workspace.people.some((p) => p.id === saved.as) ? saved.as : workspace.people[0]?.id ?? null;
  if (!state.as) return showBanner(t("unknown.person"));
  setupPersonSelect($("person-select"), workspace.people, switchPerson);
  $("person-select").value = state.as;
  open(initialTarget(saved.open));
  live.connect();
  refreshModal();
}

boot();
