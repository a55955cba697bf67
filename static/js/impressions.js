// Reach: tells the server which posts were on screen ("seen": half of the card visible for a
// second) and which were read (the post's own page opened, or its card on screen for eight
// seconds). Impressions are queued and sent in one request every few seconds, and when the page
// is hidden (keepalive lets that last request finish after the tab closes), so scrolling never
// writes. Each post is reported once per kind per page.

const ENDPOINT = "/api/v1/insights/impressions";
const SEEN_AFTER_MS = 1000;
const READ_AFTER_MS = 8000;
const FLUSH_EVERY_MS = 5000;
const BATCH = 500; // the server's limit per request

const queue = [];
const reported = new Set(); // "seen:12", "read:12"
const timers = new Map(); // card → [seen timer, read timer]

function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    return "";
  }
}

function record(postId, kind) {
  const key = `${kind}:${postId}`;
  if (!postId || reported.has(key)) return;
  reported.add(key);
  queue.push({ post_id: Number(postId), kind, at: new Date().toISOString() });
  if (queue.length >= BATCH) flush();
}

function flush() {
  while (queue.length) {
    const items = queue.splice(0, BATCH);
    fetch(ENDPOINT, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ items }),
    }).catch(() => {}); // reach is best effort: a lost batch never bothers the reader
  }
}

function stopTimers(card) {
  for (const timer of timers.get(card) || []) clearTimeout(timer);
  timers.delete(card);
}

const observer = new IntersectionObserver(
  (entries) => {
    for (const entry of entries) {
      const card = entry.target;
      const id = card.dataset.postId;
      if (entry.isIntersecting && document.visibilityState === "visible") {
        if (timers.has(card)) continue;
        timers.set(card, [
          setTimeout(() => record(id, "seen"), SEEN_AFTER_MS),
          setTimeout(() => record(id, "read"), READ_AFTER_MS),
        ]);
      } else {
        stopTimers(card);
      }
    }
  },
  { threshold: 0.5 },
);

const CARD = "article.post[data-post-id]:not(.tombstone)";

function watch(root) {
  if (root.matches?.(CARD)) observer.observe(root);
  for (const card of root.querySelectorAll?.(CARD) || []) observer.observe(card);
}

const own = location.pathname.match(/^\/posts\/(\d+)\/?$/);
if (own) record(own[1], "read");
watch(document);
// Cards that arrive later (more posts, htmx swaps, live updates) are watched too.
new MutationObserver((changes) => {
  for (const change of changes) for (const node of change.addedNodes) watch(node);
}).observe(document.body, { childList: true, subtree: true });
setInterval(flush, FLUSH_EVERY_MS);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden") flush();
});
