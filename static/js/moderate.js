// The moderators' live queue (every question, with the asker's name) and the projector view
// (the question now discussed and the top questions in large type). Both poll with
// If-None-Match every few seconds; text goes in with textContent only.
(function () {
  "use strict";

  var QA = window.EventmgrQA;
  var el = QA.el;
  var POLL_MS = 3000;

  function poller(url, render, root, T) {
    var client = new QA.Client({ csrf: root.dataset.csrfUrl }, root.dataset.csrf);
    var state = {};
    var error = document.getElementById("qa-status");
    function tick() {
      client.poll(url, state)
        .then(function (body) {
          if (body) { render(body); }
          root.dataset.polls = String(Number(root.dataset.polls || 0) + 1);
          if (error) { error.textContent = ""; }
        })
        .catch(function (e) { if (error) { error.textContent = e.kind === "offline" ? T.offline : T.failed; } })
        .then(function () { setTimeout(tick, POLL_MS); });
    }
    tick();
    return { client: client, again: function () { state.etag = null; } };
  }

  // ---------------------------------------------------------------- the queue

  var queue = document.getElementById("moderation");
  if (queue) {
    var urls = JSON.parse(queue.dataset.urls);
    var T = JSON.parse(queue.dataset.texts);
    var pinnedId = null;
    var live;

    var act = function (questionId, action, button) {
      button.disabled = true;
      live.client.post(urls.moderate.replace(/\/0$/, "/" + questionId), { action: action })
        .then(function (answer) {
          if (!answer.ok) { document.getElementById("qa-status").textContent = answer.body.error.message; }
          live.again();
        })
        .catch(function () { document.getElementById("qa-status").textContent = T.failed; })
        .then(function () { button.disabled = false; });
    };

    var row = function (q, actions) {
      var li = el("li", "question question-" + q.status + (q.id === pinnedId ? " pinned" : ""));
      li.dataset.questionId = q.id;
      li.appendChild(el("p", "question-text", q.text));
      var meta = el("p", "question-meta");
      meta.appendChild(el("span", "question-who", q.name + (q.anonymous ? " (" + T.anonymous + ")" : "")));
      meta.appendChild(el("span", "", " · " + (q.from === "home" ? T.from_home : T.from_room)));
      meta.appendChild(el("span", "question-votes", " · " + q.votes + " " + T.votes));
      li.appendChild(meta);
      var bar = el("p", "question-actions");
      actions.forEach(function (action) {
        var button = el("button", action === "approve" || action === "pin" ? "" : "secondary outline", T[action]);
        button.type = "button";
        button.dataset.action = action;
        button.addEventListener("click", function () { act(q.id, action, button); });
        bar.appendChild(button);
        bar.appendChild(document.createTextNode(" "));
      });
      li.appendChild(bar);
      return li;
    };

    var fill = function (id, rows, actionsOf) {
      var list = document.getElementById(id);
      list.textContent = "";
      rows.forEach(function (q) { list.appendChild(row(q, actionsOf(q))); });
    };

    live = poller(urls.queue, function (body) {
      pinnedId = body.pinned_id;
      fill("pending", body.pending, function () { return ["approve", "pin", "hide"]; });
      fill("shown", body.shown, function (q) {
        if (q.status === "answered") { return ["reopen", "hide"]; }
        return [q.id === pinnedId ? "unpin" : "pin", "answer", "hide"];
      });
      fill("hidden", body.hidden, function () { return ["approve"]; });
      Object.keys(body.counts).forEach(function (status) {
        var count = document.getElementById("count-" + status);
        if (count) { count.textContent = body.counts[status]; }
      });
      queue.dataset.version = String(body.version);
    }, queue, T);
  }

  // ---------------------------------------------------------------- the projector

  var projector = document.getElementById("projector");
  if (projector) {
    var purls = JSON.parse(projector.dataset.urls);
    var PT = JSON.parse(projector.dataset.texts);
    poller(purls.board, function (body) {
      var pinned = document.getElementById("projector-pinned");
      pinned.hidden = !body.pinned;
      if (body.pinned) {
        pinned.querySelector(".pinned-text").textContent = body.pinned.text;
        pinned.querySelector(".pinned-who").textContent = body.pinned.name || PT.anonymous;
      }
      var list = document.getElementById("projector-questions");
      list.textContent = "";
      body.questions.filter(function (q) {
        return q.status !== "answered" && (!body.pinned || q.id !== body.pinned.id);
      }).slice(0, 5).forEach(function (q) {
        var li = el("li", "projector-question");
        li.dataset.questionId = q.id;
        li.appendChild(el("span", "question-text", q.text));
        li.appendChild(el("small", "question-votes", " " + q.votes + " " + PT.votes));
        list.appendChild(li);
      });
      projector.dataset.version = String(body.version);
    }, projector, PT);
  }
})();
