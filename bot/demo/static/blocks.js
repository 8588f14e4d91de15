// Block Kit → DOM, for messages, App Home and modals.
//
// Only what Baton sends is drawn in detail (see the contract); anything else becomes a
// small grey "[unsupported block: type]" so a new block type can never break the page.
//
// Stable hooks for browser tests: every block wrapper is `.block[data-block-id]`, and
// every interactive element carries `data-action-id`, `data-value` (a button's value,
// or the element's action id) and `data-block-id`.
//
// The renderer never talks to the server. Interactions go through the caller's
// `ctx.onAction(payload)` (a click in a message, Home or modal), `ctx.confirm(confirm)`
// (a button's confirm dialog), and input elements are registered in `ctx.inputs` so a
// modal can read them in Slack's `view.state.values` shape.
//
// ctx = {
//   text: {personName, channelName, tz, locale},   // for mrkdwn
//   people: [{id, name, …}], channels: [{id, name}],
//   onAction(payload) → Promise, confirm(confirmObject) → Promise<boolean>,
//   inputs: [] | undefined,                         // filled for modals
//   labels: {select, selectUser, selectChannel, overflow, optional},
// }

import { h } from "./dom.js";
import { renderMrkdwn, renderPlain } from "./mrkdwn.js";

let uniqueCounter = 0; // radio groups need page-unique `name`s

/** A text object (plain_text or mrkdwn, or a bare string) as DOM. */
export function renderText(object, ctx) {
  if (object === null || object === undefined) return document.createDocumentFragment();
  if (typeof object === "string") return renderPlain(object);
  if (object.type === "mrkdwn") return renderMrkdwn(object.text, ctx.text);
  return renderPlain(object.text, { emoji: object.emoji !== false });
}

/** A text object's bare text (for <option> labels, aria-labels, titles). */
export function textOf(object) {
  if (!object) return "";
  return typeof object === "string" ? object : String(object.text ?? "");
}

function unsupported(kind, type) {
  return h("div", { class: "unsupported" }, `[unsupported ${kind}: ${type ?? "?"}]`);
}

/** All `blocks` as an array of nodes; each block is rendered on its own so one bad block stays local. */
export function renderBlocks(blocks, ctx) {
  if (!Array.isArray(blocks)) return [];
  return blocks.map((block, index) => {
    const type = block && typeof block === "object" ? block.type : typeof block;
    try {
      return renderBlock(block, index, ctx);
    } catch (error) {
      console.warn("block", type, error);
      return unsupported("block", type);
    }
  });
}

const BLOCKS = {
  header: renderHeader,
  section: renderSection,
  context: renderContext,
  actions: renderActions,
  divider: () => [h("hr", { class: "divider" })],
  image: renderImageBlock,
  input: renderInput,
};

function renderBlock(block, index, ctx) {
  const render = BLOCKS[block?.type];
  if (!render) return unsupported("block", block?.type);
  // Slack makes up a block_id when a block has none; a stable one keeps hooks usable.
  const blockId = block.block_id ?? `block-${index}`;
  const wrapper = h("div", { class: `block block-${block.type}`, "data-block-id": blockId });
  wrapper.append(...render(block, blockId, ctx));
  return wrapper;
}

// --- layout blocks -----------------------------------------------------------------------

function renderHeader(block, blockId, ctx) {
  return [h("div", { class: "header-text" }, renderText(block.text, ctx))];
}

function renderSection(block, blockId, ctx) {
  const body = h("div", { class: "section-body" });
  if (block.text) body.append(h("div", { class: "section-text" }, renderText(block.text, ctx)));
  if (Array.isArray(block.fields) && block.fields.length) {
    body.append(
      h("div", { class: "section-fields" },
        block.fields.map((field) => h("div", { class: "section-field" }, renderText(field, ctx)))),
    );
  }
  const out = [body];
  if (block.accessory) {
    out.push(h("div", { class: "section-accessory" }, renderElement(block.accessory, blockId, ctx, { act: true })));
  }
  return out;
}

function renderContext(block, blockId, ctx) {
  const items = (block.elements || []).map((element) => {
    if (element?.type === "image") return renderImage(element, "context-image");
    if (element?.type === "plain_text" || element?.type === "mrkdwn") {
      return h("span", { class: "context-text" }, renderText(element, ctx));
    }
    return unsupported("element", element?.type);
  });
  return [h("div", { class: "context-row" }, items)];
}

function renderActions(block, blockId, ctx) {
  return [h("div", { class: "actions-row" },
    (block.elements || []).map((element) => renderElement(element, blockId, ctx, { act: true })))];
}

function renderImageBlock(block, blockId, ctx) {
  const out = [];
  if (block.title) out.push(h("div", { class: "image-title" }, renderText(block.title, ctx)));
  out.push(renderImage(block, "block-image"));
  return out;
}

