// The watch page: which rooms stream now and next (polled every 30 s), the player for the
// chosen room (HLS through hls.js, a video platform's player in a frame, or a link for a host
// the organiser did not allow), a beat every minute while the player shows (time watched),
// and the questions of the session on in that room.
(function () {
  "use strict";

  var root = document.getElementById("watch");
  if (!root) { return; }
  var urls = JSON.parse(root.dataset.urls);
  var T = JSON.parse(root.dataset.texts);
  var QA = window.EventmgrQA;
  var el = QA.el;
  var client = new QA.Client(urls, root.dataset.csrf);
  var panel = new QA.Panel(document.getElementById("qa"), client, T);
  var player = document.getElementById("player");
  var rooms = [];
  var chosen = null;
  var playing = null;  // the URL in the player
  var hls = null;
  var BEAT_MS = Number(root.dataset.beatSeconds || 60) * 1000;

  function stopPlayer() {
    if (hls) { hls.destroy(); hls = null; }
    player.textContent = "";
    playing = null;
  }

  function play(stream) {
    if (stream && stream.url === playing) { return; }
    stopPlayer();
    if (!stream) {
      player.appendChild(el("p", "player-off", T.not_streamed));
      return;
    }
    playing = stream.url;
    player.dataset.kind = stream.kind;
    if (stream.kind === "hls") {
      var video = el("video", "player-video");
      video.controls = true;
      video.playsInline = true;
      video.setAttribute("aria-label", T.player);
      video.dataset.src = stream.url;
      player.appendChild(video);
      if (window.Hls && window.Hls.isSupported()) {
        hls = new window.Hls({ enableWorker: false });
        hls.loadSource(stream.url);
        hls.attachMedia(video);
      } else {
        video.src = stream.url;  // Safari plays HLS itself
      }
    } else if (stream.kind === "embed") {
      var frame = el("iframe", "player-frame");
      frame.src = stream.url;
      frame.title = T.player;
      frame.allow = "autoplay; fullscreen; picture-in-picture";
      frame.setAttribute("allowfullscreen", "");
      frame.referrerPolicy = "no-referrer";
      player.appendChild(frame);
    } else {
      var link = el("a", "player-link", T.open_stream);
      link.href = stream.url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      player.appendChild(link);
    }
  }

  function line(prefix, item) {
    if (!item) { return ""; }
    return prefix + ": " + item.time + " " + item.title +
      (item.speakers.length ? " (" + item.speakers.join(", ") + ")" : "");
  }

  function renderTabs() {
    var tabs = document.getElementById("room-tabs");
    tabs.textContent = "";
    rooms.forEach(function (room) {
      var li = el("li");
      var button = el("button", room.id === chosen ? "" : "secondary outline", room.name);
      button.type = "button";
      button.dataset.roomId = room.id;
      button.setAttribute("aria-pressed", room.id === chosen ? "true" : "false");
      button.addEventListener("click", function () { chosen = room.id; show(); });
      li.appendChild(button);
      tabs.appendChild(li);
    });
    var list = document.getElementById("rooms-now");
    list.textContent = "";
    rooms.forEach(function (room) {
      var li = el("li");
      li.appendChild(el("strong", "", room.name));
      li.appendChild(el("span", "", " · " + (room.now ? line(T.now, room.now) : T.nothing_now)));
      if (room.next) { li.appendChild(el("span", "", " · " + line(T.next, room.next))); }
      list.appendChild(li);
    });
  }

  function show() {
    var room = rooms.filter(function (r) { return r.id === chosen; })[0];
    renderTabs();
    if (!room) { stopPlayer(); panel.show(null, ""); return; }
    root.dataset.roomId = room.id;
    document.getElementById("now-line").textContent = room.now ? line(T.now, room.now) : T.nothing_now;
    document.getElementById("next-line").textContent = line(T.next, room.next);
    play(room.now ? room.stream : null);
    panel.show(room.qa_item_id, room.qa_title || "");
  }

  function refresh() {
    client.poll(urls.now, {})
      .then(function (body) {
        rooms = body.rooms;
        if (!rooms.some(function (r) { return r.id === chosen; })) {
          var live = rooms.filter(function (r) { return r.stream; })[0] || rooms[0];
          chosen = live ? live.id : null;
        }
        show();
        root.dataset.loaded = String(Number(root.dataset.loaded || 0) + 1);
        document.getElementById("watch-error").textContent = "";
      })
      .catch(function (e) {
        document.getElementById("watch-error").textContent = e.kind === "offline" ? T.offline : T.failed;
      })
      .then(function () { setTimeout(refresh, 30000); });
  }

  function beat() {
    if (chosen !== null && playing && document.visibilityState === "visible") {
      client.post(urls.beat, { room_id: chosen })
        .then(function (answer) { if (answer.ok) { root.dataset.beats = String(Number(root.dataset.beats || 0) + 1); } })
        .catch(function () { /* the next beat counts the time since the last one */ });
    }
    setTimeout(beat, BEAT_MS);
  }

  refresh();
  setTimeout(beat, 2000);
})();
