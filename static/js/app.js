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
