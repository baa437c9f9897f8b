// Speakers and moderators picked by typing a name: each <select multiple data-picker> becomes a
// text field with the event's people as suggestions (a <datalist>) and the chosen ones as chips
// with a remove button. The select stays in the form, hidden, and is what is posted; without
// JavaScript it is the plain multiple select. Texts come translated in data-picker-* attributes.
(function () {
  "use strict";

  function fill(template, name) {
    return template.replace("{name}", name);
  }

  function enhance(select) {
    var texts = select.dataset;
    var options = Array.prototype.slice.call(select.options);
    var byName = {};
    options.forEach(function (option) { byName[option.text.toLowerCase()] = option; });

    var list = document.createElement("datalist");
    list.id = select.id + "-names";
    options.forEach(function (option) {
      var entry = document.createElement("option");
      entry.value = option.text;
      list.appendChild(entry);
    });

    var box = document.createElement("div");
    box.className = "picker";
    var chosen = document.createElement("ul");
    chosen.className = "picker-chosen";
    chosen.setAttribute("aria-label", texts.pickerChosen);
    var input = document.createElement("input");
    input.type = "text";
    input.id = select.id + "-search";
    input.setAttribute("list", list.id);
    input.autocomplete = "off";
    input.placeholder = texts.pickerPlaceholder;
    var status = document.createElement("small");
    status.id = select.id + "-status";
    status.className = "picker-status";
    status.setAttribute("aria-live", "polite");
    var described = [status.id];
    if (select.getAttribute("aria-describedby")) {
      described.unshift(select.getAttribute("aria-describedby"));
    }
    input.setAttribute("aria-describedby", described.join(" "));
    if (select.getAttribute("aria-invalid")) { input.setAttribute("aria-invalid", "true"); }
    box.appendChild(chosen);
    box.appendChild(input);
    box.appendChild(status);
    box.appendChild(list);

    var label = document.querySelector("label[for='" + select.id + "']");
    if (label) { label.htmlFor = input.id; }
    select.hidden = true;
    select.tabIndex = -1;
    select.parentNode.insertBefore(box, select.nextSibling);

    function chip(option) {
      var item = document.createElement("li");
      item.className = "chip";
      item.dataset.value = option.value;
      item.appendChild(document.createTextNode(option.text + " "));
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "chip-remove secondary outline";
      remove.setAttribute("aria-label", fill(texts.pickerRemove, option.text));
      remove.textContent = "×";
      remove.addEventListener("click", function () {
        option.selected = false;
        item.remove();
        status.textContent = fill(texts.pickerRemoved, option.text);
        input.focus();
      });
      item.appendChild(remove);
      chosen.appendChild(item);
    }

    function add(option) {
      if (!option.selected) {
        option.selected = true;
        chip(option);
      }
      status.textContent = fill(texts.pickerAdded, option.text);
      input.value = "";
    }

    // The exact name, else the one person whose name contains what was typed.
    function find(typed) {
      var wanted = typed.trim().toLowerCase();
      if (!wanted) { return null; }
      if (byName[wanted]) { return byName[wanted]; }
      var matches = options.filter(function (o) { return o.text.toLowerCase().indexOf(wanted) !== -1; });
      return matches.length === 1 ? matches[0] : null;
    }

    options.forEach(function (option) { if (option.selected) { chip(option); } });

    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || !input.value.trim()) { return; }
      event.preventDefault(); // Enter adds the person; it does not send the form
      var option = find(input.value);
      if (option) {
        add(option);
      } else {
        status.textContent = fill(texts.pickerUnknown, input.value.trim());
      }
    });
    // A suggestion picked from the list arrives as a whole name.
    input.addEventListener("input", function (event) {
      var picked = !event.inputType || event.inputType === "insertReplacementText";
      var option = byName[input.value.trim().toLowerCase()];
      if (picked && option) { add(option); }
    });
    input.addEventListener("change", function () {
      var option = byName[input.value.trim().toLowerCase()];
      if (option) { add(option); }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("select[multiple][data-picker]"), enhance);
})();
