// Small progressive enhancements; every page works without this file.

// Show times in the reader's own words ("3 min ago") while the full date stays in the title.
const units = [
  ["year", 31536000], ["month", 2592000], ["week", 604800],
  ["day", 86400], ["hour", 3600], ["minute", 60],
];
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

export function refreshTimes(root = document) {
  for (const el of root.querySelectorAll("time[data-relative]")) {
    const seconds = (new Date(el.dateTime).getTime() - Date.now()) / 1000;
    const [unit, size] = units.find(([, s]) => Math.abs(seconds) >= s) || ["second", 1];
    el.textContent = Math.abs(seconds) < 45 ? "just now" : relative.format(Math.round(seconds / size), unit);
  }
}

// Close the account menu when focus or a click leaves it, and on Escape.
document.addEventListener("click", (event) => {
  for (const menu of document.querySelectorAll("details.menu[open]")) {
    if (!menu.contains(event.target)) menu.open = false;
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const menu of document.querySelectorAll("details.menu[open]")) {
    menu.open = false;
    menu.querySelector("summary").focus();
  }
});

refreshTimes();
document.body.addEventListener("htmx:afterSwap", (event) => refreshTimes(event.target));
setInterval(refreshTimes, 60000);

// Scripts inside <template data-after-load> (live updates) are added once the page has loaded:
// the page shows and works without them, so on a slow link they must not hold it back (the load
// event waits for every script in the document, deferred and module ones included).
function addAfterLoad() {
  for (const template of document.querySelectorAll("template[data-after-load]")) {
    for (const inert of template.content.querySelectorAll("script")) {
      const script = document.createElement("script");
      for (const { name, value } of inert.attributes) script.setAttribute(name, value);
      document.body.append(script);
    }
    template.remove();
  }
}
if (document.readyState === "complete") addAfterLoad();
else window.addEventListener("load", addAfterLoad, { once: true });

// --- People pages (directory, profile editor) ---------------------------------------------------

// Panels marked data-open-wide (the directory filters) fold away on phones but stay open on wider
// screens, where there is room for them.
const wide = window.matchMedia("(min-width: 760px)");
function openWidePanels() {
  if (!wide.matches) return;
  for (const panel of document.querySelectorAll("details[data-open-wide]")) panel.open = true;
}
openWidePanels();
wide.addEventListener("change", openWidePanels);

// Show a chosen profile photo before it is uploaded (the server still checks the bytes).
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.matches("[data-photo-input]")) return;
  const preview = document.querySelector("[data-photo-preview]");
  const file = input.files && input.files[0];
  if (!preview || !file || !file.type.startsWith("image/")) return;
  if (preview.src.startsWith("blob:")) URL.revokeObjectURL(preview.src);
  preview.src = URL.createObjectURL(file);
  preview.hidden = false;
  for (const current of preview.parentElement.querySelectorAll(".avatar:not([data-photo-preview])")) {
    current.hidden = true;
  }
});

// The photo has its own form: saving the rest of the profile while a chosen photo waits would drop
// it silently, so ask first.
document.addEventListener("submit", (event) => {
  const pending = document.querySelector("[data-photo-input]");
  if (!pending || !pending.files || !pending.files.length || pending.form === event.target) return;
  if (!window.confirm("Your new photo is not uploaded yet. Save without it?")) event.preventDefault();
});

// When "Load more" is pressed, or loads while it has keyboard focus, the swap would drop focus to
// the page top: move it to the first person just loaded instead.
const focusAfterLoad = new WeakSet();
document.body.addEventListener("htmx:beforeSwap", (event) => {
  const config = event.detail.requestConfig;
  if (!config || !config.elt.closest(".load-more")) return;
  if (config.triggeringEvent?.type === "click" || config.elt === document.activeElement) {
    focusAfterLoad.add(config);
  }
});
document.body.addEventListener("htmx:afterSwap", (event) => {
  const config = event.detail.requestConfig;
  if (!config || !focusAfterLoad.has(config)) return;
  focusAfterLoad.delete(config);
  const firsts = document.querySelectorAll(".person-list [data-page-first]");
  const link = firsts.length ? firsts[firsts.length - 1].querySelector("a") : null;
  if (link) link.focus();
});

// Live directory searches leave out empty filters, so the address in the bar stays readable.
document.body.addEventListener("htmx:configRequest", (event) => {
  if (!event.detail.elt.matches(".dir-search")) return;
  const params = event.detail.parameters;
  for (const key of Object.keys(params)) if (params[key] === "") delete params[key];
});
