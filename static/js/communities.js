// Community pages: a handle suggested from the name while creating one, and membership buttons
// and moderators' row actions that show their own errors (htmx leaves 4xx answers unswapped).
// Every page works without this file: the server suggests the handle and answers plain forms.

const handleFor = (name) =>
  name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40).replace(/-+$/, "");

document.addEventListener("input", (event) => {
  const field = event.target;
  if (!(field instanceof HTMLInputElement)) return;
  const form = field.form;
  if (!form) return;
  if (field.matches("[data-handle-target]")) {
    // Typed by hand: stop following the name.
    field.dataset.edited = field.value ? "1" : "";
    return;
  }
  if (!field.matches("[data-handle-source]")) return;
  const handle = form.querySelector("[data-handle-target]");
  if (handle && !handle.dataset.edited && handle.dataset.auto !== "off") handle.value = handleFor(field.value);
});

// A settings form that opened with a handle already there does not rewrite it from the name.
for (const handle of document.querySelectorAll("[data-handle-target]")) {
  if (handle.value) handle.dataset.edited = "1";
}

document.body.addEventListener("htmx:beforeSwap", (event) => {
  const { xhr, requestConfig } = event.detail;
  if (!xhr || !requestConfig || xhr.status < 400 || xhr.status >= 500) return;
  const form = requestConfig.elt.closest("form");
  if (!form || !form.matches("[data-community-action]")) return;
  // The server answered with the buttons (or the row) and the reason it did not work.
  event.detail.shouldSwap = true;
  event.detail.isError = false;
});

// Focus the error summary of a form sent back with errors, so it is read out first.
const summary = document.querySelector("[data-error-summary]");
if (summary) summary.focus();
