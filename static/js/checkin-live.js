// The organiser's live check-in figures: polls the JSON every few seconds and redraws,
// with the arrivals per 5 minutes as an SVG bar chart.
(function () {
  "use strict";

  var root = document.getElementById("live");
  if (!root) { return; }
  var SVG = "http://www.w3.org/2000/svg";
  var el = function (id) { return document.getElementById(id); };

  function time(iso) {
    try {
      return new Intl.DateTimeFormat(root.dataset.locale, {
        timeZone: root.dataset.timezone, hour: "2-digit", minute: "2-digit"
      }).format(new Date(iso));
    } catch (e) { return iso; }
  }

  function svg(name, attrs, text) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function chart(buckets) {
    var box = el("arrivals-chart");
    box.textContent = "";
    var shown = buckets.slice(-48);
    var width = 600, height = 180, bottom = 20;
    var top = Math.max(1, Math.max.apply(null, shown.map(function (b) { return b.count; }).concat([1])));
    // one sentence for a screen reader: the heading, then each five minutes with arrivals
    var said = shown.filter(function (b) { return b.count; }).map(function (b) {
      return time(b.start) + ": " + b.count;
    });
    var graph = svg("svg", {
      viewBox: "0 0 " + width + " " + height, role: "img",
      "aria-label": box.getAttribute("aria-label") + (said.length ? ". " + said.join(", ") : "")
    });
    var step = shown.length ? width / shown.length : width;
    shown.forEach(function (b, i) {
      var h = (height - bottom - 12) * b.count / top;
      var bar = svg("rect", {
        x: i * step + 1, y: height - bottom - h, width: Math.max(1, step - 2), height: h,
        "data-count": b.count
      });
      bar.appendChild(svg("title", {}, time(b.start) + ": " + b.count));
      graph.appendChild(bar);
      if (b.count) {
        graph.appendChild(svg("text", { x: i * step + step / 2, y: height - bottom - h - 2, "text-anchor": "middle" }, String(b.count)));
      }
      if (i % Math.ceil(shown.length / 8) === 0) {
        graph.appendChild(svg("text", { x: i * step + 2, y: height - 5 }, time(b.start)));
      }
    });
    box.appendChild(graph);
  }

  function show(data) {
    el("checked-in").textContent = data.checked_in;
    el("expected").textContent = data.expected;
    el("checked-in-bar").max = Math.max(1, data.expected);
    el("checked-in-bar").value = data.checked_in;
    el("scans").textContent = data.scans;
    el("got-in-twice").textContent = data.got_in_twice;
    Object.keys(data.refused).forEach(function (reason) {
      var cell = document.querySelector('#refused td[data-reason="' + reason + '"]');
      if (cell) { cell.textContent = data.refused[reason]; }
    });
    var doors = document.querySelector("#doors tbody");
    doors.textContent = "";
    data.doors.forEach(function (d) {
      var row = document.createElement("tr");
      [d.door || "—", d.scans, d.checked_in].forEach(function (v, i) {
        var cell = document.createElement(i ? "td" : "th");
        if (!i) { cell.scope = "row"; }
        cell.textContent = v;
        row.appendChild(cell);
      });
      doors.appendChild(row);
    });
    chart(data.arrivals);
    el("not-arrived-total").textContent = data.not_arrived_total;
    var list = el("not-arrived");
    list.textContent = "";
    data.not_arrived.forEach(function (p) {
      var li = document.createElement("li");
      li.textContent = p.name + (p.organisation ? " · " + p.organisation : "");
      list.appendChild(li);
    });
    el("live-updated").textContent = time(new Date().toISOString());
    root.dataset.loaded = String(Number(root.dataset.loaded || 0) + 1);
  }

  function poll() {
    fetch(root.dataset.statsUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(show)
      .catch(function () { /* next time */ })
      .then(function () { setTimeout(poll, 4000); });
  }
  poll();
})();
