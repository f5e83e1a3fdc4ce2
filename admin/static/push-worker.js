// The console's service worker: shows Web Push alerts (reference, category, urgency; never
// report content) even when the console is closed and the phone asleep; a tap opens the case.
"use strict";
self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  var options = {
    body: data.body || "",
    tag: (data.reference || "pksai") + ":" + (data.kind || ""),
    renotify: true,
    requireInteraction: data.urgency === "urgent",
    data: { url: data.url || "/admin/queue" }
  };
  event.waitUntil(self.registration.showNotification(data.title || "PKSAI", options));
});
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = new URL(event.notification.data.url, self.location.origin).href;
  event.waitUntil(self.clients.matchAll({ type: "window" }).then(function (open) {
    for (var i = 0; i < open.length; i++) {
      if (open[i].url === url && "focus" in open[i]) { return open[i].focus(); }
    }
    return self.clients.openWindow(url);
  }));
});