function renderImage(object, className) {
  const url = String(object.image_url ?? "");
  const alt = String(object.alt_text ?? "");
  if (!/^(https?:|data:image\/)/i.test(url)) return h("span", { class: `${className} image-missing` }, alt || "🖼");
  const img = h("img", { class: className, src: url, alt, title: alt, loading: "lazy", referrerpolicy: "no-referrer" });
  // Offline (the demo usually is), show the alt text instead of a broken-image icon.
  img.addEventListener("error", () => img.replaceWith(h("span", { class: `${className} image-missing`, title: alt }, alt || "🖼")));
  return img;
}

function renderInput(block, blockId, ctx) {
  const element = block.element || {};
  const label = h("label", { class: "input-label" }, renderText(block.label, ctx));
  if (block.optional) label.append(h("span", { class: "input-optional" }, ctx.labels.optional));
  const control = renderElement(element, blockId, ctx, { act: Boolean(block.dispatch_action) });
  const out = [label, control];
  if (block.hint) out.push(h("div", { class: "input-hint" }, renderText(block.hint, ctx)));
  // Where a `response_action: errors` message for this block goes.
  out.push(h("div", { class: "field-error", "data-error-for": blockId, role: "alert", hidden: true }));
  if (ctx.inputs && control.demoRead) {
    ctx.inputs.push({ blockId, actionId: element.action_id, node: control, optional: Boolean(block.optional) });
  }
  return out;
}

// --- interactive elements ---------------------------------------------------------------
//
// Each renderer returns a node with `demoRead()`, which gives the element's state in
// Slack's shape ({type, value} / {type, selected_option} / …). A block action is that
// state plus action_id and block_id, which is exactly the contract's `action` object.

const ELEMENTS = {
  button: renderButton,
  static_select: renderStaticSelect,
  users_select: renderUsersSelect,
  conversations_select: (el, hooks, ctx) => renderChannelSelect(el, hooks, ctx, "selected_conversation", "initial_conversation"),
  channels_select: (el, hooks, ctx) => renderChannelSelect(el, hooks, ctx, "selected_channel", "initial_channel"),
  overflow: renderOverflow,
  datepicker: (el, hooks) => renderNativeInput(el, hooks, "date", "selected_date", "initial_date"),
  timepicker: (el, hooks) => renderNativeInput(el, hooks, "time", "selected_time", "initial_time"),
  plain_text_input: renderTextInput,
  email_text_input: renderTextInput,
  url_text_input: renderTextInput,
  number_input: renderTextInput,
  radio_buttons: (el, hooks, ctx) => renderChoices(el, hooks, ctx, "radio"),
  checkboxes: (el, hooks, ctx) => renderChoices(el, hooks, ctx, "checkbox"),
  image: (el) => renderImage(el, "accessory-image"),
};

/**
 * One element. `act`: its changes are block actions sent through ctx.onAction (elements
 * in actions blocks and accessories, or inputs of a block with dispatch_action).
 */
export function renderElement(element, blockId, ctx, { act = false } = {}) {
  const render = ELEMENTS[element?.type];
  if (!render) return unsupported("element", element?.type);
  const hooks = {
    "data-action-id": element.action_id ?? "",
    "data-value": element.type === "button" ? element.value ?? "" : element.action_id ?? "",
    "data-block-id": blockId,
  };
  try {
    const node = render(element, hooks, ctx);
    if (act && node.demoRead) {
      const fire = async (extra = {}) => {
        const state = node.demoRead();
        await ctx.onAction({ ...state, ...extra, action_id: element.action_id, block_id: blockId }, node);
      };
      node.demoFire = fire;
      // Buttons fire on click (after their confirm); everything else on change.
      if (element.type !== "button") node.addEventListener("change", () => guarded(node, fire));
    }
    return node;
  } catch (error) {
    console.warn("element", element?.type, error);
    return unsupported("element", element?.type);
  }
}

/** Run an action with the element disabled, so a double click does not send it twice. */
async function guarded(node, fire) {
  const controls = node.matches("button, select, input, textarea") ? [node] : [...node.querySelectorAll("input, select, button")];
  controls.forEach((c) => { c.disabled = true; });
  try {
    await fire();
  } finally {
    controls.forEach((c) => { c.disabled = false; });
  }
}

function renderButton(element, hooks, ctx) {
  const style = ["primary", "danger"].includes(element.style) ? element.style : "default";
  const button = h("button", { type: "button", class: `bk-button bk-button-${style}`, ...hooks }, renderText(element.text, ctx));
  // `text` (the label, as a string) lets the server describe the click as Slack does.
  button.demoRead = () => ({ type: "button", value: element.value ?? null, text: textOf(element.text) });
  button.addEventListener("click", async () => {
    if (element.confirm && !(await ctx.confirm(element.confirm))) return;
    if (element.url && /^https?:/i.test(element.url)) window.open(element.url, "_blank", "noopener,noreferrer");
    if (button.demoFire) await guarded(button, button.demoFire);
  });
  return button;
}

/** A native <select> with a placeholder row: test-friendly and keyboard-friendly. */
function buildSelect(hooks, placeholder, rows, initialValue, className = "bk-select") {
  const select = h("select", { class: className, ...hooks });
  select.append(h("option", { value: "", disabled: true, selected: !initialValue }, placeholder));
  for (const row of rows) {
    if (row.group) {
      select.append(h("optgroup", { label: row.group }, row.options.map((o) => h("option", { value: o.value, selected: o.value === initialValue }, o.label))));
    } else {
      select.append(h("option", { value: row.value, selected: row.value === initialValue }, row.label));
    }
  }
  return select;
}

