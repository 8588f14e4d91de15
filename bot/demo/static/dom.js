// A tiny element builder. Everything the page shows is built as DOM nodes, never as
// HTML strings, so text from Slack messages can never turn into markup.

/**
 * h("button", {class: "x", "data-action-id": "a", onclick: fn}, "text", child, ...)
 * Attributes whose value is null/undefined/false are left out; `on…` keys become
 * listeners; `value`, `checked`, `disabled`, `selected` are set as properties.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value);
    } else if (["value", "checked", "disabled", "selected"].includes(name)) {
      el[name] = value;
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

/** Append strings (as text) and nodes, flattening arrays and skipping null. */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replace all children of `parent`. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** A stable pastel-ish colour for an id, so each person keeps their avatar colour. */
export function colourFor(id) {
  let hash = 0;
  for (const ch of String(id)) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return `hsl(${hash % 360} 45% 45%)`;
}

/** One or two initials of a name ("Haruka Sato" → "HS", "佐藤 遥" → "佐遥"). */
export function initials(name) {
  const words = String(name || "?").trim().split(/\s+/).filter(Boolean);
  const letters = words.slice(0, 2).map((w) => Array.from(w)[0]);
  return (letters.join("") || "?").toUpperCase();
}
