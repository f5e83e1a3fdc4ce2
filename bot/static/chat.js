// The web chat: one page, JSON endpoints of its own host, nothing from anywhere else. The
// conversation token lives in sessionStorage only; the URL never changes. What the bot promises
// here works here: photos, the location (only when the reporter taps), officers' replies in the
// open tab, tappable emergency numbers, a receipt code kept in view until it is saved, and a failed
// send that keeps the text and offers to send it again.
(function () {
  "use strict";
  var chat = document.getElementById("chat");
  var log = document.getElementById("log");
  var dock = document.getElementById("dock");
  var form = document.getElementById("compose");
  var input = document.getElementById("message");
  var exit = document.getElementById("exit");
  var photoInput = document.getElementById("photo");
  var locate = document.getElementById("locate");
  var preview = document.getElementById("preview");
  var previewImage = document.getElementById("preview-image");
  var receipt = document.getElementById("receipt");
  var receiptCode = document.getElementById("receipt-code");
  var data = JSON.parse(document.getElementById("page-data").textContent);
  var words = data.words;
  var locale = chat.dataset.locale;
  var maxPhoto = parseInt(chat.dataset.maxPhoto, 10);
  var pollEvery = parseInt(chat.dataset.poll, 10) * 1000;
  var KEY = "hotline-client";
  var busy = false;
  var question = "";
  var pendingPhoto = null;
  var after = null;

  chat.hidden = false;
  exit.hidden = false;

  exit.addEventListener("click", function () {
    try { sessionStorage.clear(); } catch (e) { /* private mode */ }
    log.textContent = "";
    document.body.textContent = "";
    window.location.replace(exit.dataset.url);
  });

  // The dock (receipt, photo preview, compose bar) never covers an option: scrolling stops above it.
  var bar = document.querySelector(".bar");
  function fitDock() {
    document.documentElement.style.setProperty("--dock", dock.offsetHeight + "px");
    document.documentElement.style.setProperty("--bar", bar.offsetHeight + "px");
  }
  if (window.ResizeObserver) {
    new ResizeObserver(fitDock).observe(dock);
    new ResizeObserver(fitDock).observe(bar);
  }
  fitDock();

  function request(path, body) {
    var options = {
      method: "POST",
      cache: "no-store",
      credentials: "omit",
      referrerPolicy: "no-referrer"
    };
    if (body instanceof FormData) {
      options.body = body;
    } else {
      options.headers = { "Content-Type": "application/json" };
      options.body = JSON.stringify(body);
    }
    return fetch(path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        json.ok = response.ok;
        // A token the server no longer knows (a key rotation): the next message starts afresh.
        if (json.error === "no_client") { sessionStorage.removeItem(KEY); }
        return json;
      });
    });
  }

  // Emergency numbers become links (tel: and WhatsApp); a receipt code never breaks across lines.
  function escaped(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }
  var numbers = data.links.slice().sort(function (a, b) { return b.number.length - a.number.length; });
  var numberPattern = numbers.length ?
    new RegExp("(?<![\\d-])(" + numbers.map(function (n) { return escaped(n.number); }).join("|") + ")(?![\\d-])") : null;

  function fill(node, text, code) {
    var rest = text;
    var linked = {};
    while (rest) {
      var at = -1, length = 0, kind = null, found = null;
      if (code) {
        at = rest.indexOf(code);
        if (at >= 0) { length = code.length; kind = "code"; }
      }
      if (numberPattern) {
        var match = numberPattern.exec(rest);
        if (match && (at < 0 || match.index < at)) {
          at = match.index; length = match[0].length; kind = "number"; found = match[0];
        }
      }
      if (at < 0) { node.appendChild(document.createTextNode(rest)); return; }
      node.appendChild(document.createTextNode(rest.slice(0, at)));
      if (kind === "code") {
        var span = document.createElement("span");
        span.className = "code";
        span.textContent = code;
        node.appendChild(span);
      } else if (linked[found]) {
        node.appendChild(document.createTextNode(found));
      } else {
        linked[found] = true;
        var link = document.createElement("a");
        link.href = numbers.filter(function (n) { return n.number === found; })[0].href;
        link.rel = "noreferrer";
        link.className = "number";
        link.textContent = found;
        node.appendChild(link);
      }
      rest = rest.slice(at + length);
    }
  }

  function bubble(text, who, extra) {
    var div = document.createElement("div");
    div.className = "msg " + who + (extra && extra.urgent ? " urgent" : "");
    fill(div, text, extra && extra.receipt);
    log.appendChild(div);
    return div;
  }

  function retireOptions() {
    log.querySelectorAll(".options button").forEach(function (b) { b.disabled = true; });
  }

  function reveal(element) {
    if (element) { element.scrollIntoView({ block: "end" }); }
  }

  function show(replies) {
    retireOptions();
    var offersLocation = false;
    (replies || []).forEach(function (reply) {
      bubble(reply.text, "bot", reply);
      if (reply.receipt) { keepReceipt(reply.receipt); }
      if (reply.question) { question = reply.question; }
      offersLocation = reply.location || (offersLocation && !reply.options.length);
      if (reply.options && reply.options.length) {
        var group = document.createElement("div");
        group.className = "options";
        group.setAttribute("role", "group");
        reply.options.forEach(function (option, index) {
          var button = document.createElement("button");
          button.type = "button";
          button.textContent = (index + 1) + ". " + option.label;
          button.addEventListener("click", function () {
            send({ choice: option.id, question: reply.question }, { text: option.label });
          });
          group.appendChild(button);
        });
        log.appendChild(group);
        var first = group.querySelector("button");
        if (first) { first.focus({ preventScroll: true }); }
      }
    });
    locate.hidden = !(offersLocation && navigator.geolocation);
    fitDock();
    reveal(log.lastElementChild);
  }

  function client() {
    var token = sessionStorage.getItem(KEY);
    if (token) { return Promise.resolve(token); }
    return request("/chat/start", { locale: locale }).then(function (answer) {
      if (!answer.client) { show(answer.replies); throw new Error("no client"); }
      sessionStorage.setItem(KEY, answer.client);
      return answer.client;
    });
  }

  // A send that did not arrive is never shown as sent: the bubble says so, offers *Kirim ulang*, and
  // typed text goes back into the box.
  function failed(mine, retry, typed) {
    mine.classList.add("failed");
    var note = document.createElement("div");
    note.className = "failure";
    note.textContent = words.failed + " ";
    var again = document.createElement("button");
    again.type = "button";
    again.className = "retry";
    again.textContent = words.retry;
    again.addEventListener("click", function () {
      mine.remove();
      retry();
    });
    note.appendChild(again);
    mine.appendChild(note);
    if (typed && !input.value) { input.value = typed; }
    reveal(mine);
  }

  function deliver(path, build, mine, retry, typed) {
    busy = true;
    return client().then(function (token) {
      return request(path, build(token));
    }).then(function (answer) {
      if (answer.replies && answer.replies.length) { show(answer.replies); }
      if (!answer.ok) { failed(mine, retry, typed); }
    }).catch(function () {
      failed(mine, retry, typed);
    }).finally(function () { busy = false; });
  }

  function send(message, shown) {
    if (busy) { return; }
    var mine = bubble(shown.text, "me");
    var retry = function () { send(message, shown); };
    deliver("/chat/send", function (token) {
      message.client = token;
      message.locale = locale;
      return message;
    }, mine, retry, shown.typed);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim() || busy) { return; }
    input.value = "";
    send({ text: text }, { text: text, typed: text });
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });

  // Photos: images only, checked for size here and again on the server; previewed before sending.
  function notice(text) { bubble(text, "bot notice"); reveal(log.lastElementChild); }

  photoInput.addEventListener("change", function () {
    var file = photoInput.files && photoInput.files[0];
    photoInput.value = "";
    if (!file) { return; }
    if (!/^image\//.test(file.type)) { notice(words.photoOnly); return; }
    if (file.size > maxPhoto) { notice(words.photoTooBig); return; }
    if (pendingPhoto) { URL.revokeObjectURL(pendingPhoto.url); }
    pendingPhoto = { file: file, url: URL.createObjectURL(file) };
    previewImage.src = pendingPhoto.url;
    preview.hidden = false;
    fitDock();
    reveal(log.lastElementChild);
    document.getElementById("preview-send").focus({ preventScroll: true });
  });

  function clearPreview() {
    preview.hidden = true;
    previewImage.removeAttribute("src");
    fitDock();
  }

  document.getElementById("preview-cancel").addEventListener("click", function () {
    if (pendingPhoto) { URL.revokeObjectURL(pendingPhoto.url); }
    pendingPhoto = null;
    clearPreview();
  });

  function sendPhoto(photo) {
    if (busy) { return; }
    var mine = bubble("", "me photo");
    var image = document.createElement("img");
    image.src = photo.url;
    image.alt = words.photoSent;
    mine.appendChild(image);
    deliver("/chat/photo", function (token) {
      var body = new FormData();
      body.append("client", token);
      body.append("locale", locale);
      body.append("question", question);
      body.append("photo", photo.file, photo.file.name || "foto.jpg");
      return body;
    }, mine, function () { sendPhoto(photo); });
  }

  document.getElementById("preview-send").addEventListener("click", function () {
    if (!pendingPhoto || busy) { return; }
    var photo = pendingPhoto;
    pendingPhoto = null;
    clearPreview();
    sendPhoto(photo);
  });

  // The location: asked of the browser only when the reporter taps 📍, rounded before it leaves.
  locate.addEventListener("click", function () {
    if (!navigator.geolocation || busy) { return; }
    navigator.geolocation.getCurrentPosition(function (position) {
      var round = function (x) { return Math.round(x * 10000) / 10000; };
      var where = { lat: round(position.coords.latitude), lon: round(position.coords.longitude) };
      send({ location: where }, { text: words.locationShared });
    }, function () {
      notice(words.locationDenied);
    }, { enableHighAccuracy: false, timeout: 20000, maximumAge: 60000 });
  });

  // The receipt code stays in view, on one line, until the reporter says it is saved.
  function keepReceipt(code) {
    receiptCode.textContent = code;
    receipt.hidden = false;
    fitDock();
    reveal(log.lastElementChild);
  }

  document.getElementById("receipt-copy").addEventListener("click", function () {
    var button = this;
    var done = function () { button.textContent = words.copied; };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(receiptCode.textContent).then(done, function () { select(); });
    } else {
      select();
    }
    function select() {
      var range = document.createRange();
      range.selectNodeContents(receiptCode);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
  });

  document.getElementById("receipt-saved").addEventListener("click", function () {
    receipt.hidden = true;
    receiptCode.textContent = "";
    fitDock();
    input.focus({ preventScroll: true });
  });

  // Officers' replies reach an open tab within seconds.
  function poll() {
    var token = sessionStorage.getItem(KEY);
    if (!token) { return; }
    request("/chat/replies", { client: token, after: after }).then(function (answer) {
      if (typeof answer.after === "number") { after = answer.after; }
      (answer.replies || []).forEach(function (reply) {
        bubble(reply.text, "bot officer", reply);
        reveal(log.lastElementChild);
      });
    }).catch(function () { /* offline for now: the next poll tries again */ });
  }

  client().then(function (token) { return request("/chat/resume", { client: token }); })
    .then(function (answer) { show(answer.replies); poll(); })
    .catch(function () {});
  window.setInterval(poll, pollEvery);
})();
