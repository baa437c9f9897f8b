// The door scanner: camera (getUserMedia + jsQR), handheld scanner (types the code + Enter),
// search by name; online it asks the server, offline it decides from a local copy (codes as
// SHA-256) and queues the scans with their nonce and time until the network is back.
//
// The page stays open all day: its CSRF token is renewed before it expires (and once more
// after a refused one), and an answer that is not a decision is shown as an error, never
// taken for "offline". The local copy and the queue live in IndexedDB (localStorage is a few
// megabytes, shared with everything else); a scan that cannot be stored is said so.
(function () {
  "use strict";

  var root = document.getElementById("scanner");
  if (!root) { return; }
  var cfg = root.dataset;
  var T = JSON.parse(cfg.texts);
  var slug = cfg.slug;
  var PREF = { door: "checkin-door", device: "checkin-device" };
  var LEGACY = {
    queue: "checkin-queue-" + slug,
    snapshot: "checkin-snapshot-" + slug,
    local: "checkin-local-" + slug
  };
  var KV = { snapshot: "snapshot:" + slug, local: "local:" + slug };
  var CODE = /^[A-Z2-7]{26}$/;
  var SAME_CODE_PAUSE = 4000; // the camera sees a badge many times a second
  var RESULT_SHOWN = 2500;
  var UNREACHABLE = { 502: 1, 503: 1, 504: 1 }; // a proxy's or our own "try again later"
  var BATCH = 500;

  var el = function (id) { return document.getElementById(id); };
  var doorInput = el("door-name");
  var codeInput = el("code-input");
  var result = el("result");
  var hideTimer = null;
  var uploading = false;
  var queued = 0;

  function say(template, values) {
    return Object.keys(values || {}).reduce(function (text, key) {
      return text.split("{" + key + "}").join(String(values[key]));
    }, template);
  }

  // ------------------------------------------------------------------ small preferences

  function pref(key, fallback) {
    try { return localStorage.getItem(key) || fallback; } catch (e) { return fallback; }
  }
  function setPref(key, value) {
    try { localStorage.setItem(key, value); } catch (e) { /* the page still has it */ }
  }

  function randomId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  var device = pref(PREF.device, "");
  if (!device) { device = "dev-" + randomId().slice(0, 8); setPref(PREF.device, device); }
  el("device-id").textContent = say(T.device, { id: device });

  // ------------------------------------------------------------------ IndexedDB

  var dbReady = new Promise(function (resolve, reject) {
    if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
    var request = indexedDB.open("eventmgr-door", 1);
    request.onupgradeneeded = function () {
      var db = request.result;
      db.createObjectStore("kv");
      db.createObjectStore("queue", { keyPath: "nonce" }).createIndex("slug", "slug");
    };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });

  // One transaction; resolves with what `work` returns (an IDBRequest's result once done),
  // rejects with the transaction's error (QuotaExceededError when the device is full).
  function transaction(store, mode, work) {
    return dbReady.then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode, { durability: "strict" });
        var request;
        try { request = work(tx.objectStore(store)); } catch (e) { reject(e); return; }
        tx.oncomplete = function () { resolve(request ? request.result : undefined); };
        tx.onabort = function () { reject(tx.error || new Error("aborted")); };
      });
    });
  }

  var kvGet = function (key) {
    return transaction("kv", "readonly", function (s) { return s.get(key); });
  };
  var kvPut = function (key, value) {
    return transaction("kv", "readwrite", function (s) { return s.put(value, key); });
  };
  var queueAdd = function (scan) {
    return transaction("queue", "readwrite", function (s) {
      return s.put({ nonce: scan.nonce, slug: slug, scan: scan });
    });
  };
  var queueRemove = function (nonces) {
    return transaction("queue", "readwrite", function (s) {
      nonces.forEach(function (n) { s.delete(n); });
    });
  };
  function queueAll() {
    return transaction("queue", "readonly", function (s) {
      return s.index("slug").getAll(slug);
    }).then(function (rows) {
      return rows.map(function (r) { return r.scan; }).sort(function (a, b) {
        return a.scanned_at < b.scanned_at ? -1 : 1;
      });
    });
  }

  function storageProblem(text) {
    var box = el("storage-alert");
    box.textContent = text;
    box.hidden = false;
  }

  // Scans queued by the page before it used IndexedDB move over once, then leave localStorage.
  function moveLegacy() {
    var raw = {};
    try {
      Object.keys(LEGACY).forEach(function (k) { raw[k] = localStorage.getItem(LEGACY[k]); });
    } catch (e) { return Promise.resolve(); }
    var scans = raw.queue ? JSON.parse(raw.queue) : [];
    var steps = scans.map(queueAdd);
    if (raw.local) { steps.push(kvPut(KV.local, JSON.parse(raw.local))); }
    return Promise.all(steps).then(function () {
      Object.keys(LEGACY).forEach(function (k) { localStorage.removeItem(LEGACY[k]); });
    });
  }

  // ------------------------------------------------------------------ the door's name

  var doorNotice = el("door-notice");
  // A door named in a bookmark per door (?door=) or typed before this script ran is kept.
  var early = (doorInput.value || new URLSearchParams(location.search).get("door") || "").trim();
  if (early && !CODE.test(early.toUpperCase())) { setPref(PREF.door, early.slice(0, 80)); }
  doorInput.value = pref(PREF.door, "");

  function door() { return pref(PREF.door, "").trim(); }

  function doorError(text) {
    el("door-error").textContent = text;
    el("door-error").hidden = !text;
    if (text) {
      doorInput.setAttribute("aria-invalid", "true");
    } else {
      doorInput.removeAttribute("aria-invalid");
    }
  }

  function showDoor() {
    var name = door();
    el("door-current").textContent = name ? say(T.door_is, { door: name }) : T.door_unnamed;
    root.classList.toggle("door-unnamed", !name);
  }

  el("door-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var name = doorInput.value.trim();
    // A handheld scanner types a code and Enter into whatever has the focus: a badge code or
    // a link is never a door's name.
    if (CODE.test(name.toUpperCase().replace(/[\s-]/g, "")) || /^[a-z]+:\/\//i.test(name)) {
      doorInput.value = door();
      doorError(T.door_is_code);
      return;
    }
    if (!name) { doorError(T.door_needed); return; }
    doorError("");
    setPref(PREF.door, name.slice(0, 80));
    doorNotice.textContent = "";
    showDoor();
    codeInput.focus();
  });

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

  function screen(colour, status, reason, title, name, detail) {
    result.className = "door-result result-" + colour;
    result.dataset.status = status;
    result.dataset.reason = reason || "";
    el("result-title").textContent = title;
    el("result-name").textContent = name;
    el("result-detail").textContent = detail;
    el("door-announce").textContent = [title, name, detail].filter(Boolean).join(". ");
    result.hidden = false;
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hideResult, RESULT_SHOWN);
  }

  function show(answer, offline, notKept) {
    var ok = answer.status === "accepted";
    var person = answer.registration;
    var detail = [];
    if (person && person.organisation) { detail.push(person.organisation); }
    if (person && person.role) { detail.push(person.role); }
    if (answer.first_checkin) {
      detail.push(say(T.already_detail, {
        time: localTime(answer.first_checkin.at), door: answer.first_checkin.door || "?"
      }));
    }
    if (answer.manual) { detail.push(T.manual); }
    if (offline) { detail.push(notKept ? T.not_kept : T.offline_decision); }
    screen(
      ok && !notKept ? "green" : (AMBER[answer.reason] || notKept ? "amber" : "red"),
      answer.status, answer.reason,
      ok ? T.accepted : T[answer.reason] || T.unknown,
      person ? person.name : "", detail.join(" · ")
    );
    result.dataset.kept = notKept ? "no" : "yes";
    beep(ok && !notKept);
  }

  // An answer that is not a decision: nobody was checked in, and the page says why.
  function showError(problem) {
    screen("red", "error", "", T.error_title, "", problem.message);
    result.dataset.kept = "";
    beep(false);
  }

  function hideResult() {
    clearTimeout(hideTimer);
    result.hidden = true;
    // back to the badge field, unless someone is typing elsewhere (a name, the door's name)
    var active = document.activeElement;
    if (!active || active === document.body || active === codeInput) { codeInput.focus(); }
  }
  result.addEventListener("click", hideResult);
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && !result.hidden) { ev.preventDefault(); hideResult(); }
  });

  // ------------------------------------------------------------------ asking the server

  var token = { value: cfg.csrf, at: Date.now(), maxAge: Number(cfg.csrfMaxAge || 3600) * 1000 };

  // What went wrong, in words: `offline` when no answer came (the scan is decided locally),
  // otherwise the server's answer that was not what the page asked for.
  function problem(offline, message, status) {
    var e = new Error(message);
    e.offline = offline;
    e.status = status || 0;
    return e;
  }

  function ask(url, options) {
    var headers = { Accept: "application/json" };
    if (options.body) {
      headers["Content-Type"] = "application/json";
      headers["X-CSRFToken"] = token.value;
    }
    return fetch(url, {
      method: options.body ? "POST" : "GET",
      credentials: "same-origin",
      cache: "no-store",
      headers: headers,
      body: options.body ? JSON.stringify(options.body) : undefined
    }).catch(function () {
      throw problem(true, T.no_network);
    }).then(function (r) {
      if (UNREACHABLE[r.status]) { throw problem(true, T.no_network, r.status); }
      if (r.redirected && /\/login\b/.test(r.url)) { throw problem(false, T.signed_out, r.status); }
      var type = r.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") !== 0) {
        throw problem(false, say(T.server_error, { status: r.status }), r.status);
      }
      return r.json().then(function (data) {
        if (r.ok) { return data; }
        var error = (data && data.error) || {};
        var e = problem(false, say(T.server_error, { status: r.status }) +
          (error.message ? " " + error.message : ""), r.status);
        e.code = error.code;
        throw e;
      });
    });
  }

  function renewToken() {
    return ask(cfg.csrfUrl, {}).then(function (data) {
      token = { value: data.csrf_token, at: Date.now(), maxAge: data.max_age * 1000 };
    });
  }

  // Renewed at half its age, so a token is never near its limit when it is used.
  function freshToken() {
    if (Date.now() - token.at < token.maxAge / 2) { return Promise.resolve(); }
    return renewToken();
  }

  function post(url, body) {
    return freshToken().then(function () {
      return ask(url, { body: body });
    }).catch(function (err) {
      if (err.status !== 400 || err.offline) { throw err; }
      // a refused token (a clock that jumped, a device that slept): renew it and try once more
      return renewToken().then(function () { return ask(url, { body: body }); });
    });
  }

  function isDecision(answer) {
    return answer && (answer.status === "accepted" || answer.status === "refused");
  }

  // ------------------------------------------------------------------ the local copy

  var snapshot = null;
  var localIns = {};

  function refreshSnapshot() {
    return ask(cfg.snapshotUrl, {}).then(function (data) {
      snapshot = data;
      root.dataset.snapshotReady = "1";
      return kvPut(KV.snapshot, data).catch(function () {
        storageProblem(T.snapshot_not_kept);
      });
    }).catch(function () { /* keep the copy we have */ });
  }

  function sha256(text) {
    var bytes = new TextEncoder().encode(text);
    return crypto.subtle.digest("SHA-256", bytes).then(function (buf) {
      return Array.prototype.map.call(new Uint8Array(buf), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
    });
  }

  function keepLocalIn(hash, at, doorName) {
    localIns[hash] = { at: at, door: doorName };
    return kvPut(KV.local, localIns).catch(function () { /* the page still knows */ });
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
      keepLocalIn(hash, at, door());
      return { status: "accepted", reason: null, registration: person };
    });
  }

  // ------------------------------------------------------------------ the queue

  function showQueue() {
    el("queue-size").textContent = String(queued);
    var online = navigator.onLine;
    el("net-text").textContent = online ? T.online : T.offline;
    root.classList.toggle("is-offline", !online);
  }

  function countQueue() {
    return queueAll().then(function (scans) { queued = scans.length; })
      .catch(function () { /* storage unavailable: said at start */ })
      .then(showQueue);
  }

  function upload() {
    if (uploading || !queued || !navigator.onLine) { return Promise.resolve(); }
    uploading = true;
    return queueAll().then(function (scans) {
      var batch = scans.slice(0, BATCH);
      if (!batch.length) { return null; }
      return post(cfg.batchUrl, { scans: batch }).then(function (body) {
        return queueRemove(batch.map(function (s) { return s.nonce; })).then(function () {
          var words = [say(T.uploaded, { n: body.results.length })];
          if (body.got_in_twice.length) {
            words.push(say(T.twice, { names: body.got_in_twice.map(function (t) {
              return t.registration.name;
            }).join(", ") }));
          }
          el("upload-report").textContent = " · " + words.join(" ");
          return refreshSnapshot();
        });
      });
    }).catch(function (err) {
      // no network: try again later, quietly; anything else is said (the scans stay here)
      if (!err.offline) {
        el("upload-report").textContent = " · " + say(T.upload_failed, { problem: err.message });
      }
    }).then(function () {
      uploading = false;
      return countQueue();
    });
  }

  // ------------------------------------------------------------------ a scan

  function submit(text) {
    if (!door()) {
      // the focus stays in the badge field: the next scan must not become the door's name
      doorNotice.textContent = T.door_needed;
      return;
    }
    var item = {
      code: text, nonce: randomId(), scanned_at: new Date().toISOString(),
      door: door(), device: device
    };
    if (!navigator.onLine) { offlineScan(item); return; }
    post(cfg.scanUrl, item).then(function (answer) {
      if (!isDecision(answer)) { throw problem(false, say(T.server_error, { status: 200 })); }
      show(answer, false);
      remember(item, answer);
    }).catch(function (err) {
      if (err.offline) { offlineScan(item); } else { showError(err); }
    });
  }

  function remember(item, answer) {
    // so that this page, if the network drops next, knows who it let in
    var normal = item.code.trim().toUpperCase();
    if (answer.status !== "accepted" || !CODE.test(normal)) { return; }
    sha256(normal).then(function (hash) { keepLocalIn(hash, item.scanned_at, item.door); });
  }

  function offlineScan(item) {
    decideLocally(item.code, item.scanned_at).then(function (answer) {
      item.local_status = answer.status;
      return queueAdd(item).then(function () {
        queued += 1;
        showQueue();
        show(answer, true);
      }, function () {
        storageProblem(T.storage_full);
        show(answer, true, true);
      });
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

  var CAMERA_PROBLEMS = {
    NotAllowedError: "camera_denied",
    PermissionDeniedError: "camera_denied",
    SecurityError: "camera_insecure",
    NotFoundError: "camera_missing",
    DevicesNotFoundError: "camera_missing",
    OverconstrainedError: "camera_missing",
    NotReadableError: "camera_busy",
    TrackStartError: "camera_busy",
    AbortError: "camera_busy"
  };

  function cameraProblem(err) {
    return T[CAMERA_PROBLEMS[err && err.name]] || T.camera_other;
  }

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
      el("camera-state").textContent = window.isSecureContext ? T.camera_other : T.camera_insecure;
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
      el("camera-stop").focus();
      el("camera-state").textContent = T.camera_on;
      tick();
    }).catch(function (err) {
      el("camera-state").textContent = cameraProblem(err);
    });
  });

  el("camera-stop").addEventListener("click", function () {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    stream = null;
    video.hidden = true;
    el("camera-start").hidden = false;
    el("camera-stop").hidden = true;
    el("camera-start").focus();
    el("camera-state").textContent = "";
  });

  // ------------------------------------------------------------------ search by name

  var results = el("search-results");
  var searchStatus = el("search-status");

  function personItem(p) {
    var li = document.createElement("li");
    var label = document.createElement("span");
    label.textContent = p.name + (p.organisation ? " · " + p.organisation : "") +
      (p.state !== "ok" ? " — " + (T[p.state] || p.state) : "");
    li.appendChild(label);
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = T.check_in;
    var who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = " " + p.name;
    button.appendChild(who);
    button.disabled = p.state !== "ok";
    button.addEventListener("click", function () { checkInByHand(p); });
    li.appendChild(button);
    if (cfg.registrationUrl) {
      var link = document.createElement("a");
      link.href = cfg.registrationUrl.replace(/\/0$/, "/" + p.id);
      link.textContent = T.new_badge;
      link.setAttribute("aria-label", T.new_badge + " " + p.name);
      li.appendChild(link);
    }
    return li;
  }

  function checkInByHand(p) {
    if (!door()) { doorNotice.textContent = T.door_needed; return; }
    // the button goes with the results: the focus moves to the badge field first, not nowhere
    codeInput.focus();
    post(cfg.manualUrl, { registration_id: p.id, door: door(), device: device, nonce: randomId() })
      .then(function (answer) {
        if (!isDecision(answer)) { throw problem(false, say(T.server_error, { status: 200 })); }
        answer.manual = true;
        results.textContent = "";
        searchStatus.textContent = "";
        show(answer, false);
      })
      .catch(function (err) {
        showError(err.offline ? problem(true, T.manual_offline) : err);
      });
  }

  el("search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = el("search-input").value.trim();
    searchStatus.classList.remove("field-error");
    searchStatus.textContent = T.searching;
    ask(cfg.searchUrl + "?q=" + encodeURIComponent(q), {})
      .then(function (body) {
        results.textContent = "";
        body.items.forEach(function (p) { results.appendChild(personItem(p)); });
        searchStatus.textContent = body.items.length
          ? say(T.found, { n: body.items.length }) : T.no_match;
      })
      .catch(function (err) {
        results.textContent = "";
        searchStatus.classList.add("field-error");
        searchStatus.textContent = say(T.search_failed, { problem: err.message });
      });
  });

  // ------------------------------------------------------------------ start

  window.addEventListener("online", function () { showQueue(); upload(); });
  window.addEventListener("offline", showQueue);
  setInterval(upload, 5000);
  setInterval(function () { if (navigator.onLine && !queued) { refreshSnapshot(); } }, 60000);
  // renew the token while nobody scans, too (a timer may not run while a device sleeps;
  // freshToken looks at the clock before each request as well)
  setInterval(function () {
    if (navigator.onLine) { freshToken().catch(function () { /* said at the next request */ }); }
  }, Math.max(1000, Math.min(token.maxAge / 4, 600000)));
  if (navigator.storage && navigator.storage.persist) {
    navigator.storage.persist().catch(function () { /* best effort */ });
  }
  showDoor();
  showQueue();
  codeInput.focus();

  dbReady.then(moveLegacy).then(function () {
    return Promise.all([kvGet(KV.snapshot), kvGet(KV.local)]);
  }).then(function (found) {
    snapshot = snapshot || found[0] || null;
    localIns = found[1] || {};
  }).catch(function () {
    storageProblem(T.storage_unavailable);
  }).then(countQueue).then(refreshSnapshot).then(upload);
})();
