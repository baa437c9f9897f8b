// What every page does: tables read as labelled rows on a phone (each cell carries its
// column's name, which the stylesheet shows before the cell below 40rem, so that no table
// scrolls sideways; the timetable keeps its grid and scrolls inside its own frame), and a
// link in a form's error summary puts the focus in the field it names.
(function () {
  "use strict";

  function label(table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    if (!heads.length) { return; }
    table.classList.add("stacked");
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        if (heads[column] && !cell.hasAttribute("data-label") && cell.colSpan === 1) {
          cell.setAttribute("data-label", heads[column]);
        }
        column += cell.colSpan || 1;
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("main table"), function (table) {
    if (!table.closest(".timetable-scroll")) { label(table); }
  });

  document.addEventListener("click", function (ev) {
    var link = ev.target.closest && ev.target.closest(".error-summary a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) { return; }
    ev.preventDefault();
    field.focus();
    field.scrollIntoView({ block: "center" });
  });

  // a summary shown after a failed submit has the focus (autofocus is not honoured everywhere)
  var summary = document.getElementById("error-summary");
  if (summary && document.activeElement === document.body) { summary.focus(); }
})();
