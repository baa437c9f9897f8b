// The door scanner: camera (getUserMedia + jsQR), handheld scanner (types the code + Enter),
// search by name; online it asks the server, offline it decides from a local copy (codes as
// SHA-256) and queues the scans with their nonce and time until the network is back.
(function () {
  "use strict";

  var root = document.getElementById("scanner");
  if (!root) { return; }
  var cfg = root.dataset;
  var T = JSON.parse(cfg.texts);
  var slug = cfg.slug;
  var KEY = {
    door: "checkin-door",
    device: "checkin-device",
    queue: "checkin-queue-" + slug,
    snapshot: "checkin-snapshot-" + slug,
    local: "checkin-local-" + slug
  };
  var CODE = /^[A-Z2-7]{26}$/;
  var SAME_CODE_PAUSE = 4000; // the camera sees a badge many times a second
  var RESULT_SHOWN = 2500;

  var el = function (id) { return document.getElementById(id); };
  var doorInput = el("door-name");
  var codeInput = el("code-input");
  var result = el("result");
  var hideTimer = null;
  var uploading = false;

  // ------------------------------------------------------------------ storage

  function load(key, fallback) {
    try {
      var raw = localStorage.getItem(key);
      return raw ? JSON.parse(raw) : fallback;
    } catch (e) { return fallback; }
  }
  function save(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* full: keep going */ }
  }

  function randomId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  var device = load(KEY.device, null);
  if (!device) { device = "dev-" + randomId().slice(0, 8); save(KEY.device, device); }
  el("device-id").textContent = T.device.replace("{id}", device);
  // A door name typed (or sent with ?door=, by a form posted before this script ran, or a
  // bookmark per door) before the page was ready is kept, not overwritten by the stored one.
  var early = doorInput.value.trim() || new URLSearchParams(location.search).get("door") || "";
  if (early.trim()) { save(KEY.door, early.trim().slice(0, 80)); }
  doorInput.value = load(KEY.door, "");

  el("door-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    save(KEY.door, doorInput.value.trim());
    codeInput.focus();
  });

  function door() { return doorInput.value.trim() || load(KEY.door, ""); }

  // ------------------------------------------------------------------ sound

  var audio = null;
  function beep(ok) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.type = ok ? "sine" : "square";
      osc.frequency.value = ok ? 880 : 220;
      gain.gain.value = 0.2;
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + (ok ? 0.15 : 0.45));
    } catch (e) { /* no sound on this device */ }
  }

  // ------------------------------------------------------------------ showing the answer

  function localTime(iso) {
    try {
      return new Intl.DateTimeFormat(cfg.locale, {
        timeZone: cfg.timezone, hour: "2-digit", minute: "2-digit"
      }).format(new Date(iso));
    } catch (e) { return iso; }
  }

  var AMBER = { already_checked_in: 1, digital_registration: 1, waitlisted: 1 };

  function show(answer, offline) {
    var ok = answer.status === "accepted";
    var person = answer.registration;
    var colour = ok ? "green" : (AMBER[answer.reason] ? "amber" : "red");
    result.className = "door-result result-" + colour;
    result.dataset.status = answer.status;
    result.dataset.reason = answer.reason || "";
    el("result-title").textContent = ok ? T.accepted : T[answer.reason] || T.unknown;
    el("result-name").textContent = person ? person.name : "";
    var detail = [];
    if (person && person.organisation) { detail.push(person.organisation); }
    if (person && person.role) { detail.push(person.role); }
    if (answer.first_checkin) {
      detail.push(T.already_detail.replace("{time}", localTime(answer.first_checkin.at))
        .replace("{door}", answer.first_checkin.door || "?"));
    }
    if (answer.manual) { detail.push(T.manual); }
    if (offline) { detail.push(T.offline_decision); }
    el("result-detail").textContent = detail.join(" · ");
    result.hidden = false;
    beep(ok);
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hideResult, RESULT_SHOWN);
  }

  function hideResult() {
    result.hidden = true;
    codeInput.focus();
  }
  result.addEventListener("click", hideResult);

  // ------------------------------------------------------------------ the local copy

  var snapshot = load(KEY.snapshot, null);
  var localIns = load(KEY.local, {});

  function refreshSnapshot() {
    return fetch(cfg.snapshotUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        snapshot = data;
        save(KEY.snapshot, data);
        root.dataset.snapshotReady = "1";
      })
      .catch(function () { /* keep the copy we have */ });
  }

  function sha256(text) {
    var bytes = new TextEncoder().encode(text);
    return crypto.subtle.digest("SHA-256", bytes).then(function (buf) {
      return Array.prototype.map.call(new Uint8Array(buf), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
    });
  }

  function decideLocally(code, at) {
    var normal = code.trim().toUpperCase();
    if (!CODE.test(normal) || !snapshot) {
      return Promise.resolve({ status: "refused", reason: "unknown", registration: null });
    }
    return sha256(normal).then(function (hash) {
      if (snapshot.revoked.indexOf(hash) >= 0) {
        return { status: "refused", reason: "revoked", registration: null };
      }
      var entry = snapshot.codes[hash];
      if (!entry) { return { status: "refused", reason: "unknown", registration: null }; }
      var person = { name: entry.name, organisation: entry.organisation, role: entry.role };
      if (entry.state !== "ok") {
        return { status: "refused", reason: entry.state, registration: person };
      }
      var first = entry.checked_in || localIns[hash];
      if (first) {
        return {
          status: "refused", reason: "already_checked_in", registration: person, first_checkin: first
        };
      }
      localIns[hash] = { at: at, door: door() };
      save(KEY.local, localIns);
      return { status: "accepted", reason: null, registration: person };
    });
  }

  // ------------------------------------------------------------------ the queue

  function queue() { return load(KEY.queue, []); }
  function showQueue() {
    var n = queue().length;
    el("queue-size").textContent = String(n);
    var online = navigator.onLine;
    el("net-text").textContent = online ? T.online : T.offline;
    root.classList.toggle("is-offline", !online);
  }

  function enqueue(item) {
    var q = queue();
    q.push(item);
    save(KEY.queue, q);
    showQueue();
  }

  function upload() {
    var q = queue();
    if (uploading || !q.length || !navigator.onLine) { return Promise.resolve(); }
    uploading = true;
    return post(cfg.batchUrl, { scans: q })
      .then(function (body) {
        var sent = {};
        q.forEach(function (s) { sent[s.nonce] = true; });
        save(KEY.queue, queue().filter(function (s) { return !sent[s.nonce]; }));
        var words = [T.uploaded.replace("{n}", String(body.results.length))];
        if (body.got_in_twice.length) {
          words.push(T.twice.replace("{names}", body.got_in_twice.map(function (t) {
            return t.registration.name;
          }).join(", ")));
        }
        el("upload-report").textContent = " · " + words.join(" ");
        return refreshSnapshot();
      })
      .catch(function () { /* try again later */ })
      .then(function () { uploading = false; showQueue(); });
  }

  // ------------------------------------------------------------------ asking the server

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": cfg.csrf },
      body: JSON.stringify(body)
    }).then(function (r) {
      if (r.status >= 500 || r.status === 0) { throw new Error("server " + r.status); }
      return r.json().then(function (data) {
        if (!r.ok) { var e = new Error("refused"); e.body = data; e.final = true; throw e; }
        return data;
      });
    });
  }

  function submit(text) {
    if (!door()) {
      el("camera-state").textContent = T.door_needed;
      doorInput.focus();
      return;
    }
    var item = {
      code: text, nonce: randomId(), scanned_at: new Date().toISOString(),
      door: door(), device: device
    };
    if (!navigator.onLine) { offlineScan(item); return; }
    post(cfg.scanUrl, item)
      .then(function (answer) { show(answer, false); remember(item, answer); })
      .catch(function (err) {
        if (err.final) {
          show({ status: "refused", reason: "unknown", registration: null }, false);
        } else {
          offlineScan(item);
        }
      });
  }

  function remember(item, answer) {
    // so that this page, if the network drops next, knows who it let in
    var normal = item.code.trim().toUpperCase();
    if (answer.status !== "accepted" || !CODE.test(normal)) { return; }
    sha256(normal).then(function (hash) {
      localIns[hash] = { at: item.scanned_at, door: item.door };
      save(KEY.local, localIns);
    });
  }

  function offlineScan(item) {
    decideLocally(item.code, item.scanned_at).then(function (answer) {
      item.local_status = answer.status;
      enqueue(item);
      show(answer, true);
    });
  }

  el("code-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = codeInput.value;
    codeInput.value = "";
    if (text.trim()) { submit(text); }
  });

  // ------------------------------------------------------------------ camera

  var video = el("camera");
  var canvas = el("camera-canvas");
  var stream = null;
  var last = { code: "", at: 0 };

  function tick() {
    if (!stream) { return; }
    if (video.readyState >= 2 && video.videoWidth) {
      var scale = Math.min(1, 800 / video.videoWidth);
      var w = Math.round(video.videoWidth * scale);
      var h = Math.round(video.videoHeight * scale);
      canvas.width = w;
      canvas.height = h;
      var ctx = canvas.getContext("2d", { willReadFrequently: true });
      ctx.drawImage(video, 0, 0, w, h);
      var found = window.jsQR(ctx.getImageData(0, 0, w, h).data, w, h, {
        inversionAttempts: "dontInvert"
      });
      if (found && found.data) {
        var now = Date.now();
        if (found.data !== last.code || now - last.at > SAME_CODE_PAUSE) {
          last = { code: found.data, at: now };
          submit(found.data);
        }
      }
    }
    setTimeout(tick, 120);
  }

  el("camera-start").addEventListener("click", function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      el("camera-state").textContent = T.camera_failed.replace("{error}", "getUserMedia");
      return;
    }
    navigator.mediaDevices.getUserMedia({
      video: { facingMode: "environment", width: { ideal: 1280 } }, audio: false
    }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      video.play();
      el("camera-start").hidden = true;
      el("camera-stop").hidden = false;
      el("camera-state").textContent = T.camera_on;
      tick();
    }).catch(function (err) {
      el("camera-state").textContent = T.camera_failed.replace("{error}", err.name || err);
    });
  });

  el("camera-stop").addEventListener("click", function () {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    stream = null;
    video.hidden = true;
    el("camera-start").hidden = false;
    el("camera-stop").hidden = true;
    el("camera-state").textContent = "";
  });

  // ------------------------------------------------------------------ search by name

  var results = el("search-results");

  function personItem(p) {
    var li = document.createElement("li");
    var label = document.createElement("span");
    label.textContent = p.name + (p.organisation ? " · " + p.organisation : "") +
      (p.state !== "ok" ? " — " + (T[p.state] || p.state) : "");
    li.appendChild(label);
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = T.check_in;
    button.disabled = p.state !== "ok";
    button.addEventListener("click", function () {
      if (!door()) { el("camera-state").textContent = T.door_needed; doorInput.focus(); return; }
      post(cfg.manualUrl, { registration_id: p.id, door: door(), device: device, nonce: randomId() })
        .then(function (answer) { answer.manual = true; show(answer, false); results.textContent = ""; })
        .catch(function () { show({ status: "refused", reason: "unknown" }, false); });
    });
    li.appendChild(button);
    if (cfg.registrationUrl) {
      var link = document.createElement("a");
      link.href = cfg.registrationUrl.replace(/\/0$/, "/" + p.id);
      link.textContent = T.new_badge;
      li.appendChild(link);
    }
    return li;
  }

  el("search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = el("search-input").value.trim();
    fetch(cfg.searchUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        results.textContent = "";
        if (!body.items.length) {
          var li = document.createElement("li");
          li.textContent = T.no_match;
          results.appendChild(li);
        }
        body.items.forEach(function (p) { results.appendChild(personItem(p)); });
      })
      .catch(function () { results.textContent = T.offline; });
  });

  // ------------------------------------------------------------------ start

  window.addEventListener("online", function () { showQueue(); upload(); });
  window.addEventListener("offline", showQueue);
  setInterval(function () { upload(); }, 5000);
  setInterval(function () { if (navigator.onLine && !queue().length) { refreshSnapshot(); } }, 60000);
  showQueue();
  refreshSnapshot().then(upload);
  if (door()) { codeInput.focus(); } else { doorInput.focus(); }
})();
