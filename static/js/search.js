// Type-ahead for the top bar's search box: people, communities and topics as you type.
//
// The box is a combobox: Up/Down move through the suggestions, Enter opens the chosen one (or,
// with none chosen, runs the full search), Escape closes the list. Without this file the box
// still submits to the results page.

const DEBOUNCE_MS = 120;

function setUp(field) {
  const url = field.dataset.suggestUrl;
  const list = document.createElement("ul");
  list.id = "topbar-suggestions";
  list.className = "suggest-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Suggestions");
  list.hidden = true;
  const status = document.createElement("span");
  status.className = "visually-hidden";
  status.setAttribute("aria-live", "polite");
  const holder = document.createElement("div");
  holder.className = "suggest";
  const hadFocus = document.activeElement === field;
  field.parentNode.insertBefore(holder, field);
  holder.append(field, list, status);
  if (hadFocus) field.focus();
  field.setAttribute("role", "combobox");
  field.setAttribute("aria-autocomplete", "list");
  field.setAttribute("aria-controls", list.id);
  field.setAttribute("aria-expanded", "false");

  let items = [];
  let active = -1;
  let timer = 0;
  let controller = null;

  const close = () => {
    list.hidden = true;
    list.replaceChildren();
    items = [];
    active = -1;
    field.setAttribute("aria-expanded", "false");
    field.removeAttribute("aria-activedescendant");
  };

  const move = (index) => {
    const options = list.querySelectorAll("[role=option]");
    if (!options.length) return;
    active = (index + options.length) % options.length;
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === active)));
    field.setAttribute("aria-activedescendant", options[active].id);
    options[active].scrollIntoView({ block: "nearest" });
  };

  const show = (found) => {
    items = found;
    list.replaceChildren();
    if (!items.length) {
      close();
      status.textContent = "No suggestions";
      return;
    }
    items.forEach((item, index) => {
      const option = document.createElement("li");
      option.id = `topbar-suggestion-${index}`;
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
      } else {
        const badge = document.createElement("span");
        badge.className = "avatar avatar-sm avatar-initials suggest-initials";
        badge.setAttribute("aria-hidden", "true");
        badge.textContent = item.type === "topic" ? "#" : item.title.split(/\s+/).map((w) => w[0] || "").join("").slice(0, 2).toUpperCase();
        option.append(badge);
      }
      const text = document.createElement("span");
      text.className = "suggest-text";
      const title = document.createElement("strong");
      title.textContent = item.title;
      const note = document.createElement("span");
      note.className = "muted small";
      note.textContent = item.note;
      text.append(title, note);
      option.append(text);
      list.append(option);
    });
    list.hidden = false;
    field.setAttribute("aria-expanded", "true");
    active = -1;
    const n = items.length;
    status.textContent = `${n} suggestion${n === 1 ? "" : "s"}, use up and down arrows to choose`;
  };

  const fetchNow = async (query) => {
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const response = await fetch(`${url}?q=${encodeURIComponent(query)}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller.signal,
      });
      if (!response.ok) return close();
      const data = await response.json();
      if (field.value.trim() !== query) return; // typed on meanwhile
      show(Array.isArray(data.items) ? data.items : []);
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
  };

  field.addEventListener("input", () => {
    window.clearTimeout(timer);
    const query = field.value.trim();
    if (!query) return close();
    timer = window.setTimeout(() => fetchNow(query), DEBOUNCE_MS);
  });
  field.addEventListener("keydown", (event) => {
    if (list.hidden || !items.length) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      move(active + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      move(active - 1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.assign(items[active].url);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  field.addEventListener("blur", () => window.setTimeout(close, 150));
  // mousedown, not click: the choice must be read before the box loses focus.
  list.addEventListener("mousedown", (event) => {
    const option = event.target.closest("[role=option]");
    if (!option) return;
    event.preventDefault();
    window.location.assign(items[Number(option.dataset.index)].url);
  });
  // This file loads after the page: someone may already be typing.
  if (hadFocus && field.value.trim()) fetchNow(field.value.trim());
}

const field = document.getElementById("topbar-q");
if (field && field.dataset.suggestUrl) setUp(field);
