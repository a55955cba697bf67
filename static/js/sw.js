// The service worker of the installable app. The server writes VERSION, SHELL (the app shell's
// files, by their hashed names), READABLE_PAGES and OFFLINE_PAGE above this line (core/pwa.py).
//
// - The app shell is kept from install; static files come from it, else from the network.
// - The feed, notifications and conversations are kept as last seen (network first), so they
//   can be read offline; any other page offline shows OFFLINE_PAGE.
// - A push shows a notification (with the app closed) and sets the app badge; clicking it
//   opens what it is about.
/* global VERSION, SHELL, READABLE_PAGES, OFFLINE_PAGE */
const SHELL_CACHE = `shell-${VERSION}`;
// Pages hold a person's own data: pwa.js empties this cache at sign-out and when another
// person signs in.
const PAGES_CACHE = "pages";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith("shell-") && key !== SHELL_CACHE).map((key) => caches.delete(key)),
      ))
      .then(() => self.clients.claim()),
  );
});

function readable(url) {
  return READABLE_PAGES.some((path) => url.pathname === path || (path !== "/" && url.pathname.startsWith(path)));
}

async function networkFirst(request) {
  const cache = await caches.open(PAGES_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic" && !response.redirected) {
      await cache.put(request.url.split("#")[0], response.clone());
    }
    return response;
  } catch (error) {
    const saved = await cache.match(request.url.split("#")[0], { ignoreSearch: true });
    if (!saved) return (await caches.match(OFFLINE_PAGE)) || Response.error();
    // Marked, so that the page shows its offline banner whatever navigator.onLine says.
    const html = (await saved.text()).replace("<html ", "<html data-served-offline ");
    return new Response(html, { status: saved.status, headers: saved.headers });
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  } else if (request.mode === "navigate" && readable(url)) {
    event.respondWith(networkFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(async () => (await caches.match(OFFLINE_PAGE)) || Response.error()));
  }
});

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data ? event.data.text() : "" };
  }
  const shown = self.registration.showNotification(data.title || "Watercooler", {
    body: data.body || "",
    tag: data.tag || undefined,
    renotify: Boolean(data.tag),
    icon: SHELL.find((path) => path.includes("icon-192")),
    badge: SHELL.find((path) => path.includes("badge-96")),
    data: { url: data.url || "/notifications/" },
  });
  const badge = "setAppBadge" in self.navigator && typeof data.unread === "number"
    ? self.navigator.setAppBadge(data.unread).catch(() => {})
    : Promise.resolve();
  event.waitUntil(Promise.all([shown, badge]));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data.url, self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => client.url === target);
      if (open) return open.focus();
      return self.clients.openWindow(target);
    }),
  );
});
