// Live updates: one EventSource per person, and polling while it is down.
//
// Each event names what changed ({"kind": "message" | "modal" | "home", …}) and the page
// re-fetches that part. When the stream drops (server restart, a proxy that buffers
// event streams), the page polls the open conversation once a second until the stream
// is back, so the demo never looks frozen.

const POLL_MS = 1000;
const RETRY_MS = 3000;

/**
 * url() → the stream's URL for the current person; onEvent(event); refresh() re-fetches
 * everything on screen (used to poll, and to catch up after (re)connecting);
 * setMode("connecting" | "stream" | "polling").
 */
export function createLiveUpdates({ url, onEvent, refresh, setMode }) {
  let source = null;
  let poller = null;
  let retryTimer = null;

  function startPolling() {
    if (!poller) poller = setInterval(refresh, POLL_MS);
  }

  function stopPolling() {
    clearInterval(poller);
    poller = null;
  }

  function disconnect() {
    clearTimeout(retryTimer);
    source?.close();
    source = null;
  }

  function connect() {
    disconnect();
    const current = new EventSource(url());
    source = current;
    setMode("connecting");
    current.onopen = () => {
      if (source !== current) return;
      setMode("stream");
      stopPolling();
      // Changes made before the stream was (re)opened were announced to nobody: catch up.
      refresh();
    };
    current.onmessage = (message) => {
      if (source !== current) return;
      let event;
      try {
        event = JSON.parse(message.data);
      } catch {
        return; // anything unreadable is ignored, like keep-alive comments
      }
      onEvent(event);
    };
    current.onerror = () => {
      if (source !== current) return;
      setMode("polling");
      startPolling();
      // The browser retries a dropped stream by itself, but not a refused one (403, 5xx,
      // wrong content type): then the page retries.
      if (current.readyState === EventSource.CLOSED) {
        clearTimeout(retryTimer);
        retryTimer = setTimeout(connect, RETRY_MS);
      }
    };
  }

  return { connect, disconnect };
}
