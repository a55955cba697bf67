// Live updates over one websocket per tab: new-post prompt, reply and reaction counts, the
// notification and message badges, presence dots; and what pages send (typing, activity). The protocol and every data-* hook are in docs/events.md. The page works
// without this file; it only fills in what other people do while the page is open.

const script = document.querySelector("script[data-live]");
const me = script ? script.dataset.username : null;

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30000;
const PING_EVERY_MS = 25000;
const PONG_WITHIN_MS = 10000;
// catch_up asks from a little before the last thing seen: clocks differ, and the answer lists
// post ids, so nothing already on the page is counted twice.
const CATCH_UP_MARGIN_MS = 30000;
const BATCH = 200; // the server takes at most 200 post ids per message
// 4401 not signed in (or no longer), 4403 two-factor set-up required: retrying cannot help.
const FINAL_CODES = new Set([4401, 4403]);

let socket = null;
let attempt = 0;
let retryTimer = null;
let pingTimer = null;
let pongTimer = null;
let lastSeen = performance.timeOrigin || Date.now();
let stopped = false;
const subscribed = new Set();
const pendingNewPosts = new Set();

function wsUrl() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}/ws/`;
}

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

// The elements marked [attr] that belong to a post: marked with the post id themselves, inside the
// post's card ([data-post-id]) but not inside one of its replies, or inside its open thread
// ([data-replies-for]). docs/events.md lists the hooks.
function byPost(attr, postId) {
  const id = Number(postId);
  const found = new Set(document.querySelectorAll(`[${attr}][data-post-id="${id}"]`));
  for (const root of document.querySelectorAll(`[data-post-id="${id}"], [data-replies-for="${id}"]`)) {
    for (const el of root.querySelectorAll(`[${attr}]`)) {
      const reply = el.closest("[data-reply-id]");
      if (!reply || !root.contains(reply)) found.add(el);
    }
  }
  return [...found];
}

function reactionCounts(event) {
  if (event.reply_id) {
    const id = Number(event.reply_id);
    return [
      ...document.querySelectorAll(
        `[data-reaction-count][data-reply-id="${id}"], [data-reactions-for="reply-${id}"] [data-reaction-count], [data-reply-id="${id}"] > [data-reactions-for] [data-reaction-count]`,
      ),
    ];
  }
  return byPost("data-reaction-count", event.post_id);
}

// The visible buttons of a reaction bar follow what others did: each kind's number, "Like" when
// nobody liked it yet, a kind from behind "+" moves into the bar once used. Who pressed which
// button (aria-pressed) stays the viewer's own.
function showReactions(bar, total, summary) {
  if (!bar || !summary) return;
  for (const number of bar.querySelectorAll("[data-reaction-kind]")) {
    const n = Number(summary[number.dataset.reactionKind] || 0);
    number.textContent = String(n);
    number.hidden = n === 0;
    const button = number.closest("button");
    const label = button && button.querySelector("[data-reaction-label]");
    if (label) label.hidden = n > 0;
    const more = button && button.closest(".reaction-more");
    if (n > 0 && more) more.before(button);
  }
  const who = bar.querySelector("[data-who-reacted]");
  if (who) who.hidden = !total;
}

function postBodies(postId) {
  const id = Number(postId);
  return [
    ...byPost("data-post-body", id),
    ...document.querySelectorAll(`article[data-post-id="${id}"] > .post-body`),
  ];
}

// --- Which posts the page shows ---------------------------------------------------------------

function postIdsOnPage() {
  const ids = new Set();
  for (const el of document.querySelectorAll("[data-post-id]")) {
    const id = Number(el.dataset.postId);
    if (Number.isInteger(id) && id > 0) ids.add(id);
  }
  return ids;
}

function syncSubscriptions() {
  const onPage = postIdsOnPage();
  const added = [...onPage].filter((id) => !subscribed.has(id));
  const removed = [...subscribed].filter((id) => !onPage.has(id));
  for (let i = 0; i < removed.length; i += BATCH) {
    send({ type: "unsubscribe", posts: removed.slice(i, i + BATCH) });
  }
  for (const id of removed) subscribed.delete(id);
  for (let i = 0; i < added.length; i += BATCH) {
    send({ type: "subscribe", posts: added.slice(i, i + BATCH) });
  }
  // Marked now; the server's "subscribed" answer corrects it (denied ids are dropped).
  for (const id of added) subscribed.add(id);
}

// --- Applying events --------------------------------------------------------------------------

function setText(elements, value) {
  if (value === undefined || value === null) return;
  for (const el of elements) el.textContent = String(value);
}

function showNewPosts() {
  for (const id of postIdsOnPage()) pendingNewPosts.delete(id);
  const count = pendingNewPosts.size;
  for (const el of document.querySelectorAll("[data-new-posts]")) {
    if (!el.hasAttribute("aria-live") && !el.closest("[aria-live]")) {
      el.setAttribute("aria-live", "polite");
    }
    const number = el.querySelector("[data-new-posts-count]");
    const shown = count >= 100 ? "99+" : String(count);
    if (number) {
      // The page words it ("<span data-new-posts-count>N</span> new posts").
      number.textContent = shown;
    } else {
      const label = el.querySelector("[data-new-posts-label]") || el;
      label.textContent = count === 1 ? "1 new post" : `${shown} new posts`;
    }
    el.hidden = count === 0;
  }
}

// A page listing one community's posts says so ([data-feed="community"][data-community="handle"]):
// its prompt counts only that community's new posts, not everything the socket hears.
function pageCommunity() {
  const list = document.querySelector('[data-feed="community"][data-community]');
  return list ? list.dataset.community : null;
}

function countNewPost(postId, author, community) {
  const id = Number(postId);
  if (!id || (me && author === me) || postIdsOnPage().has(id)) return;
  const only = pageCommunity();
  if (only !== null && community !== only) return;
  pendingNewPosts.add(id);
  showNewPosts();
}

function setBadge(count) {
  for (const badge of document.querySelectorAll("[data-notification-badge]")) {
    // The number goes in [data-notification-count] when the badge has one (it may also hold
    // words for screen readers), else in the badge itself.
    const number = badge.querySelector("[data-notification-count]") || badge;
    number.textContent = count > 99 ? "99+" : String(count);
    badge.hidden = count <= 0;
  }
}

function setMessageBadge(count) {
  for (const badge of document.querySelectorAll("[data-message-badge]")) {
    const number = badge.querySelector("[data-message-count]") || badge;
    number.textContent = count > 99 ? "99+" : String(count);
    badge.hidden = count <= 0;
  }
}

// The unread total depends on which conversations are muted: ask, once per burst of events.
let messageCountTimer = 0;
function refreshMessageBadge() {
  if (!document.querySelector("[data-message-badge]")) return;
  clearTimeout(messageCountTimer);
  messageCountTimer = setTimeout(async () => {
    try {
      const response = await fetch("/api/v1/conversations/unread", { credentials: "same-origin" });
      if (response.ok) setMessageBadge((await response.json()).count);
    } catch {
      // the next event or catch_up sets it
    }
  }, 400);
}

function showPresence(username, status) {
  for (const dot of document.querySelectorAll(`[data-presence-for="${CSS.escape(username)}"]`)) {
    dot.dataset.status = status;
    dot.title = status.charAt(0).toUpperCase() + status.slice(1);
    const words = dot.querySelector("[data-presence-words]");
    if (words) words.textContent = `(${status})`;
  }
  for (const label of document.querySelectorAll(`[data-presence-label="${CSS.escape(username)}"]`)) {
    label.textContent = status.charAt(0).toUpperCase() + status.slice(1);
  }
}

function badgeCount() {
  const badge = document.querySelector("[data-notification-badge]");
  const number = badge && (badge.querySelector("[data-notification-count]") || badge);
  const count = badge && !badge.hidden ? parseInt(number.textContent, 10) : 0;
  return Number.isNaN(count) ? 0 : count;
}

const replyFetches = new Map();

function refreshReplies(postId) {
  const thread = document.querySelector(`[data-replies-for="${Number(postId)}"]`);
  if (!thread) {
    for (const el of byPost("data-new-replies", postId)) el.hidden = false;
    return;
  }
  const url = thread.dataset.repliesUrl;
  if (!url || !window.htmx) {
    for (const el of byPost("data-new-replies", postId)) el.hidden = false;
    return;
  }
  // Several replies in a burst load the thread once.
  clearTimeout(replyFetches.get(postId));
  replyFetches.set(
    postId,
    setTimeout(() => {
      replyFetches.delete(postId);
      window.htmx.ajax("GET", url, { target: thread, swap: thread.dataset.repliesSwap || "innerHTML" });
    }, 300),
  );
}

function tombstone(postId) {
  for (const body of postBodies(postId)) {
    body.textContent = "This post was deleted.";
    body.classList.add("tombstone");
  }
  for (const card of document.querySelectorAll(`article[data-post-id="${Number(postId)}"]`)) {
    card.classList.add("tombstone");
    for (const el of card.querySelectorAll("[data-post-actions], .post-actions")) el.hidden = true;
  }
  subscribed.delete(Number(postId));
}

function apply(event) {
  switch (event.type) {
    case "post.created":
      countNewPost(
        event.post && event.post.id,
        event.post && event.post.author && event.post.author.username,
        event.post && event.post.community ? event.post.community.handle : null,
      );
      break;
    // announcement.published: static/js/announcements.js pins the card; it is not a feed post.
    case "post.updated":
      // body_html is sanitised on the server when the post is saved.
      for (const body of postBodies(event.post_id)) body.innerHTML = event.body_html;
      for (const el of byPost("data-post-edited", event.post_id)) el.hidden = false;
      break;
    case "post.deleted":
      tombstone(event.post_id);
      break;
    case "post.pinned":
      for (const el of byPost("data-post-pinned", event.post_id)) el.hidden = !event.pinned;
      break;
    case "answer.accepted":
      refreshReplies(event.post_id);
      break;
    case "reply.created":
    case "reply.deleted":
      setText(byPost("data-reply-count", event.post_id), event.reply_count);
      refreshReplies(event.post_id);
      break;
    case "reaction.changed":
      for (const counter of reactionCounts(event)) {
        counter.textContent = String(event.reaction_count);
        showReactions(counter.closest("[data-reactions-for]"), event.reaction_count, event.reaction_summary);
      }
      break;
    case "poll.voted":
      setText(byPost("data-poll-total", event.post_id), event.total_votes);
      break;
    case "notification.created":
      setBadge(typeof event.unread_count === "number" ? event.unread_count : badgeCount() + 1);
      break;
    case "message.created":
    case "message.deleted":
      if (!event.message || !event.message.author || event.message.author.username !== me) refreshMessageBadge();
      break;
    case "conversation.read":
      if (event.person === me) refreshMessageBadge();
      break;
    case "presence.changed":
      showPresence(event.person, event.status);
      break;
    case "catch_up":
      // These are the home feed's posts; a community page cannot tell which are its own.
      if (pageCommunity() === null) {
        for (const id of event.new_post_ids || []) pendingNewPosts.add(Number(id));
      }
      showNewPosts();
      setBadge(event.unread_notifications);
      if (typeof event.unread_messages === "number") setMessageBadge(event.unread_messages);
      for (const state of event.posts || []) {
        if (state.deleted) {
          tombstone(state.id);
          continue;
        }
        const replies = byPost("data-reply-count", state.id);
        const before = replies.length ? replies[0].textContent.trim() : null;
        setText(replies, state.reply_count);
        if (before !== null && before !== String(state.reply_count)) refreshReplies(state.id);
        for (const counter of byPost("data-reaction-count", state.id)) {
          counter.textContent = String(state.reaction_count);
          showReactions(counter.closest("[data-reactions-for]"), state.reaction_count, state.reaction_summary);
        }
      }
      break;
    case "subscribed":
      for (const id of event.denied || []) subscribed.delete(Number(id));
      break;
    default:
      break;
  }
}

// --- The connection ---------------------------------------------------------------------------

function connect() {
  if (stopped) return;
  clearTimeout(retryTimer);
  const reconnecting = attempt > 0;
  socket = new WebSocket(wsUrl());
  socket.addEventListener("open", () => {
    subscribed.clear();
    syncSubscriptions();
    // On the first connection too: posts made between rendering the page and opening the socket.
    send({ type: "catch_up", since: new Date(lastSeen - CATCH_UP_MARGIN_MS).toISOString() });
    attempt = 0;
    clearInterval(pingTimer);
    pingTimer = setInterval(() => {
      send({ type: "ping" });
      clearTimeout(pongTimer);
      pongTimer = setTimeout(() => socket && socket.close(), PONG_WITHIN_MS);
    }, PING_EVERY_MS);
    document.dispatchEvent(new CustomEvent("watercooler:live", { detail: { connected: true, reconnecting } }));
  });
  socket.addEventListener("message", (message) => {
    let event;
    try {
      event = JSON.parse(message.data);
    } catch {
      return;
    }
    if (!event || typeof event.type !== "string") return;
    if (event.type === "pong") {
      clearTimeout(pongTimer);
      return;
    }
    if (event.type === "error") {
      console.warn("watercooler live:", event.detail);
      return;
    }
    lastSeen = Date.now();
    apply(event);
    document.dispatchEvent(new CustomEvent("watercooler:event", { detail: event }));
  });
  socket.addEventListener("close", (event) => {
    clearInterval(pingTimer);
    clearTimeout(pongTimer);
    socket = null;
    document.dispatchEvent(new CustomEvent("watercooler:live", { detail: { connected: false, code: event.code } }));
    if (FINAL_CODES.has(event.code)) {
      stopped = true;
      return;
    }
    scheduleReconnect();
  });
}

function scheduleReconnect() {
  if (stopped || retryTimer) return;
  // 1 s, 2 s, 4 s … 30 s, each with up to half again of random jitter, so a restarted server is
  // not met by every tab at the same instant.
  const base = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** attempt);
  const delay = Math.min(RETRY_MAX_MS, base + Math.random() * base * 0.5);
  attempt += 1;
  retryTimer = setTimeout(() => {
    retryTimer = null;
    connect();
  }, delay);
}

function reconnectNow() {
  if (stopped || (socket && socket.readyState <= WebSocket.OPEN)) return;
  clearTimeout(retryTimer);
  retryTimer = null;
  connect();
}

// Presence: the person counts as active while they use the page (at most one "active" a minute).
const ACTIVE_EVERY_MS = 60000;
let lastActive = Date.now();
function active() {
  const now = Date.now();
  if (document.visibilityState !== "visible" || now - lastActive < ACTIVE_EVERY_MS) return;
  lastActive = now;
  send({ type: "active" });
}

if (me !== null && "WebSocket" in window) {
  // Pages send through this socket (conversation.js: typing).
  document.addEventListener("watercooler:send", (event) => send(event.detail));
  for (const kind of ["keydown", "pointerdown", "scroll"]) {
    window.addEventListener(kind, active, { passive: true });
  }
  document.body.addEventListener("htmx:afterSwap", syncSubscriptions);
  document.body.addEventListener("htmx:afterSettle", showNewPosts);
  document.addEventListener("click", (event) => {
    const prompt = event.target instanceof Element && event.target.closest("[data-new-posts]");
    if (!prompt) return;
    pendingNewPosts.clear();
    prompt.hidden = true;
    // A prompt with hx-get reloads the list itself; otherwise reload the page.
    if (!prompt.hasAttribute("hx-get")) location.reload();
  });
  window.addEventListener("online", reconnectNow);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      reconnectNow();
      active();
    }
  });
  connect();
}
