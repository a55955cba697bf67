// A conversation, live: messages from the others appear as they are sent (fetched as the page's own
// fragment, so they look exactly as on a reload), edits, deletions and reactions follow, "Ana is
// typing…" shows for a few seconds, "Seen by" follows read positions, and the newest message is
// read while the page is visible. The composer sends without reloading (Enter sends with a
// keyboard; a phone's Enter is a new line). Events come from static/js/live.js (docs/events.md).
// Without this file the page still works: forms post and the page reloads.

const root = document.querySelector("[data-conversation]");
const conversationId = root ? Number(root.dataset.conversation) : 0;
const me = (document.querySelector("script[data-live]") || { dataset: {} }).dataset.username || null;
const list = root && root.querySelector("[data-message-list]");
const composer = root && root.querySelector("[data-composer]");
const typingLine = root && root.querySelector("[data-typing]");
const seenLine = root && root.querySelector("[data-seen-by]");

const TYPING_EVERY_MS = 3000; // the server passes one "typing" per 3 s (messaging/policy.py)
const TYPING_SHOWN_MS = 6000;
const readJSON = (id) => JSON.parse((document.getElementById(id) || { textContent: "{}" }).textContent);
const positions = readJSON("read-positions");
const names = readJSON("people-names");
const typists = new Map(); // username → timer
let lastTyping = 0;
let readTimer = 0;
let readUpTo = 0;

function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

async function api(method, path, body) {
  const response = await fetch(`/api/v1${path}`, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response;
}

function nearBottom() {
  return window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 160;
}

function toBottom() {
  window.scrollTo(0, document.documentElement.scrollHeight);
}

function newestId() {
  const items = list ? list.querySelectorAll("[data-message-id]") : [];
  return items.length ? Number(items[items.length - 1].dataset.messageId) : 0;
}

// --- Messages ---------------------------------------------------------------------------------

async function showMessage(id) {
  const response = await fetch(`/messages/m/${Number(id)}/`, { credentials: "same-origin" });
  if (!response.ok) return;
  const holder = document.createElement("template");
  holder.innerHTML = (await response.text()).trim();
  const fresh = holder.content.querySelector("[data-message-id]");
  if (!fresh || !list) return;
  const current = document.getElementById(`message-${Number(id)}`);
  if (current) {
    if (current.querySelector("details[open]")) fresh.querySelector("details")?.setAttribute("open", "");
    current.replaceWith(fresh);
    return;
  }
  const follow = nearBottom();
  list.querySelector("[data-no-messages]")?.remove();
  // In id order: a message fetched late goes before any newer one already shown.
  const later = [...list.querySelectorAll("[data-message-id]")].find((el) => Number(el.dataset.messageId) > Number(id));
  list.insertBefore(fresh, later || null);
  if (follow || fresh.dataset.author === me) toBottom();
  showSeenBy();
}

function markRead() {
  if (document.visibilityState !== "visible") return;
  const newest = newestId();
  if (!newest || newest <= readUpTo) return;
  clearTimeout(readTimer);
  readTimer = setTimeout(() => {
    readUpTo = newest;
    api("POST", `/conversations/${conversationId}/read`, { up_to: newest }).catch(() => {});
  }, 300);
}

// --- Typing and seen by -----------------------------------------------------------------------

function showTyping() {
  if (!typingLine) return;
  const who = [...typists.keys()].map((username) => names[username] || username);
  typingLine.textContent =
    who.length === 0 ? "" : who.length === 1 ? `${who[0]} is typing…` : `${who.slice(0, -1).join(", ")} and ${who.at(-1)} are typing…`;
}

function typing(username) {
  clearTimeout(typists.get(username));
  typists.set(username, setTimeout(() => stopTyping(username), TYPING_SHOWN_MS));
  showTyping();
}

function stopTyping(username) {
  clearTimeout(typists.get(username));
  typists.delete(username);
  showTyping();
}

// "Seen by" under the newest message: who has read up to it (or "Seen" between two people).
function showSeenBy() {
  if (!seenLine) return;
  const newest = newestId();
  const newestEl = newest ? document.getElementById(`message-${newest}`) : null;
  const seen = Object.entries(positions)
    .filter(([username, upTo]) => upTo >= newest && newest && (!newestEl || newestEl.dataset.author !== username))
    .map(([username]) => names[username] || username);
  if (!seen.length) seenLine.textContent = "";
  else if (root.dataset.direct) seenLine.textContent = "Seen";
  else seenLine.textContent = `Seen by ${seen.join(", ")}`;
}

// --- Events -----------------------------------------------------------------------------------

async function catchUp(conversations) {
  const mine = (conversations || []).find((c) => Number(c.id) === conversationId);
  if (!mine || mine.last_message_id <= newestId()) return;
  const response = await api("GET", `/conversations/${conversationId}/messages`);
  if (!response.ok) return;
  const page = await response.json();
  const shown = newestId();
  for (const message of page.items.reverse()) {
    if (message.id > shown) await showMessage(message.id);
  }
  markRead();
}

document.addEventListener("watercooler:event", (event) => {
  const data = event.detail;
  if (data.type === "catch_up") {
    catchUp(data.conversations);
    return;
  }
  if (Number(data.conversation_id) !== conversationId) return;
  switch (data.type) {
    case "message.created":
      if (data.message.author) stopTyping(data.message.author.username);
      if (data.message.author && positions[data.message.author.username] !== undefined) {
        positions[data.message.author.username] = data.message.id;
      }
      showMessage(data.message.id).then(markRead);
      break;
    case "message.updated":
    case "message.deleted":
      showMessage(data.message.id);
      break;
    case "message.reaction":
      showMessage(data.message_id);
      break;
    case "conversation.read":
      if (data.person !== me) {
        positions[data.person] = data.last_read_id;
        showSeenBy();
      }
      break;
    case "conversation.typing":
      if (data.person && data.person.username !== me) typing(data.person.username);
      break;
    default:
      break;
  }
});

// --- The composer and the message menus --------------------------------------------------------

function composerError(text) {
  const error = composer.querySelector("[data-composer-error]");
  const field = composer.querySelector("textarea");
  error.textContent = text;
  error.hidden = !text;
  if (text) {
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby", "composer-error");
  } else {
    field.removeAttribute("aria-invalid");
  }
}

// Pictures and files go with the message as multipart (the API checks them as post attachments).
function withFiles(body, files, quoted) {
  const form = new FormData();
  form.set("body", body);
  if (quoted) form.set("reply_to", String(quoted));
  for (const file of files) form.append("files", file);
  const alt = composer.querySelector("[data-composer-alt]");
  if (alt && alt.value.trim()) form.append("alt_texts", alt.value.trim());
  return fetch(`/api/v1/conversations/${conversationId}/messages/with-attachments`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken() },
    body: form,
  });
}

