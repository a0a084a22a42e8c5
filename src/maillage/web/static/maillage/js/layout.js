// Progressive enhancements of the layout: without JavaScript the menu stays open and wide
// tables scroll through the CSS fallback. No inline script (CSP).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // « Menu » button on phones: the navigation folds behind it.
  var header = document.querySelector(".site-header");
  var toggle = document.querySelector(".nav-toggle");
  if (header && toggle) {
    header.setAttribute("data-menu", "closed");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = header.getAttribute("data-menu") !== "open";
      header.setAttribute("data-menu", open ? "open" : "closed");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // Every table of the page scrolls inside its own box; the box is focusable (keyboard
  // scrolling) and named after the table's caption.
  var tables = document.querySelectorAll("main table");
  Array.prototype.forEach.call(tables, function (table) {
    if (table.parentElement && table.parentElement.classList.contains("table-scroll")) { return; }
    if (table.closest(".leaflet-container")) { return; }
    var box = document.createElement("div");
    box.className = "table-scroll";
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
  });
  function mark() {
    Array.prototype.forEach.call(document.querySelectorAll(".table-scroll"), function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        var caption = box.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", (caption ? caption.textContent.trim() : "Tableau") + " (défile horizontalement)");
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  mark();
  window.addEventListener("resize", mark);
}());

// Long lists (EPCI, CPTS…): a search field above the <select data-filter="…"> keeps only the
// options whose text contains what is typed. Without JavaScript the plain list still works.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  Array.prototype.forEach.call(document.querySelectorAll("select[data-filter]"), function (select, i) {
    var input = document.createElement("input");
    var label = document.createElement("label");
    input.type = "search";
    input.id = (select.id || "liste-" + i) + "-filtre";
    input.autocomplete = "off";
    label.htmlFor = input.id;
    label.textContent = select.getAttribute("data-filter");
    label.className = "small";
    select.parentNode.insertBefore(label, select);
    select.parentNode.insertBefore(input, select);
    input.addEventListener("input", function () {
      var wanted = fold(input.value.trim());
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var keep = !option.value || fold(option.textContent).indexOf(wanted) !== -1;
        option.hidden = !keep;
        if (keep && option.value && first === null) { first = option; }
      });
      if (wanted && first && (select.selectedIndex < 0 || select.options[select.selectedIndex].hidden || !select.value)) {
        select.value = first.value;
      }
    });
  });
}());
