// Feed pages: small enhancements of the composer, threads and the home layout. Every form works
// without this file (all poll fields show, one shared alt text field, full page reloads).

// --- Composer: poll fields only for polls, a few option fields at a time, alt text per image ---

const MIN_OPTIONS = 2;

function syncComposer(form) {
  const kind = form.querySelector("[data-kind-choice]:checked");
  const poll = form.querySelector("[data-poll-fields]");
  if (!poll) return;
  const isPoll = kind && kind.value === "poll";
  poll.hidden = !isPoll;
  const options = [...poll.querySelectorAll("[data-poll-option]")];
  let lastFilled = -1;
  options.forEach((row, i) => {
    if (row.querySelector("input").value.trim()) lastFilled = i;
  });
  const visible = Math.max(MIN_OPTIONS, lastFilled + 1, Number(poll.dataset.shown || 0));
  options.forEach((row, i) => { row.hidden = i >= visible; });
  poll.dataset.shown = String(visible);
  const add = poll.querySelector("[data-add-option]");
  if (add) add.hidden = visible >= options.length;
}

function altFieldsFor(input) {
  const holder = input.form.querySelector("[data-alt-fields]");
  if (!holder) return;
  for (const url of holder.querySelectorAll("img")) URL.revokeObjectURL(url.src);
  holder.replaceChildren();
  [...input.files].forEach((file, index) => {
    if (!file.type.startsWith("image/")) return;
    const row = document.createElement("div");
    row.className = "alt-field";
    const preview = document.createElement("img");
    preview.src = URL.createObjectURL(file);
    preview.alt = "";
    const box = document.createElement("div");
    box.className = "grow";
    const label = document.createElement("label");
    const id = `alt-${index}-${Date.now()}`;
    label.htmlFor = id;
    label.textContent = `Describe “${file.name}” (alt text)`;
    const field = document.createElement("input");
    field.type = "text";
    field.id = id;
    field.name = `alt_text_${index}`;
    field.maxLength = 500;
    field.placeholder = "What does the image show?";
    box.append(label, field);
    row.append(preview, box);
    holder.append(row);
  });
}

// On a phone an empty composer folds to one line ("Share something…") so the first posts show
// on the first screen; tapping or focusing it opens the whole form. Errors or a quote keep it open.
const phone = window.matchMedia("(max-width: 759.98px)");

function foldComposer(form) {
  const body = form.querySelector("textarea[name=body]");
  const busy = form.querySelector(".composer-quote, .field-error, .adm-alert, [aria-invalid=true]");
  if (!phone.matches || busy || (body && body.value.trim() && !form.querySelector("input[name=prefill]"))) return;
  form.classList.add("is-folded");
}

function unfoldComposer(form, focus) {
  form.classList.remove("is-folded");
  const toggle = form.querySelector("[data-composer-unfold]");
  if (toggle) toggle.setAttribute("aria-expanded", "true");
  const body = form.querySelector("textarea[name=body]");
  if (focus && body) body.focus();
}

function setUpComposers(root = document) {
  for (const form of root.querySelectorAll("form[data-composer]")) {
    if (form.dataset.ready) continue;
    form.dataset.ready = "1";
    syncComposer(form);
    foldComposer(form);
  }
}

document.addEventListener("click", (event) => {
  const toggle = event.target instanceof Element && event.target.closest("[data-composer-unfold]");
  if (toggle) unfoldComposer(toggle.form, true);
});
document.addEventListener("focusin", (event) => {
  const form = event.target instanceof Element && event.target.closest("form.is-folded[data-composer]");
  if (form && !event.target.matches("[data-composer-unfold]")) unfoldComposer(form, false);
});

document.addEventListener("change", (event) => {
  const target = event.target;
  if (!(target instanceof HTMLInputElement) || !target.form) return;
  if (target.matches("[data-kind-choice]")) syncComposer(target.form);
  if (target.matches("[data-attachments]")) altFieldsFor(target);
});

document.addEventListener("click", (event) => {
  const add = event.target.closest("[data-add-option]");
  if (!add) return;
  const poll = add.closest("[data-poll-fields]");
  poll.dataset.shown = String(Number(poll.dataset.shown || MIN_OPTIONS) + 1);
  syncComposer(add.form);
  const rows = [...poll.querySelectorAll("[data-poll-option]:not([hidden]) input")];
  if (rows.length) rows[rows.length - 1].focus();
});

