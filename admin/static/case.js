// The case page without full reloads: the action bar opens each form in place, forms are sent in
// the background and the page is updated where it stands, and what arrives meanwhile (a reporter's
// message, a colleague's change) appears without a reload. Without script every form still posts.
(function () {
  "use strict";
  var main = document.getElementById("main");
  if (!main || !window.fetch || !window.DOMParser) { return; }
  var path = window.location.pathname;

  function panels() { return main.querySelectorAll(".panel"); }
  function open(id, focus) {
    var found = false;
    panels().forEach(function (panel) {
      var on = panel.id === id && !panel.classList.contains("open");
      panel.classList.toggle("open", on);
      found = found || on;
    });
    main.querySelectorAll(".bar-link").forEach(function (link) {
      link.setAttribute("aria-expanded", link.dataset.panel === id && found ? "true" : "false");
    });
    var panel = document.getElementById(id);
    if (found && panel && focus) {
      var field = panel.querySelector("textarea, select, input:not([type=hidden])");
      panel.scrollIntoView({ block: "nearest" });
      if (field) { field.focus({ preventScroll: true }); }
    }
  }
  function prepare() {
    main.querySelectorAll(".bar-link").forEach(function (link) {
      link.setAttribute("aria-controls", link.dataset.panel);
      link.setAttribute("aria-expanded", "false");
      link.setAttribute("role", "button");
    });
  }
  prepare();
  if (window.location.hash && document.querySelector(window.location.hash + ".panel")) {
    open(window.location.hash.slice(1), true);
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".bar-link");
    if (!link) { return; }
    event.preventDefault();
    open(link.dataset.panel, true);
  });
  document.addEventListener("keydown", function (event) {
    var link = event.target.closest && event.target.closest(".bar-link");
    if (link && event.key === " ") { event.preventDefault(); open(link.dataset.panel, true); }
  });

  function replace(html, url) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var fresh = page.getElementById("main");
    if (!fresh) { return false; }
    var y = window.scrollY;
    main.innerHTML = fresh.innerHTML;
    document.title = page.title;
    prepare();
    window.scrollTo(0, y);
    var note = main.querySelector("#flash [role=status], #flash [role=alert]");
    if (note) { note.setAttribute("tabindex", "-1"); note.focus({ preventScroll: true }); }
    if (url) { window.history.replaceState(null, "", url.split("?")[0]); }
    version = Number((document.getElementById("case-head") || {}).dataset.version || 0);
    return true;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.hasAttribute("data-enhance")) { return; }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    fetch(form.action, { method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text().then(function (html) {
          if (!replace(html, response.url)) { throw new Error("page"); }
        });
      })
      .catch(function () { if (button) { button.disabled = false; } form.submit(); });
  });

  var head = document.getElementById("case-head");
  if (!head) { return; }
  var version = Number(head.dataset.version || 0);
  function poll() {
    var current = document.getElementById("case-head") || head;
    fetch(current.dataset.poll, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !data.signed_in || data.version === version) { return null; }
        return fetch(path, { credentials: "same-origin", cache: "no-store" }).then(function (r) { return r.text(); })
          .then(function (html) {
            var page = new DOMParser().parseFromString(html, "text/html");
            ["case-head", "timeline"].forEach(function (id) {
              var mine = document.getElementById(id), theirs = page.getElementById(id);
              if (mine && theirs) { mine.replaceWith(theirs); }
            });
            version = data.version;
            var live = document.getElementById("live");
            if (live) { live.hidden = false; live.textContent = live.dataset.text; }
          });
      })
      .finally(function () { window.setTimeout(poll, Number(head.dataset.interval || 15000)); });
  }
  window.setTimeout(poll, Number(head.dataset.interval || 15000));
})();
