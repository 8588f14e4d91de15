// The modal overlay (the top view of the current person's modal stack) and the small
// confirm dialog of buttons with `confirm`.
//
// The server owns the stack: views.open/push/update change it and an event tells us to
// re-fetch. This file only draws the top view, reads its inputs in Slack's
// `view.state.values` shape on submit, and shows `response_action: errors` messages under
// their blocks.

import { h } from "./dom.js";
import { t } from "./i18n.js";
import { renderBlocks, renderText, textOf } from "./blocks.js";

let shown = null; // {view, key, inputs, root} of the modal on screen
let confirmOpen = null; // resolve function of the open confirm dialog

// --- the confirm dialog -------------------------------------------------------------------

/** Ask with a button's confirm object; resolves true for its confirm button. */
export function confirmDialog(confirm, ctx) {
  const root = document.getElementById("confirm-root");
  return new Promise((resolve) => {
    const finish = (answer) => {
      confirmOpen = null;
      root.replaceChildren();
      resolve(answer);
    };
    confirmOpen = finish;
    const okStyle = confirm?.style === "danger" ? "danger" : "primary";
    const ok = h("button", { type: "button", class: `bk-button bk-button-${okStyle}`, "data-demo": "confirm-ok", onclick: () => finish(true) },
      textOf(confirm?.confirm) || t("confirm.ok"));
    root.replaceChildren(
      h("div", { class: "overlay confirm-overlay", onclick: (e) => { if (e.target === e.currentTarget) finish(false); } },
        h("div", { class: "dialog confirm-dialog", role: "alertdialog", "aria-modal": "true", "data-demo": "confirm" },
          h("div", { class: "dialog-title" }, textOf(confirm?.title) || t("confirm.title")),
          h("div", { class: "dialog-body" }, confirm?.text ? renderText(confirm.text, ctx) : null),
          h("div", { class: "dialog-footer" },
            h("button", { type: "button", class: "bk-button bk-button-default", "data-demo": "confirm-deny", onclick: () => finish(false) },
              textOf(confirm?.deny) || t("confirm.deny")),
            ok))),
    );
    ok.focus();
  });
}

// --- the modal ------------------------------------------------------------------------------

/**
 * Show `view` (or nothing, for null). deps: {ctx (block ctx without onAction/inputs),
 * onAction(viewId, action), onSubmit(viewId, values) → {ok, errors?}, onClose(viewId)}.
 * The same view again is left alone, so a re-fetch does not wipe what the person typed.
 */
export function showModal(view, deps) {
  const root = document.getElementById("modal-root");
  if (!view || typeof view !== "object") {
    shown = null;
    root.replaceChildren();
    document.body.classList.remove("has-modal");
    return;
  }
  const key = JSON.stringify(view);
  if (shown && shown.key === key) return;
  // views.update keeps what the person entered in inputs that are still there (as Slack
  // does when block_id and action_id are unchanged).
  const carried = shown && shown.view.id === view.id ? snapshot(shown.inputs) : null;

  const inputs = [];
  const ctx = {
    ...deps.ctx,
    inputs,
    onAction: (action) => deps.onAction(view.id, action),
  };
  const blocks = renderBlocks(view.blocks, ctx);
  const formError = h("div", { class: "modal-form-error", role: "alert", hidden: true });
  const submit = view.submit
    // type="button": Enter in a text field must not submit the modal (Slack does not).
    ? h("button", { type: "button", class: "bk-button bk-button-primary", "data-demo": "modal-submit", onclick: () => submitModal(form, view, inputs, deps) },
      textOf(view.submit) || t("modal.submit"))
    : null;
  const closeText = textOf(view.close) || (view.submit ? t("modal.cancel") : t("modal.close"));
  const close = () => deps.onClose(view.id);

  const form = h("form", { class: "modal", role: "dialog", "aria-modal": "true", "aria-labelledby": "modal-title", "data-demo": "modal", "data-view-id": view.id ?? "", "data-callback-id": view.callback_id ?? "", novalidate: true },
    h("div", { class: "modal-header" },
      h("div", { class: "modal-title", id: "modal-title" }, textOf(view.title)),
      h("button", { type: "button", class: "icon-button", "data-demo": "modal-x", "aria-label": t("modal.close"), title: t("modal.close"), onclick: close }, "×")),
    h("div", { class: "modal-body" }, formError, blocks),
    h("div", { class: "modal-footer" },
      h("button", { type: "button", class: "bk-button bk-button-default", "data-demo": "modal-close", onclick: close }, closeText),
      submit),
  );
  form.addEventListener("submit", (event) => event.preventDefault());

  root.replaceChildren(h("div", { class: "overlay modal-overlay" }, form));
  document.body.classList.add("has-modal");
  if (carried) restore(inputs, carried);
  shown = { view, key, inputs, root: form };
  if (!carried) form.querySelector(".modal-body input, .modal-body textarea, .modal-body select")?.focus();
}

