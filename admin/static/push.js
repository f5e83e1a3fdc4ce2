// "Notifikasi" in the header: turns Web Push alerts on or off for this device (one tap, once).
(function () {
  "use strict";
  var button = document.getElementById("push-toggle");
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (!button || !meta || !("serviceWorker" in navigator) || !("PushManager" in window) ||
      !("Notification" in window)) { return; }
  var note = document.getElementById("push-note");
  var registration = null;
  button.hidden = false;

  function say(text) { if (note) { note.textContent = text || ""; } }
  function show(on) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? button.dataset.on : button.dataset.off;
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "x-csrftoken": meta.content },
      body: JSON.stringify(body)
    });
  }
  function bytes(base64url) {
    var text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4));
    var out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { out[i] = text.charCodeAt(i); }
    return out;
  }
  function turnOn() {
    return Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { throw new Error(button.dataset.denied); }
      return fetch("/admin/push/key", { credentials: "same-origin", cache: "no-store" });
    }).then(function (r) { return r.json(); }).then(function (data) {
      return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: bytes(data.key) });
    }).then(function (subscription) {
      return post("/admin/push/subscribe", subscription.toJSON());
    }).then(function (r) {
      if (!r.ok) { throw new Error(button.dataset.failed); }
      show(true); say(button.dataset.done);
    });
  }
  function turnOff() {
    return registration.pushManager.getSubscription().then(function (subscription) {
      if (!subscription) { return null; }
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () { return post("/admin/push/unsubscribe", { endpoint: endpoint }); });
    }).then(function () { show(false); say(button.dataset.stopped); });
  }
  navigator.serviceWorker.register("/admin/push-worker.js", { scope: "/admin/" }).then(function (found) {
    registration = found;
    return found.pushManager.getSubscription();
  }).then(function (subscription) {
    show(!!subscription && Notification.permission === "granted");
  }).catch(function () { button.hidden = true; });

  button.addEventListener("click", function () {
    if (!registration) { return; }
    button.disabled = true;
    (button.getAttribute("aria-pressed") === "true" ? turnOff() : turnOn())
      .catch(function (error) { say(error && error.message && error.message.length < 200 ? error.message : button.dataset.failed); })
      .finally(function () { button.disabled = false; });
  });
})();
