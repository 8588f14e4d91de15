// Talking to the demo server (`/demo/api/…`).
//
// Every request carries the per-run token the server wrote into the page, because the
// server refuses requests without it (another page on the same machine must not be able
// to drive the demo). Failures become `ApiError`s whose message is safe to show in the
// banner: the server's `{"error": …}` text, or a short generic sentence.

import { t } from "./i18n.js";

const TOKEN_PLACEHOLDER = "{{" + "DEMO_TOKEN" + "}}"; // split so the server's replace leaves it alone

export class ApiError extends Error {
  constructor(message, status = 0) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

/** The token from `<meta name="demo-token">`, or "" when the page was not served by `baton demo`. */
export function demoToken() {
  const content = document.querySelector('meta[name="demo-token"]')?.getAttribute("content") || "";
  return content === TOKEN_PLACEHOLDER ? "" : content;
}

async function request(method, path, { query, body } = {}) {
  const url = new URL(`/demo/api/${path}`, window.location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null) url.searchParams.set(key, value);
  }
  const headers = { "X-Demo-Token": demoToken(), Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch {
    throw new ApiError(t("error.network"), 0);
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    // A proxy error page or an empty body: fall through to the generic message.
  }
  if (!response.ok) {
    const message = data && typeof data.error === "string" ? data.error : t("error.generic", { status: response.status });
    throw new ApiError(message, response.status);
  }
  if (data === null || typeof data !== "object") {
    throw new ApiError(t("error.generic", { status: response.status }), response.status);
  }
  return data;
}

export const api = {
  workspace: () => request("GET", "workspace"),
  conversation: (as, id) => request("GET", "conversation", { query: { as, id } }),
  thread: (as, id, ts) => request("GET", "thread", { query: { as, id, ts } }),
  home: (as) => request("GET", "home", { query: { as } }),
  modal: (as) => request("GET", "modal", { query: { as } }),
  action: (payload) => request("POST", "action", { body: payload }),
  // A submit answered with validation errors is a 200 `{"ok": false, "errors": …}`;
  // the caller looks at `ok` itself.
  submit: (as, viewId, values) => request("POST", "submit", { body: { as, view_id: viewId, values } }),
  close: (as, viewId) => request("POST", "close", { body: { as, view_id: viewId } }),
  command: (as, channel, text) => request("POST", "command", { body: { as, channel, text } }),
  sampleLead: () => request("POST", "sample-lead", { body: {} }),
  weeklyReport: () => request("POST", "weekly-report", { body: {} }),
  homeOpened: (as) => request("POST", "home-opened", { body: { as } }),
};

/** The URL of the event stream for person `as` (EventSource cannot send headers). */
export function eventsUrl(as) {
  const url = new URL("/demo/api/events", window.location.origin);
  url.searchParams.set("as", as);
  url.searchParams.set("token", demoToken());
  return url.toString();
}
