// The queue refreshes itself: new cases and reporters' messages appear, the folder tabs count
// what is unread, and a new urgent case shows a banner and beeps. j/k move between cases.
(function () {
  "use strict";
  var rows = document.getElementById("rows");
  if (!rows) { return; }
  var audio = null, sound = document.getElementById("sound");
  if (sound) {
    sound.addEventListener("click", function () {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      beep();
    });
  }
  function beep() {
    if (!audio) { return; }
    var osc = audio.createOscillator(), gain = audio.createGain();
    osc.frequency.value = 880; gain.gain.value = 0.2;
    osc.connect(gain); gain.connect(audio.destination);
    osc.start(); osc.stop(audio.currentTime + 0.6);
  }
  var seen = null, knownUrgent = null;
  function get(url) { return fetch(url, { credentials: "same-origin", cache: "no-store" }); }
  function counts(unread) {
    document.querySelectorAll(".tabs .count").forEach(function (badge) {
      var n = unread[badge.dataset.folder] || 0;
      badge.textContent = n ? (rows.dataset.unreadWord || "").replace("{n}", n) : "";
    });
  }
  function poll(first) {
    get(rows.dataset.poll).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (!data || !data.signed_in) { return null; }
      var urgent = data.urgent.join(","), state = data.newest + ":" + data.activity;
      if (data.urgent.length) {
        document.getElementById("alert").hidden = false;
        if (knownUrgent !== null && urgent !== knownUrgent) { beep(); }
      }
      knownUrgent = urgent;
      counts(data.unread);
      var changed = seen !== null && state !== seen;
      var freshCase = seen !== null && data.newest > Number(seen.split(":")[0]);
      seen = state;
      if (first || !changed) { return null; }
      if (freshCase) { document.getElementById("news").hidden = false; }
      return get(rows.dataset.fragment).then(function (r) { return r.text(); })
        .then(function (html) { rows.innerHTML = html; });
    }).finally(function () {
      window.setTimeout(function () { poll(false); }, Number(rows.dataset.interval || 15000));
    });
  }
  poll(true);

  var current = -1;
  window.hotlineMove = function (step) {
    var links = rows.querySelectorAll("a.case-link");
    if (!links.length) { return; }
    current = Math.max(0, Math.min(links.length - 1, current + step));
    links[current].focus();
  };
})();
