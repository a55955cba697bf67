// The installable app on every signed-in page: registers the service worker (static/js/sw.js,
// served at /sw.js), shows a banner while offline, keeps the app badge at the unread count
// where the platform has one, and forgets the pages saved for offline reading when the person
// signs out or another one signs in on this device.

const me = document.querySelector("script[data-pwa]")?.dataset.username || "";
// The service worker's cache of pages read offline (static/js/sw.js, PAGES_CACHE).
const PAGES_CACHE = "pages";

function forgetPages() {
  return "caches" in window ? caches.delete(PAGES_CACHE).catch(() => false) : Promise.resolve(false);
}

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
  let previous = null;
  try {
    previous = localStorage.getItem("wc-user");
    localStorage.setItem("wc-user", me);
  } catch (error) {
    previous = null;
  }
  if (previous !== null && previous !== me) forgetPages();
}

// Signing out forgets what was saved before the form goes.
for (const form of document.querySelectorAll("form[action$='/accounts/logout/']")) {
  form.addEventListener("submit", (event) => {
    if (form.dataset.forgotten) return;
    event.preventDefault();
    form.dataset.forgotten = "1";
    forgetPages().finally(() => form.submit());
  });
}

// Offline: the browser says so, or the service worker served this page from what was saved.
const banner = document.querySelector("[data-offline-banner]");
const servedOffline = document.documentElement.hasAttribute("data-served-offline");
function showConnection(event) {
  if (!banner) return;
  banner.hidden = event && event.type === "online" ? true : navigator.onLine && !servedOffline;
}
window.addEventListener("online", showConnection);
window.addEventListener("offline", showConnection);
showConnection();

// The app badge follows the notification badge that live.js keeps current.
const notificationBadge = document.querySelector("[data-notification-badge]");
function showAppBadge() {
  if (!("setAppBadge" in navigator) || !notificationBadge) return;
  const number = notificationBadge.querySelector("[data-notification-count]") || notificationBadge;
  const count = notificationBadge.hidden ? 0 : parseInt(number.textContent, 10) || 0;
  (count > 0 ? navigator.setAppBadge(count) : navigator.clearAppBadge()).catch(() => {});
}
if (notificationBadge) {
  new MutationObserver(showAppBadge).observe(notificationBadge, {
    attributes: true, childList: true, subtree: true, characterData: true,
  });
  showAppBadge();
}

// A post or a reply that could not leave (no connection) waits in the outbox (outbox.js) and
// goes when the connection returns; its form is cleared once it is kept. Files cannot wait.
document.addEventListener("htmx:sendError", (event) => {
  const form = event.detail.elt && event.detail.elt.closest("form[data-offline-queue]");
  if (!form || !window.wcOutbox) return;
  const data = new FormData(form);
  if ([...data.values()].some((value) => value instanceof File && value.size > 0)) {
    window.alert("You are offline: pictures and files cannot wait to be sent. Try again when you are back online.");
    return;
  }
  const fields = [...data].filter(([, value]) => typeof value === "string");
  const kept = window.wcOutbox.queueWrite({
    url: form.action,
    body: new URLSearchParams(fields).toString(),
    contentType: "application/x-www-form-urlencoded",
    label: form.dataset.offlineQueue,
  });
  if (kept) form.reset();
});
