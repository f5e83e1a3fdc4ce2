// The queue refreshes itself every 15 seconds; a new urgent case shows a banner and beeps.
(function () {
  "use strict";
  var rows = document.getElementById("rows");
  var canned = document.getElementById("canned");
  if (canned) {
    canned.addEventListener("change", function () {
      var target = document.getElementById(canned.dataset.target);
      if (target && canned.value) { target.value = canned.value; target.focus(); }
    });
  }
  if (!rows) { return; }
  var audio = null;
  var sound = document.getElementById("sound");
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
  var newest = null, knownUrgent = null;
  function poll() {
    fetch(rows.dataset.poll, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !data.signed_in) { return; }
        var urgent = data.urgent.join(",");
        var fresh = newest !== null && data.newest > newest;
        if (data.urgent.length) {
          document.getElementById("alert").hidden = false;
          if (knownUrgent !== null && urgent !== knownUrgent) { beep(); }
        }
        if (fresh) {
          document.getElementById("news").hidden = false;
          return fetch(rows.dataset.fragment, { credentials: "same-origin", cache: "no-store" })
            .then(function (r) { return r.text(); })
            .then(function (html) { rows.innerHTML = html; });
        }
      })
      .finally(function () {
        window.setTimeout(poll, Number(rows.dataset.interval || 15000));
      });
  }
  fetch(rows.dataset.poll, { credentials: "same-origin", cache: "no-store" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      if (data && data.signed_in) {
        newest = data.newest; knownUrgent = data.urgent.join(",");
        if (data.urgent.length) { document.getElementById("alert").hidden = false; }
      }
    })
    .finally(function () { window.setTimeout(poll, Number(rows.dataset.interval || 15000)); });
})();
