// A newly published announcement arrives on the open home page. static/js/live.js dispatches
// every websocket event as a "watercooler:event" CustomEvent on document; for
// `announcement.published` (sent only to the audience, docs/announcements.md) we fetch the
// viewer's pinned card from the server and put it at the top of the pinned area, once.

const root = document.querySelector("[data-pinned-announcements]");

async function insertCard(id) {
  const cards = root.querySelector("[data-pinned-cards]");
  if (!cards || document.getElementById(`announcement-${id}`)) return;
  const url = root.dataset.cardUrl.replace(/\/0\/card\/$/, `/${id}/card/`);
  let html = "";
  try {
    const response = await fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } });
    if (!response.ok) return;
    html = (await response.text()).trim();
  } catch {
    return;
  }
  // A second event for the same announcement (a reconnect) may have won the race.
  if (!html || document.getElementById(`announcement-${id}`)) return;
  const template = document.createElement("template");
  template.innerHTML = html;
  const card = template.content.firstElementChild;
  if (!card) return;
  cards.prepend(card);
  if (window.htmx) window.htmx.process(card);
  const earlier = root.querySelector("[data-earlier-announcements]");
  if (earlier) earlier.hidden = false;
  const status = root.querySelector("[data-pinned-status]");
  const title = card.querySelector("h2");
  if (status && title) status.textContent = `New announcement: ${title.textContent.trim()}`;
}

if (root) {
  document.addEventListener("watercooler:event", (event) => {
    const data = event.detail;
    if (!data || data.type !== "announcement.published" || !data.announcement) return;
    const id = Number(data.announcement.id);
    if (Number.isInteger(id) && id > 0) insertCard(id);
  });
}
