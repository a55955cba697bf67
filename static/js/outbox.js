// Writes made offline (a post, a reply, a message) wait here, on this device, and are sent when
// the connection returns, in the order they were written. Each goes with its own
// Idempotency-Key, so one whose answer was lost on the way is sent again without being made twice
// (core/idempotency.py). They wait per person: nothing one person wrote is sent as another.
// One that the server refuses for good (4xx) is kept aside and shown, never dropped unread.
// Pages reach it as window.wcOutbox (loaded on every signed-in page, base.html).

const me = document.querySelector("script[data-pwa]")?.dataset.username
  || document.querySelector("script[data-live]")?.dataset.username || "";
const STORE = `wc-outbox:${me}`;
const REFUSED = `wc-outbox-refused:${me}`;
const RETRY_MS = 30000;

function load(store = STORE) {
  try {
    return JSON.parse(localStorage.getItem(store) || "[]");
  } catch (error) {
    return [];
  }
}

function save(items, store = STORE) {
  try {
    localStorage.setItem(store, JSON.stringify(items));
  } catch (error) {
    // A full or refused storage: the write stays in its form instead (see queueWrite's answer).
  }
}

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function waiting() {
  return load().length;
}

function words(body) {
  try {
    const params = new URLSearchParams(body);
    if (params.has("body")) return params.get("body");
  } catch (error) { /* JSON below */ }
  try {
    return JSON.parse(body).body || "";
  } catch (error) {
    return "";
  }
}

function showWaiting() {
  const count = waiting();
  const refused = load(REFUSED);
  for (const status of document.querySelectorAll("[data-outbox-status]")) {
    const parts = [];
    if (count === 1) parts.push("1 thing you wrote is waiting to be sent.");
    if (count > 1) parts.push(`${count} things you wrote are waiting to be sent.`);
    for (const item of refused) {
      parts.push(`Not sent (${item.reason}): “${words(item.body).slice(0, 140)}”`);
    }
    status.hidden = parts.length === 0;
    status.textContent = parts.join(" ");
  }
}

// Keep a write to send later; true when it was kept (the caller may then clear its form).
function queueWrite({ url, body, contentType, label }) {
  const items = load();
  const item = { key: newKey(), url, body, contentType, label, at: Date.now() };
  items.push(item);
  save(items);
  const kept = load().some((entry) => entry.key === item.key);
  window.wcOutbox = { queueWrite, flush, waiting };
showWaiting();
if (waiting() > 0) flush();
window.addEventListener("online", () => flush());
  scheduleFlush();
  return kept;
}

let flushing = false;
let timer = 0;

function scheduleFlush() {
  clearTimeout(timer);
  if (waiting() > 0) timer = setTimeout(flush, RETRY_MS);
}

function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

// Send what waits, oldest first; stops at the first that cannot reach the server (or that the
// server could not take for now: 5xx, 409) and tries again later. Returns how many were sent.
async function flush() {
  if (flushing) return 0;
  flushing = true;
  let sent = 0;
  try {
    for (const item of load()) {
      let response;
      try {
        response = await fetch(item.url, {
          method: "POST",
          credentials: "same-origin",
          redirect: "manual",
          headers: {
            "Content-Type": item.contentType,
            "X-CSRFToken": csrfToken(),
            "Idempotency-Key": item.key,
          },
          body: item.body,
        });
      } catch (error) {
        break;
      }
      if (response.status >= 500 || response.status === 409) break;
      save(load().filter((entry) => entry.key !== item.key));
      if (response.status >= 400) {
        const reason = response.status === 403 ? "not allowed" : "refused";
        save([...load(REFUSED), { ...item, reason }], REFUSED);
      } else {
        sent += 1;
      }
    }
  } finally {
    flushing = false;
    window.wcOutbox = { queueWrite, flush, waiting };
showWaiting();
if (waiting() > 0) flush();
window.addEventListener("online", () => flush());
    scheduleFlush();
  }
  if (sent > 0) document.dispatchEvent(new CustomEvent("outbox:sent", { detail: { sent } }));
  return sent;
}

window.wcOutbox = { queueWrite, flush, waiting };
showWaiting();
if (waiting() > 0) flush();
window.addEventListener("online", () => flush());
