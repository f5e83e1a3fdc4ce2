// Shared by every console page: confirmations, ready replies, and keyboard shortcuts on a desk.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Forms (or their buttons) with data-confirm ask first; without script they submit directly.
  document.addEventListener("submit", function (event) {
    var form = event.target, button = event.submitter;
    var question = (button && button.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) { event.preventDefault(); event.stopImmediatePropagation(); }
  }, true);

  // A ready reply, shown in full, goes into the reply box.
  document.addEventListener("click", function (event) {
    var pick = event.target.closest && event.target.closest(".canned-pick");
    if (!pick) { return; }
    var target = document.getElementById(pick.dataset.target);
    if (target) { target.value = pick.dataset.text; target.focus(); }
  });

  // Keyboard shortcuts (like a help-desk inbox): only with a real keyboard, never while typing.
  var overlay = document.getElementById("shortcuts");
  if (!overlay || !window.matchMedia("(pointer: fine)").matches) { return; }
  var closer = document.getElementById("shortcuts-close"), opener = null;
  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }
  function showHelp() { opener = document.activeElement; overlay.hidden = false; closer.focus(); }
  function hideHelp() { overlay.hidden = true; if (opener && opener.focus) { opener.focus(); } }
  closer.addEventListener("click", hideHelp);
  overlay.addEventListener("click", function (event) { if (event.target === overlay) { hideHelp(); } });
  function go(id) { var link = document.getElementById(id); if (link) { window.location.href = link.href; } }
  function press(id) { var element = document.getElementById(id); if (element) { element.click(); } }
  window.hotlineKeys = {
    j: function () { return window.hotlineMove ? window.hotlineMove(1) : go("next-case"); },
    k: function () { return window.hotlineMove ? window.hotlineMove(-1) : go("prev-case"); },
    t: function () { press("act-take"); },
    r: function () { press("act-reply"); },
    n: function () { press("act-note"); },
    c: function () { press("act-close"); },
    g: function () { window.location.href = "/admin/queue"; }
  };
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !overlay.hidden) { event.preventDefault(); hideHelp(); return; }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (event.key === "?") { event.preventDefault(); if (overlay.hidden) { showHelp(); } else { hideHelp(); } return; }
    var action = window.hotlineKeys[event.key];
    if (action && overlay.hidden) { event.preventDefault(); action(); }
  });
})();
