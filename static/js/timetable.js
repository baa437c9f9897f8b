// The programme lead's timetable: item menus placed beside their ⋯ button, and drag and drop.
//
// Drag and drop uses pointer events rather than a list-sorting library: the timetable is a
// time grid (an item's place is a time and a room), not an ordered list. A drop posts the
// same form as the menu's buttons (minutes, and room_id when the room changes) to the same
// URL, so the server applies the same move rule and flashes the same clash messages.
// Mouse and pen drag a whole card; touch drags by the ⠿ grip so the page still scrolls.
// Keyboards use the ⋯ menu; Escape cancels a drag.
(function () {
  "use strict";

  var grid = document.querySelector(".timetable");
  if (!grid) { return; }
  var PPM = Number(grid.dataset.ppm);          // pixels per minute
  var FIRST = Number(grid.dataset.firstMinute); // the top of the grid, minutes after midnight
  var STEP = 5;                                 // drops snap to five minutes
  var THRESHOLD = 4;                            // pixels before a press becomes a drag
  var dropForm = document.getElementById("drop-form");

  // ------------------------------------------------------------------ menus

  // A popover opens in the middle of the screen; put it under (or over) its ⋯ button.
  document.addEventListener("toggle", function (event) {
    var menu = event.target;
    if (!menu.classList || !menu.classList.contains("tt-menu") || event.newState !== "open") {
      return;
    }
    var button = document.querySelector("[popovertarget='" + menu.id + "'].tt-menu-button");
    if (!button) { return; }
    var at = button.getBoundingClientRect();
    var box = menu.getBoundingClientRect();
    var left = Math.max(8, Math.min(at.right - box.width, window.innerWidth - box.width - 8));
    var top = at.bottom + 4;
    if (top + box.height > window.innerHeight - 8) {
      top = Math.max(8, at.top - box.height - 4);
    }
    menu.style.inset = "auto";
    menu.style.margin = "0";
    menu.style.left = left + "px";
    menu.style.top = top + "px";
  }, true);

  // ------------------------------------------------------------------ drag and drop

  var drag = null;
  var swallowClick = false;

  function clock(minutes) {
    var m = ((FIRST + minutes) % 1440 + 1440) % 1440;
    var h = Math.floor(m / 60);
    var mm = m % 60;
    return (h < 10 ? "0" : "") + h + ":" + (mm < 10 ? "0" : "") + mm;
  }

  function columnAt(x) {
    var columns = grid.querySelectorAll(".tt-column");
    for (var i = 0; i < columns.length; i++) {
      var rect = columns[i].getBoundingClientRect();
      if (x >= rect.left && x <= rect.right) { return columns[i]; }
    }
    return null;
  }

  function interactive(target) {
    return target.closest("a, button, input, select, textarea, label, [popover]");
  }

  function start(event) {
    if (event.button !== 0 || drag) { return; }
    var card = event.target.closest(".tt-talk, .tt-item");
    if (!card || !grid.contains(card) || interactive(event.target)) { return; }
    // Touch scrolls the page unless the finger is on the grip.
    if (event.pointerType === "touch" && !event.target.closest(".tt-grip")) { return; }
    if (event.pointerType === "mouse") { event.preventDefault(); } // no text selection
    drag = {
      card: card,
      talk: card.classList.contains("tt-talk"),
      x: event.clientX,
      y: event.clientY,
      pointer: event.pointerId,
      started: false,
      minutes: 0,
      column: card.closest(".tt-column"),
      hint: null
    };
  }

  function begin() {
    drag.started = true;
    drag.card.classList.add("dragging");
    drag.hint = document.createElement("output");
    drag.hint.className = "tt-drop-hint";
    drag.card.appendChild(drag.hint);
    try { drag.card.setPointerCapture(drag.pointer); } catch (e) { /* already released */ }
  }

  function move(event) {
    if (!drag || event.pointerId !== drag.pointer) { return; }
    var dx = event.clientX - drag.x;
    var dy = event.clientY - drag.y;
    if (!drag.started) {
      if (Math.abs(dx) < THRESHOLD && Math.abs(dy) < THRESHOLD) { return; }
      begin();
    }
    event.preventDefault();
    drag.minutes = Math.round(dy / PPM / STEP) * STEP;
    var target = drag.talk ? drag.column : (columnAt(event.clientX) || drag.column);
    grid.querySelectorAll(".drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
    target.classList.add("drop-target");
    drag.target = target;
    var shiftX = drag.talk ? 0 : dx;
    drag.card.style.transform = "translate(" + shiftX + "px, " + (drag.minutes * PPM) + "px)";
    var startsAt = Number(drag.card.dataset.start) + drag.minutes;
    var text = clock(startsAt) + "–" + clock(startsAt + Number(drag.card.dataset.length));
    if (!drag.talk) { text += " · " + target.dataset.roomName; }
    drag.hint.textContent = text;
  }

  function reset() {
    if (!drag) { return; }
    drag.card.classList.remove("dragging");
    drag.card.style.transform = "";
    if (drag.hint) { drag.hint.remove(); }
    grid.querySelectorAll(".drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
    drag = null;
  }

  function drop(event) {
    if (!drag || event.pointerId !== drag.pointer) { return; }
    if (!drag.started) { drag = null; return; }
    var card = drag.card;
    var room = drag.target ? drag.target.dataset.roomId : card.dataset.roomId;
    var roomChanged = !drag.talk && room !== card.dataset.roomId;
    var minutes = drag.minutes;
    // The click that ends a drag must not follow a link or open a menu under the pointer.
    swallowClick = true;
    setTimeout(function () { swallowClick = false; }, 0);
    if (!minutes && !roomChanged) { reset(); return; }
    dropForm.action = card.dataset.moveUrl;
    dropForm.elements.minutes.value = String(minutes);
    var roomInput = dropForm.elements.room_id;
    if (roomChanged) {
      if (!roomInput) {
        roomInput = document.createElement("input");
        roomInput.type = "hidden";
        roomInput.name = "room_id";
        dropForm.appendChild(roomInput);
      }
      roomInput.value = room;
    } else if (roomInput) {
      roomInput.remove();
    }
    card.setAttribute("aria-busy", "true");
    dropForm.submit();
  }

  grid.addEventListener("pointerdown", start);
  document.addEventListener("pointermove", move);
  document.addEventListener("pointerup", drop);
  document.addEventListener("pointercancel", reset);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && drag) { reset(); }
  });
  // Text selection and the browser's own image drag would fight a card drag.
  grid.addEventListener("dragstart", function (event) {
    if (event.target.closest && event.target.closest(".tt-item")) { event.preventDefault(); }
  });
  grid.addEventListener("click", function (event) {
    if (swallowClick) {
      event.preventDefault();
      event.stopPropagation();
      swallowClick = false;
    }
  }, true);
})();
