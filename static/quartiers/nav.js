// Header menu on narrow screens. Without this script the menu simply stays open (a wrapped list),
// so nothing breaks when JavaScript is off; with it, a « Menu » button folds it away.
(function () {
  "use strict";
  var toggle = document.querySelector(".nav-toggle");
  var nav = document.getElementById("menu-principal");
  if (!toggle || !nav) return;
  document.documentElement.classList.add("js-nav");
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") === "true";
    toggle.setAttribute("aria-expanded", open ? "false" : "true");
    nav.classList.toggle("open", !open);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      toggle.setAttribute("aria-expanded", "false");
      nav.classList.remove("open");
      toggle.focus();
    }
  });
})();

// On phones wide tables scroll sideways (quartiers.css); a keyboard user can scroll one only if it
// takes the focus, so a table that overflows gets tabindex="0" (and loses it when it fits again).
(function () {
  "use strict";
  function mark() {
    var tables = document.querySelectorAll("main table");
    for (var i = 0; i < tables.length; i++) {
      var table = tables[i];
      if (table.scrollWidth > table.clientWidth + 1) {
        table.setAttribute("tabindex", "0");
      } else if (table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
      }
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  window.addEventListener("resize", mark);
})();

// Card layout of the main lists on phones (table.cards in quartiers.css): each cell is labelled with its
// column header, so a card reads « Statut : en cours ». Screen readers keep the table's own headers.
(function () {
  "use strict";
  function label() {
    var tables = document.querySelectorAll("table.cards");
    for (var i = 0; i < tables.length; i++) {
      var heads = tables[i].querySelectorAll("thead th");
      var names = [];
      for (var h = 0; h < heads.length; h++) {
        var span = heads[h].colSpan || 1;
        for (var k = 0; k < span; k++) { names.push(heads[h].textContent.trim()); }
      }
      var rows = tables[i].tBodies.length ? tables[i].tBodies[0].rows : [];
      for (var r = 0; r < rows.length; r++) {
        var col = 0;
        for (var c = 0; c < rows[r].cells.length; c++) {
          var cell = rows[r].cells[c];
          if (cell.colSpan < names.length && names[col]) { cell.setAttribute("data-label", names[col]); }
          col += cell.colSpan || 1;
        }
      }
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", label);
  } else {
    label();
  }
})();
