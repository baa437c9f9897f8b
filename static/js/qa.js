// Questions for the audience (watch page, room page): the approved questions of one item,
// polled every few seconds with If-None-Match (304 while nothing changed), upvotes, asking.
// Text goes in with textContent only. A stale form token is refreshed once and the post
// retried; an answer that is not the expected JSON is shown as an error, not as "offline".
(function () {
  "use strict";

  var POLL_MS = 5000;

  function Client(urls, csrf) {
    this.urls = urls;
    this.csrf = csrf;
  }

  Client.prototype.url = function (name, itemId, questionId) {
    var url = this.urls[name].replace(/\/0(\/|$)/, "/" + itemId + "$1");
    if (questionId !== undefined) { url = url.replace(/\/0(\/vote)?$/, "/" + questionId + "$1"); }
    return url;
  };

  Client.prototype.refresh = function () {
    var self = this;
    return fetch(this.urls.csrf, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (body) { self.csrf = body.csrf_token; });
  };

  // POST JSON; resolves with {status, body}; a non-JSON answer rejects with kind "bad".
  Client.prototype.post = function (url, data, retried) {
    var self = this;
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Content-Type": "application/json", "X-CSRFToken": this.csrf },
      body: JSON.stringify(data)
    }).catch(function () {
      var e = new Error("offline"); e.kind = "offline"; throw e;
    }).then(function (r) {
      var type = r.headers.get("Content-Type") || "";
      if (r.status === 400 && type.indexOf("application/json") < 0 && !retried) {
        return self.refresh().then(function () { return self.post(url, data, true); });
      }
      if (r.status === 429) { var t = new Error("limit"); t.kind = "limit"; throw t; }
      if (type.indexOf("application/json") < 0) {
        var b = new Error("bad answer " + r.status); b.kind = "bad"; throw b;
      }
      return r.json().then(function (body) { return { status: r.status, ok: r.ok, body: body }; });
    });
  };

  // GET JSON with an entity tag; resolves with the body, or null when unchanged (304).
  Client.prototype.poll = function (url, state) {
    var headers = {};
    if (state.etag) { headers["If-None-Match"] = state.etag; }
    return fetch(url, { credentials: "same-origin", cache: "no-store", headers: headers })
      .catch(function () { var e = new Error("offline"); e.kind = "offline"; throw e; })
      .then(function (r) {
        if (r.status === 304) { return null; }
        var type = r.headers.get("Content-Type") || "";
        if (!r.ok || type.indexOf("application/json") < 0) {
          var b = new Error("bad answer " + r.status); b.kind = "bad"; throw b;
        }
        state.etag = r.headers.get("ETag");
        return r.json();
      });
  };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  // The audience panel inside `root` (#qa): questions, upvotes, the ask form, my questions.
  function Panel(root, client, texts) {
    this.root = root;
    this.client = client;
    this.T = texts;
    this.itemId = null;
    this.state = {};
    this.voted = {};
    this.timer = null;
    this.list = root.querySelector("#questions");
    this.pinned = root.querySelector("#pinned");
    this.status = root.querySelector("#qa-status");
    this.mineList = root.querySelector("#my-questions");
    var form = root.querySelector("#ask-form");
    var self = this;
    if (form) {
      form.addEventListener("submit", function (ev) { ev.preventDefault(); self.ask(form); });
    }
  }

  Panel.prototype.show = function (itemId, title) {
    if (itemId === this.itemId) { return; }
    this.itemId = itemId;
    this.state = {};
    this.voted = {};
    this.root.dataset.itemId = itemId || "";
    var heading = this.root.querySelector("#qa-session");
    if (heading) { heading.textContent = title || ""; }
    var form = this.root.querySelector("#ask-form");
    if (form) { form.hidden = !itemId; }
    this.list.textContent = "";
    if (this.pinned) { this.pinned.hidden = true; }
    if (this.mineList) { this.mineList.textContent = ""; }
    clearTimeout(this.timer);
    if (itemId) { this.loadMine(); this.tick(); }
  };

  Panel.prototype.say = function (text, error) {
    if (!this.status) { return; }
    this.status.textContent = text || "";
    this.status.classList.toggle("qa-error", !!error);
  };

  Panel.prototype.tick = function () {
    var self = this;
    var itemId = this.itemId;
    this.client.poll(this.client.url("board", itemId), this.state)
      .then(function (body) {
        if (itemId !== self.itemId) { return; }
        if (body) { self.render(body); }
        self.root.dataset.polls = String(Number(self.root.dataset.polls || 0) + 1);
        if (self.status && self.status.classList.contains("qa-error")) { self.say(""); }
      })
      .catch(function (e) { self.say(e.kind === "offline" ? self.T.offline : self.T.failed, true); })
      .then(function () {
        if (itemId === self.itemId) { self.timer = setTimeout(function () { self.tick(); }, POLL_MS); }
      });
  };

  Panel.prototype.loadMine = function () {
    var self = this;
    var itemId = this.itemId;
    this.client.poll(this.client.url("mine", itemId), {})
      .then(function (body) {
        if (!body || itemId !== self.itemId) { return; }
        self.voted = {};
        body.voted.forEach(function (id) { self.voted[id] = true; });
        self.renderMine(body.asked);
        self.state.etag = null;  // draw the votes again
      })
      .catch(function () { /* shown by the next poll */ });
  };

  Panel.prototype.renderMine = function (asked) {
    if (!this.mineList) { return; }
    var T = this.T;
    this.mineList.textContent = "";
    var self = this;
    asked.forEach(function (q) {
      var li = el("li", "my-question");
      li.appendChild(el("span", "", q.text));
      li.appendChild(el("small", "question-state", " · " + (T[q.status] || q.status)));
      self.mineList.appendChild(li);
    });
  };

  Panel.prototype.item = function (q) {
    var T = this.T;
    var self = this;
    var li = el("li", "question" + (q.status === "answered" ? " answered" : ""));
    li.dataset.questionId = q.id;
    li.appendChild(el("p", "question-text", q.text));
    var meta = el("p", "question-meta");
    meta.appendChild(el("span", "question-who", q.name || T.anonymous));
    meta.appendChild(document.createTextNode(" · "));
    meta.appendChild(el("span", "question-votes", q.votes + " " + T.votes));
    if (q.status === "answered") {
      meta.appendChild(document.createTextNode(" · "));
      meta.appendChild(el("span", "question-answered", T.answered));
    } else {
      var button = el("button", "vote secondary outline", this.voted[q.id] ? T.upvoted : T.upvote);
      button.type = "button";
      button.setAttribute("aria-pressed", this.voted[q.id] ? "true" : "false");
      button.addEventListener("click", function () { self.vote(q.id, button); });
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(button);
    }
    li.appendChild(meta);
    return li;
  };

  Panel.prototype.render = function (body) {
    var self = this;
    this.list.textContent = "";
    if (this.pinned) {
      this.pinned.hidden = !body.pinned;
      var text = this.pinned.querySelector(".pinned-text");
      if (body.pinned && text) { text.textContent = body.pinned.text; }
    }
    if (!body.questions.length) {
      this.list.appendChild(el("li", "no-questions", this.T.no_questions));
    }
    body.questions.forEach(function (q) { self.list.appendChild(self.item(q)); });
    this.root.dataset.version = String(body.version);
  };

  Panel.prototype.vote = function (questionId, button) {
    var self = this;
    var up = !this.voted[questionId];
    button.disabled = true;
    this.client.post(this.client.url("vote", this.itemId, questionId), { up: up })
      .then(function (answer) {
        if (!answer.ok) { self.say(answer.body.error.message, true); return; }
        if (up) { self.voted[questionId] = true; } else { delete self.voted[questionId]; }
        self.state.etag = null;
        clearTimeout(self.timer);
        self.tick();
      })
      .catch(function (e) { self.say(e.kind === "limit" ? self.T.too_many : self.T.failed, true); })
      .then(function () { button.disabled = false; });
  };

  Panel.prototype.ask = function (form) {
    var self = this;
    var text = form.querySelector("#question-text");
    var anonymous = form.querySelector("#question-anonymous");
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    this.client.post(this.client.url("ask", this.itemId), {
      text: text.value, anonymous: anonymous.checked
    }).then(function (answer) {
      if (!answer.ok) {
        var fields = answer.body.error.fields || {};
        self.say(fields.text || answer.body.error.message, true);
        return;
      }
      text.value = "";
      self.say(self.T.sent, false);
      self.loadMine();
    }).catch(function (e) {
      self.say(e.kind === "limit" ? self.T.too_many : e.kind === "offline" ? self.T.offline : self.T.failed, true);
    }).then(function () { button.disabled = false; });
  };

  window.EventmgrQA = { Client: Client, Panel: Panel, el: el };

  // A room page (the QR code's target) starts its panel by itself.
  var room = document.getElementById("room-qa");
  if (room) {
    var client = new Client(JSON.parse(room.dataset.urls), room.dataset.csrf);
    var panel = new Panel(room, client, JSON.parse(room.dataset.texts));
    if (room.dataset.mayAsk === "1") { panel.show(Number(room.dataset.itemId), ""); }
    if (room.dataset.reloadAt) {
      var wait = new Date(room.dataset.reloadAt).getTime() - Date.now();
      if (wait > 0 && wait < 86400000) { setTimeout(function () { location.reload(); }, wait + 2000); }
    }
  }
})();