// --- htmx: forms answer their own errors (400) in place -----------------------------------------

document.body.addEventListener("htmx:beforeSwap", (event) => {
  const { xhr, requestConfig } = event.detail;
  if (!xhr || xhr.status !== 400 || !requestConfig) return;
  const form = requestConfig.elt.closest("form");
  if (!form) return;
  if (form.matches("[data-composer]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
    event.detail.target = form;
    event.detail.swapOverride = "outerHTML";
  } else if (form.matches(".reply-form, .poll form, .poll-vote")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// A post went out: empty the composer for the next one (a topic's keeps its tag).
document.body.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (!(form instanceof HTMLFormElement) || !form.matches("[data-composer]") || !event.detail.successful) return;
  const prefill = form.querySelector("input[name=prefill]");
  form.reset();
  const body = form.querySelector("textarea[name=body]");
  if (body) body.value = prefill ? prefill.value : "";
  const quote = form.querySelector(".composer-quote");
  if (quote) quote.remove();
  const alts = form.querySelector("[data-alt-fields]");
  if (alts) {
    for (const img of alts.querySelectorAll("img")) URL.revokeObjectURL(img.src);
    alts.replaceChildren();
  }
  const poll = form.querySelector("[data-poll-fields]");
  if (poll) delete poll.dataset.shown;
  syncComposer(form);
});

document.body.addEventListener("htmx:afterSettle", (event) => {
  const config = event.detail.requestConfig;
  if (!config) return;
  const elt = config.elt;
  // "Reply" under a reply loads its form: put the caret in it.
  const selector = elt.dataset ? elt.dataset.focusAfter : null;
  if (selector) {
    const field = document.querySelector(selector);
    if (field) {
      field.focus();
      field.scrollIntoView({ block: "center" });
    }
  }
  // After an error the composer comes back: focus its first invalid field.
  const invalid = document.querySelector("#composer [aria-invalid=true], #composer .field-error");
  if (elt.matches && elt.matches("[data-composer]") && invalid) {
    const field = invalid.matches("textarea, input") ? invalid : invalid.closest(".field, fieldset")?.querySelector("input, textarea");
    if (field) field.focus();
  }
});

document.body.addEventListener("htmx:load", (event) => setUpComposers(event.target.parentNode || document));

// --- Home: the people dashboard sits open beside the feed on wide screens ---------------------

const desktop = window.matchMedia("(min-width: 1000px)");
function openDesktopPanels() {
  if (!desktop.matches) return;
  for (const panel of document.querySelectorAll("details[data-open-desktop]")) panel.open = true;
}
openDesktopPanels();
desktop.addEventListener("change", openDesktopPanels);

setUpComposers();

// --- "Who reacted": a popover that keeps the reaction buttons ---------------------------------

function closeWho(popover, refocus) {
  popover.hidden = true;
  const toggle = document.querySelector(`[aria-controls="${popover.id}"]`);
  if (!toggle) return;
  toggle.setAttribute("aria-expanded", "false");
  if (refocus) toggle.focus();
}

function openWho(toggle) {
  const popover = document.getElementById(toggle.getAttribute("aria-controls"));
  if (!popover) return;
  for (const other of document.querySelectorAll(".who-popover:not([hidden])")) closeWho(other, false);
  popover.hidden = false;
  toggle.setAttribute("aria-expanded", "true");
  const list = popover.querySelector("[data-who-list]");
  // Loaded each time it opens: the list changes while the page is open.
  if (list && window.htmx) window.htmx.trigger(list, "who-open");
  popover.querySelector("[data-who-close]").focus();
}

document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const toggle = target && target.closest("[data-who-toggle]");
  if (toggle) {
    event.preventDefault();
    const popover = document.getElementById(toggle.getAttribute("aria-controls"));
    if (popover && !popover.hidden) closeWho(popover, true);
    else openWho(toggle);
    return;
  }
  const close = target && target.closest("[data-who-close]");
  if (close) {
    closeWho(close.closest(".who-popover"), true);
    return;
  }
  for (const popover of document.querySelectorAll(".who-popover:not([hidden])")) {
    if (!popover.contains(target)) closeWho(popover, false);
  }
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const popover of document.querySelectorAll(".who-popover:not([hidden])")) closeWho(popover, true);
});
