// Live numbers on an announcement's statistics page. static/js/live.js dispatches every websocket
// event as a "watercooler:event" CustomEvent on document; here we apply `announcement.stats`
// events for the announcement on this page. Without JavaScript the page shows the numbers as of
// its loading.

const root = document.querySelector("[data-announcement-stats]");
const number = new Intl.NumberFormat();

// Bar widths come as data-width (a percentage): the Content-Security-Policy (style-src 'self')
// blocks style="" attributes in the HTML, but not widths set from a script.
if (root) {
  for (const bar of root.querySelectorAll("[data-width]")) bar.style.width = `${Number(bar.dataset.width) || 0}%`;
}

function apply(event) {
  if (!root || !event || event.type !== "announcement.stats") return;
  if (String(event.announcement_id) !== root.dataset.announcementStats) return;
  const audience = Number(event.audience_size) || 0;
  const percent = (count) => (audience ? Math.round((100 * count) / audience) : 0);
  const values = {
    audience: number.format(audience),
    seen: number.format(event.seen_count),
    acknowledged: number.format(event.acknowledged_count),
    seen_percent: `${percent(event.seen_count)}%`,
    acknowledged_percent: `${percent(event.acknowledged_count)}%`,
  };
  for (const [name, text] of Object.entries(values)) {
    for (const el of root.querySelectorAll(`[data-stat="${name}"]`)) el.textContent = text;
  }
  for (const [name, count] of [["seen", event.seen_count], ["acknowledged", event.acknowledged_count]]) {
    for (const bar of root.querySelectorAll(`[data-stat-bar="${name}"]`)) bar.style.width = `${percent(count)}%`;
  }
}

document.addEventListener("watercooler:event", (e) => {
  // live.js puts the event itself in `detail`; accept a wrapped {event} too.
  const detail = e.detail || {};
  apply(detail.type ? detail : detail.event);
});
