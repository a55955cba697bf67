// @mention and #topic suggestions while typing in a [data-mention-input] textarea, and the people
// picker: an input with data-mention-bare takes usernames without the "@" (whom to message).
//
// When the caret follows "@abc" (or "#abc") the server is asked for matches and an accessible
// listbox opens under the field: Up/Down move, Enter or Tab picks, Escape closes, a click picks.
// Picking replaces the typed word with "@username " (or "#topic "). Without this file people
// simply type the names; the server links them either way.

const DEBOUNCE_MS = 150;
const TOKEN = /(^|[^\w@#&/.+-])([@#])([\w.+-]{0,40})$/u;
const BARE = /(^|[\s,])([\w.+-]{1,40})$/u;

let uid = 0;

class Suggester {
  constructor(field) {
    this.field = field;
    this.id = `suggest-${++uid}`;
    this.items = [];
    this.active = -1;
    this.token = null; // {sigil, start, end}
    this.timer = 0;
    this.controller = null;

    this.list = document.createElement("ul");
    this.list.id = this.id;
    this.list.className = "suggest-list";
    this.list.setAttribute("role", "listbox");
    this.list.setAttribute("aria-label", "Suggestions");
    this.list.hidden = true;
    this.status = document.createElement("span");
    this.status.className = "visually-hidden";
    this.status.setAttribute("role", "status");
    const holder = document.createElement("div");
    holder.className = "suggest";
    const hadFocus = document.activeElement === field;
    field.parentNode.insertBefore(holder, field);
    holder.append(field, this.list, this.status);
    if (hadFocus) field.focus(); // moving an element drops its focus

    field.setAttribute("aria-autocomplete", "list");
    field.setAttribute("aria-controls", this.id);
    field.setAttribute("autocomplete", "off");
    field.addEventListener("input", () => this.schedule());
    field.addEventListener("click", () => this.schedule());
    field.addEventListener("keydown", (event) => this.onKey(event));
    field.addEventListener("blur", () => window.setTimeout(() => this.close(), 150));
    // mousedown, not click: picking must happen before the field loses focus.
    this.list.addEventListener("mousedown", (event) => {
      const option = event.target.closest("[role=option]");
      if (!option) return;
      event.preventDefault();
      this.pick(Number(option.dataset.index));
    });
  }

  currentToken() {
    const { value, selectionStart, selectionEnd } = this.field;
    if (selectionStart !== selectionEnd) return null;
    if ("mentionBare" in this.field.dataset) {
      const bare = BARE.exec(value.slice(0, selectionStart));
      return bare ? { sigil: "@", bare: true, query: bare[2], start: selectionStart - bare[2].length, end: selectionStart } : null;
    }
    const match = TOKEN.exec(value.slice(0, selectionStart));
    if (!match) return null;
    const sigil = match[2];
    const query = match[3];
    if (sigil === "#" && /[^\w]/u.test(query)) return null;
    return { sigil, query, start: selectionStart - query.length - 1, end: selectionStart };
  }

  schedule() {
    window.clearTimeout(this.timer);
    const token = this.currentToken();
    if (!token || !token.query) {
      this.close();
      return;
    }
    this.timer = window.setTimeout(() => this.fetch(token), DEBOUNCE_MS);
  }

  async fetch(token) {
    const url = token.sigil === "@" ? this.field.dataset.mentionUrl : this.field.dataset.topicUrl;
    if (!url) return;
    if (this.controller) this.controller.abort();
    this.controller = new AbortController();
    let results;
    try {
      const response = await fetch(`${url}?q=${encodeURIComponent(token.query)}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: this.controller.signal,
      });
      if (!response.ok) return this.close();
      results = await response.json();
    } catch (error) {
      if (error.name !== "AbortError") this.close();
      return;
    }
    // The person may have typed on while the answer travelled.
    const now = this.currentToken();
    if (!now || now.start !== token.start || now.query !== token.query) return;
    this.token = token;
    this.show(Array.isArray(results) ? results : []);
  }

  show(results) {
    this.items = results.map((item) =>
      this.token.sigil === "@"
        ? { insert: this.token.bare ? item.username : `@${item.username}`, title: item.display_name, note: `@${item.username}${item.title ? ` · ${item.title}` : ""}`, avatar: item.avatar }
        : { insert: `#${item.label || item.name}`, title: `#${item.label || item.name}`, note: item.post_count != null ? `${item.post_count} post${item.post_count === 1 ? "" : "s"}` : "" },
    );
    this.list.replaceChildren();
    if (!this.items.length) {
      this.close();
      this.status.textContent = "No suggestions";
      return;
    }
    this.items.forEach((item, index) => {
      const option = document.createElement("li");
      option.id = `${this.id}-${index}`;
      option.className = "suggest-option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.index = String(index);
      if (item.avatar) {
        const img = document.createElement("img");
        img.src = item.avatar;
        img.alt = "";
        img.className = "avatar avatar-sm";
        img.width = 32;
        img.height = 32;
        option.append(img);
      } else if (this.token.sigil === "@") {
        const initials = document.createElement("span");
        initials.className = "avatar avatar-sm avatar-initials suggest-initials";
        initials.setAttribute("aria-hidden", "true");
        initials.textContent = item.title.split(/\s+/).map((w) => w[0] || "").join("").slice(0, 2).toUpperCase();
        option.append(initials);
      }
      const text = document.createElement("span");
      text.className = "suggest-text";
      const title = document.createElement("strong");
      title.textContent = item.title;
      text.append(title);
      if (item.note) {
        const note = document.createElement("span");
        note.className = "muted small";
        note.textContent = item.note;
        text.append(note);
      }
      option.append(text);
      this.list.append(option);
    });
    this.list.hidden = false;
    this.move(0);
    const n = this.items.length;
    this.status.textContent = `${n} suggestion${n === 1 ? "" : "s"}, use up and down arrows to choose`;
  }

  move(index) {
    const options = this.list.querySelectorAll("[role=option]");
    if (!options.length) return;
    this.active = (index + options.length) % options.length;
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === this.active)));
    const current = options[this.active];
    this.field.setAttribute("aria-activedescendant", current.id);
    current.scrollIntoView({ block: "nearest" });
  }

  isOpen() {
    return !this.list.hidden && this.items.length > 0;
  }

  onKey(event) {
    if (!this.isOpen()) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      this.move(this.active + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      this.move(this.active - 1);
    } else if (event.key === "Enter" || event.key === "Tab") {
      if (this.active < 0) return;
      event.preventDefault();
      this.pick(this.active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      this.close();
    }
  }

  pick(index) {
    const item = this.items[index];
    const token = this.currentToken();
    if (!item || !token) return this.close();
    const { value } = this.field;
    const text = `${item.insert} `;
    this.field.value = value.slice(0, token.start) + text + value.slice(token.end);
    const caret = token.start + text.length;
    this.field.setSelectionRange(caret, caret);
    this.field.focus();
    this.close();
    this.status.textContent = `${item.insert} inserted`;
    this.field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  close() {
    window.clearTimeout(this.timer);
    this.list.hidden = true;
    this.list.replaceChildren();
    this.items = [];
    this.active = -1;
    this.field.removeAttribute("aria-activedescendant");
  }
}

const attached = new WeakSet();

export function attachSuggestions(root = document) {
  for (const field of root.querySelectorAll("textarea[data-mention-input], input[data-mention-input]")) {
    if (attached.has(field)) continue;
    attached.add(field);
    const suggester = new Suggester(field);
    // This file loads after the page (base.html): someone may already be typing a name.
    if (document.activeElement === field) suggester.schedule();
  }
}

attachSuggestions();
// Composers and reply forms also arrive in htmx swaps.
document.body.addEventListener("htmx:load", (event) => attachSuggestions(event.target.parentNode || document));