function optionRows(element) {
  const toRow = (option) => ({ value: String(option.value ?? ""), label: textOf(option.text) });
  if (Array.isArray(element.option_groups)) {
    return element.option_groups.map((group) => ({ group: textOf(group.label), options: (group.options || []).map(toRow) }));
  }
  return (element.options || []).map(toRow);
}

function findOption(element, value) {
  const all = [...(element.options || []), ...(element.option_groups || []).flatMap((g) => g.options || [])];
  return all.find((option) => String(option.value) === value) ?? null;
}

function renderStaticSelect(element, hooks, ctx) {
  const placeholder = textOf(element.placeholder) || ctx.labels.select;
  const select = buildSelect(hooks, placeholder, optionRows(element), element.initial_option?.value);
  // The option as Baton wrote it ({text, value}), as Slack sends it back.
  select.demoRead = () => ({ type: "static_select", selected_option: select.value ? findOption(element, select.value) : null });
  return select;
}

function renderUsersSelect(element, hooks, ctx) {
  const placeholder = textOf(element.placeholder) || ctx.labels.selectUser;
  const rows = (ctx.people || []).map((p) => ({ value: p.id, label: p.title ? `${p.name} — ${p.title}` : p.name }));
  const select = buildSelect(hooks, placeholder, rows, element.initial_user);
  select.demoRead = () => ({ type: "users_select", selected_user: select.value || null });
  return select;
}

function renderChannelSelect(element, hooks, ctx, key, initialKey) {
  const placeholder = textOf(element.placeholder) || ctx.labels.selectChannel;
  const rows = (ctx.channels || []).map((c) => ({ value: c.id, label: `# ${c.name}` }));
  const select = buildSelect(hooks, placeholder, rows, element[initialKey]);
  select.demoRead = () => ({ type: element.type, [key]: select.value || null });
  return select;
}

function renderOverflow(element, hooks, ctx) {
  const select = buildSelect(hooks, "⋯", optionRows(element), null, "bk-select bk-overflow");
  select.setAttribute("aria-label", ctx.labels.overflow);
  select.demoRead = () => ({ type: "overflow", selected_option: select.value ? findOption(element, select.value) : null });
  // An overflow is a menu, not a field: go back to "⋯" once the choice was sent.
  select.addEventListener("change", () => setTimeout(() => { select.value = ""; }, 0));
  return select;
}

function renderNativeInput(element, hooks, inputType, key, initialKey) {
  const input = h("input", { type: inputType, class: "bk-input bk-input-short", ...hooks, value: element[initialKey] ?? "" });
  input.demoRead = () => ({ type: element.type, [key]: input.value || null });
  return input;
}

function renderTextInput(element, hooks, ctx) {
  const attrs = {
    class: "bk-input", ...hooks,
    placeholder: textOf(element.placeholder) || null,
    maxlength: element.max_length ?? null,
    minlength: element.min_length ?? null,
    value: element.initial_value ?? "",
  };
  let input;
  if (element.type === "plain_text_input" && element.multiline) {
    input = h("textarea", { ...attrs, rows: 4 });
  } else if (element.type === "number_input") {
    input = h("input", { ...attrs, type: "number", step: element.is_decimal_allowed ? "any" : "1", min: element.min_value ?? null, max: element.max_value ?? null });
  } else {
    const type = { email_text_input: "email", url_text_input: "url" }[element.type] ?? "text";
    input = h("input", { ...attrs, type });
  }
  input.demoRead = () => ({ type: element.type, value: input.value === "" ? null : input.value });
  return input;
}

function renderChoices(element, hooks, ctx, kind) {
  const name = `choice-${++uniqueCounter}`;
  const initial = new Set(
    kind === "radio"
      ? [element.initial_option?.value].filter((v) => v !== undefined)
      : (element.initial_options || []).map((o) => o.value),
  );
  const group = h("div", { class: `bk-choices bk-${kind}`, role: kind === "radio" ? "radiogroup" : "group", ...hooks });
  for (const option of element.options || []) {
    const value = String(option.value ?? "");
    group.append(
      h("label", { class: "bk-choice" },
        h("input", { type: kind, name, value, checked: initial.has(option.value), "data-action-id": element.action_id ?? "", "data-block-id": hooks["data-block-id"] }),
        h("span", { class: "bk-choice-text" },
          renderText(option.text, ctx),
          option.description ? h("span", { class: "bk-choice-description" }, renderText(option.description, ctx)) : null)),
    );
  }
  const checked = () => [...group.querySelectorAll("input:checked")].map((i) => findOption(element, i.value)).filter(Boolean);
  group.demoRead = () => kind === "radio"
    ? { type: "radio_buttons", selected_option: checked()[0] ?? null }
    : { type: "checkboxes", selected_options: checked() };
  return group;
}
