// The left sidebar: the person switcher, channels, the current person's DM with Baton,
// Baton's App Home, and the two demo buttons.
//
// Test hooks: `select[name="as"]`, `[data-nav="channel"][data-id="C…"]`,
// `[data-nav="dm"]` (data-id "D" + user id), `[data-nav="home"]`,
// `[data-demo="sample-lead"]`, `[data-demo="weekly-report"]`. The item on screen has
// `aria-current="page"`; a conversation with news has the class `unread`.

import { h } from "./dom.js";
import { t } from "./i18n.js";

/** Fill the person switcher once; `onSwitch(userId)` runs when it changes. */
export function setupPersonSelect(select, people, onSwitch) {
  select.replaceChildren(
    ...people.map((person) =>
      h("option", { value: person.id }, person.title ? `${person.name} — ${person.title}` : person.name)),
  );
  select.addEventListener("change", () => onSwitch(select.value));
}

/** The DM id of person `userId` with Baton (the contract: "D" + user id). */
export function dmId(userId) {
  return `D${userId}`;
}

/**
 * Re-draw the conversation list. state: {workspace, as, open: {kind, id}, unread: Set};
 * onOpen({kind, id}) navigates.
 */
export function renderSidebarNav(nav, state, onOpen) {
  const item = (kind, id, icon, label) => {
    const active = state.open && state.open.kind === kind && (kind === "home" || state.open.id === id);
    return h("button", {
      type: "button",
      class: `sidebar-item${active ? " active" : ""}${state.unread.has(id) ? " unread" : ""}`,
      "data-nav": kind,
      "data-id": id,
      "aria-current": active ? "page" : null,
      onclick: () => onOpen({ kind, id }),
    }, h("span", { class: "sidebar-icon", "aria-hidden": "true" }, icon), h("span", { class: "sidebar-label" }, label));
  };
  const bot = state.workspace.bot || { name: "Baton" };
  nav.replaceChildren(
    h("div", { class: "sidebar-section" },
      h("div", { class: "sidebar-heading" }, t("sidebar.channels")),
      (state.workspace.channels || []).map((c) => item("channel", c.id, "#", c.name))),
    h("div", { class: "sidebar-section" },
      h("div", { class: "sidebar-heading" }, t("sidebar.direct_messages")),
      item("dm", dmId(state.as), h("span", { class: "mini-avatar" }, "B"), bot.name)),
    h("div", { class: "sidebar-section" },
      h("div", { class: "sidebar-heading" }, t("sidebar.apps")),
      item("home", "home", "⌂", t("sidebar.home_item", { bot: bot.name }))),
  );
}