export function modalViewId() {
  return shown?.view?.id ?? null;
}

/** Escape: the confirm dialog answers "no" first; otherwise the modal closes. */
export function handleEscape(onCloseModal) {
  if (confirmOpen) {
    confirmOpen(false);
    return true;
  }
  if (shown) {
    onCloseModal(shown.view.id);
    return true;
  }
  return false;
}

function isEmpty(state) {
  return Object.entries(state).every(([key, value]) => key === "type" || value === null || (Array.isArray(value) && value.length === 0));
}

/** The inputs in Slack's `view.state.values` shape: {block_id: {action_id: state}}. */
function readValues(inputs) {
  const values = {};
  for (const input of inputs) {
    values[input.blockId] ??= {};
    values[input.blockId][input.actionId] = input.node.demoRead();
  }
  return values;
}

async function submitModal(form, view, inputs, deps) {
  clearErrors(form);
  // Slack itself refuses to send a modal with an empty required input; so do we.
  const missing = inputs.filter((input) => !input.optional && isEmpty(input.node.demoRead()));
  if (missing.length) {
    showErrors(form, Object.fromEntries(missing.map((input) => [input.blockId, t("modal.required")])));
    return;
  }
  const buttons = [...form.querySelectorAll(".modal-footer button")];
  buttons.forEach((b) => { b.disabled = true; });
  form.classList.add("is-busy");
  try {
    const answer = await deps.onSubmit(view.id, readValues(inputs));
    if (answer && answer.ok === false && answer.errors && typeof answer.errors === "object") {
      showErrors(form, answer.errors);
    }
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
    form.classList.remove("is-busy");
  }
}

function clearErrors(form) {
  for (const slot of form.querySelectorAll(".field-error")) {
    slot.hidden = true;
    slot.textContent = "";
    slot.closest(".block")?.classList.remove("has-error");
  }
  const formError = form.querySelector(".modal-form-error");
  formError.hidden = true;
  formError.textContent = "";
}

/** Each message under its block; errors for blocks we cannot find go to the top. */
export function showErrors(form, errors) {
  const leftover = [];
  for (const [blockId, message] of Object.entries(errors)) {
    const slot = [...form.querySelectorAll(".field-error")].find((el) => el.dataset.errorFor === blockId);
    if (slot) {
      slot.textContent = String(message);
      slot.hidden = false;
      slot.closest(".block")?.classList.add("has-error");
    } else {
      leftover.push(String(message));
    }
  }
  if (leftover.length) {
    const formError = form.querySelector(".modal-form-error");
    formError.textContent = leftover.join(" ");
    formError.hidden = false;
  }
  form.querySelector(".has-error input, .has-error textarea, .has-error select")?.focus();
}

// --- keeping typed values across views.update ------------------------------------------

function snapshot(inputs) {
  const saved = new Map();
  for (const input of inputs) {
    const node = input.node;
    const checked = [...node.querySelectorAll?.("input:checked") ?? []].map((i) => i.value);
    saved.set(`${input.blockId}\u0000${input.actionId}`, { tag: node.tagName, value: node.value, checked });
  }
  return saved;
}

function restore(inputs, saved) {
  for (const input of inputs) {
    const old = saved.get(`${input.blockId}\u0000${input.actionId}`);
    if (!old || old.tag !== input.node.tagName) continue;
    if (old.tag === "DIV") {
      for (const box of input.node.querySelectorAll("input")) box.checked = old.checked.includes(box.value);
    } else if (old.tag === "SELECT") {
      if ([...input.node.options].some((o) => o.value === old.value)) input.node.value = old.value;
    } else {
      input.node.value = old.value;
    }
  }
}
