// "Push on this device" on the notification settings page: asks the browser's permission,
// subscribes with the server's VAPID key and sends the subscription to
// POST /api/v1/push/subscriptions (docs/notifications.md, "Push"). The page lists the devices
// already subscribed, each with a button to stop.

const section = document.querySelector("[data-push]");

function keyBytes(base64url) {
  const base64 = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function say(text) {
  const status = section.querySelector("[data-push-status]");
  if (status) status.textContent = text;
}

async function turnOn(button) {
  button.disabled = true;
  try {
    if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
      say("This browser cannot receive push notifications.");
      return;
    }
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      say("Notifications are blocked for this site in the browser's settings.");
      return;
    }
    const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
    await navigator.serviceWorker.ready;
    const subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: keyBytes(section.dataset.key),
    });
    const token = document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
    const response = await fetch("/api/v1/push/subscriptions", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(subscription.toJSON()),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    say("Push is on for this device.");
    window.location.reload();
  } catch (error) {
    say("Push could not be turned on here. Try again later.");
  } finally {
    button.disabled = false;
  }
}

if (section) {
  const button = section.querySelector("[data-push-on]");
  if (button && section.dataset.key && "PushManager" in window) {
    button.hidden = false;
    button.addEventListener("click", () => turnOn(button));
  } else if (!section.dataset.key) {
    say("Push is not set up on this server.");
  } else {
    say("This browser cannot receive push notifications.");
  }
}