function showChosen() {
  const input = composer.querySelector("[data-composer-files]");
  const files = input ? [...input.files] : [];
  composer.querySelector("[data-composer-chosen]").textContent = files.map((f) => f.name).join(", ");
  const alt = composer.querySelector("[data-composer-alt]");
  alt.hidden = !files.some((f) => f.type.startsWith("image/"));
}

async function send() {
  const field = composer.querySelector("textarea");
  const body = field.value;
  const input = composer.querySelector("[data-composer-files]");
  const files = input ? [...input.files] : [];
  if (!body.trim() && !files.length) return;
  const button = composer.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const quoted = Number(composer.querySelector("[data-composer-reply-to]").value) || null;
    const response = files.length
      ? await withFiles(body, files, quoted)
      : await api("POST", `/conversations/${conversationId}/messages`, { body, reply_to: quoted });
    const answer = await response.json().catch(() => ({}));
    if (response.status === 201) {
      field.value = "";
      if (input) input.value = "";
      composer.querySelector("[data-composer-alt]").value = "";
      showChosen();
      replyTo(null);
      composerError("");
      await showMessage(answer.id); // the event may be late (or the socket down)
      toBottom();
    } else {
      const problems = (answer.errors || []).map((e) => e.message);
      composerError(problems.join(" ") || answer.detail || "The message could not be sent.");
    }
  } catch {
    // No connection: a text message waits in the outbox (outbox.js) and goes when it returns.
    const quoted = Number(composer.querySelector("[data-composer-reply-to]").value) || null;
    const kept = !files.length && window.wcOutbox && window.wcOutbox.queueWrite({
      url: `/api/v1/conversations/${conversationId}/messages`,
      body: JSON.stringify({ body, reply_to: quoted }),
      contentType: "application/json",
      label: "message",
    });
    if (kept) {
      field.value = "";
      replyTo(null);
      composerError("");
    } else {
      composerError("No connection: your message is still here. Try again in a moment.");
    }
  } finally {
    button.disabled = false;
    field.focus();
  }
}

if (root && composer) {
  const field = composer.querySelector("textarea");
  composer.querySelector("[data-composer-files]")?.addEventListener("change", showChosen);
  // Without a text the browser would refuse to submit a picture alone.
  field.removeAttribute("required");
  composer.addEventListener("submit", (event) => {
    event.preventDefault();
    send();
  });
  field.addEventListener("keydown", (event) => {
    const keyboard = window.matchMedia("(pointer: fine)").matches;
    const picking = field.getAttribute("aria-activedescendant"); // a suggestion is highlighted
    if (event.key === "Enter" && !event.shiftKey && keyboard && !picking && !event.isComposing) {
      event.preventDefault();
      send();
    }
  });
  field.addEventListener("input", () => {
    const now = Date.now();
    if (!field.value.trim() || now - lastTyping < TYPING_EVERY_MS) return;
    lastTyping = now;
    document.dispatchEvent(new CustomEvent("watercooler:send", { detail: { type: "typing", conversation: conversationId } }));
  });
}

// "Reply" in a message's menu: the next message quotes it.
function replyTo(button) {
  const line = composer.querySelector("[data-composer-reply]");
  composer.querySelector("[data-composer-reply-to]").value = button ? button.dataset.replyTo : "";
  composer.querySelector("[data-composer-reply-text]").textContent = button ? `Replying to ${button.dataset.replyName}` : "";
  line.hidden = !button;
  if (button) {
    button.closest("details")?.removeAttribute("open");
    composer.querySelector("textarea").focus();
  }
}

document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (!composer || !target) return;
  const button = target.closest("[data-reply-to]");
  if (button) replyTo(button);
  else if (target.closest("[data-composer-reply-cancel]")) replyTo(null);
});

// Reacting, editing and deleting happen in the background; the event redraws the message.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-background") || !root) return;
  event.preventDefault();
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
  const data = new FormData(form);
  if (event.submitter && event.submitter.name) data.set(event.submitter.name, event.submitter.value);
  const response = await fetch(form.action, { method: "POST", body: data, credentials: "same-origin", redirect: "manual" });
  const item = form.closest("[data-message-id]");
  if (item) {
    item.querySelector("details")?.removeAttribute("open");
    if (response.type === "opaqueredirect" || response.ok) showMessage(item.dataset.messageId);
  }
});

if (root) {
  // A conversation opens at its end: the newest message just above the composer (a page of
  // older messages, asked for with a cursor, opens at its top as any page does).
  if (!new URLSearchParams(location.search).has("cursor")) toBottom();
  readUpTo = newestId(); // opening the page read it
  showSeenBy();
  document.addEventListener("visibilitychange", markRead);
}
