// The web chat: one page, one JSON endpoint, nothing from anywhere else. The conversation token
// lives in sessionStorage only; the URL never changes.
(function () {
  "use strict";
  var chat = document.getElementById("chat");
  var log = document.getElementById("log");
  var form = document.getElementById("compose");
  var input = document.getElementById("message");
  var exit = document.getElementById("exit");
  var locale = chat.dataset.locale;
  var KEY = "hotline-client";
  var busy = false;

  chat.hidden = false;
  exit.hidden = false;

  exit.addEventListener("click", function () {
    try { sessionStorage.clear(); } catch (e) { /* private mode */ }
    log.textContent = "";
    document.body.textContent = "";
    window.location.replace(exit.dataset.url);
  });

  function post(path, body) {
    return fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      cache: "no-store",
      credentials: "omit",
      referrerPolicy: "no-referrer"
    }).then(function (response) { return response.json(); })
      .then(function (data) {
        // A token the server no longer knows (a key rotation): the next message starts afresh.
        if (data.error === "no_client") { sessionStorage.removeItem(KEY); }
        return data;
      });
  }

  function bubble(text, who, urgent) {
    var div = document.createElement("div");
    div.className = "msg " + who + (urgent ? " urgent" : "");
    div.textContent = text;
    log.appendChild(div);
    return div;
  }

  function retireOptions() {
    log.querySelectorAll(".options button").forEach(function (b) { b.disabled = true; });
  }

  function show(replies) {
    retireOptions();
    (replies || []).forEach(function (reply) {
      bubble(reply.text, "bot", reply.urgent);
      if (reply.options && reply.options.length) {
        var group = document.createElement("div");
        group.className = "options";
        group.setAttribute("role", "group");
        reply.options.forEach(function (option, index) {
          var button = document.createElement("button");
          button.type = "button";
          button.textContent = (index + 1) + ". " + option.label;
          button.addEventListener("click", function () {
            send({ choice: option.id, question: reply.question }, option.label);
          });
          group.appendChild(button);
        });
        log.appendChild(group);
        var first = group.querySelector("button");
        if (first) { first.focus({ preventScroll: true }); }
      }
    });
    log.lastElementChild && log.lastElementChild.scrollIntoView({ block: "end" });
  }

  function client() {
    var token = sessionStorage.getItem(KEY);
    if (token) { return Promise.resolve(token); }
    return post("/chat/start", { locale: locale }).then(function (data) {
      if (!data.client) { show(data.replies); throw new Error("no client"); }
      sessionStorage.setItem(KEY, data.client);
      return data.client;
    });
  }

  function send(message, shown) {
    if (busy) { return; }
    busy = true;
    bubble(shown, "me");
    client().then(function (token) {
      message.client = token;
      message.locale = locale;
      return post("/chat/send", message);
    }).then(function (data) { show(data.replies); })
      .catch(function () { /* the reply explains, or the network is down: the text stays typed */ })
      .finally(function () { busy = false; });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim() || busy) { return; }
    input.value = "";
    send({ text: text }, text);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });

  client().then(function (token) { return post("/chat/resume", { client: token }); })
    .then(function (data) { show(data.replies); })
    .catch(function () {});
})();
