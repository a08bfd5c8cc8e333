// Page behaviour without inline scripts (the Content-Security-Policy allows none):
//   <select data-autosubmit>                 submits its form when changed;
//   <select data-autosubmit data-clear="S">  first clears the selection of the form's S field;
//   <select data-navigate>                   goes to the chosen option's value (a URL);
//   <button data-print>                      prints the page;
//   <input type=file class="file-pick-input"> shows the chosen file's name beside its button
//                                            (web/_file_input.html);
//   header <details class="navgroup">         one drop-down open at a time, closed by a click
//                                            elsewhere or Escape;
//   <table> with a <thead>                   each cell gets its column heading as data-label,
//                                            shown when a phone folds the rows into cards.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLInputElement && el.classList.contains("file-pick-input")) {
      showChosen(el);
      return;
    }
    if (!(el instanceof HTMLSelectElement)) return;
    if (el.hasAttribute("data-navigate")) {
      window.location.href = el.value;
      return;
    }
    if (el.hasAttribute("data-autosubmit") && el.form) {
      var clear = el.getAttribute("data-clear");
      if (clear) {
        var other = el.form.querySelector(clear);
        if (other) other.selectedIndex = -1;
      }
      el.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var el = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (el) window.print();
    var inside = event.target instanceof Element ? event.target.closest("details.navgroup") : null;
    document.querySelectorAll("details.navgroup[open]").forEach(function (d) {
      if (d !== inside && isDropDown(d)) d.removeAttribute("open");
    });
  });
  function showChosen(input) {
    var out = document.getElementById(input.id + "-chosen");
    if (!out) return;
    var names = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
    out.textContent = names.length ? names.join(", ") : out.getAttribute("data-none");
  }
  // A page restored from the back/forward cache keeps the chosen file: say so again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("input.file-pick-input").forEach(showChosen);
  });
  // On a laptop a group is a drop-down over the page; in the phone menu it opens in place.
  function isDropDown(details) {
    var items = details.querySelector(".navgroup-items");
    return !!items && window.getComputedStyle(items).position === "absolute";
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.navgroup[open]").forEach(function (d) {
      if (isDropDown(d)) d.removeAttribute("open");
    });
  });

  function headings(table) {
    var row = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!row) return null;
    var out = [];
    for (var i = 0; i < row.cells.length; i++) {
      var text = row.cells[i].textContent.replace(/\s+/g, " ").trim();
      for (var n = 0; n < (row.cells[i].colSpan || 1); n++) out.push(text);
    }
    return out;
  }
  function labelTables(root) {
    (root || document).querySelectorAll("table").forEach(function (table) {
      var heads = headings(table);
      if (!heads) return;
      for (var b = 0; b < table.tBodies.length; b++) {
        var rows = table.tBodies[b].rows;
        for (var r = 0; r < rows.length; r++) {
          var col = 0;
          for (var c = 0; c < rows[r].cells.length; c++) {
            var cell = rows[r].cells[c];
            if (!cell.hasAttribute("data-label") && heads[col] && cell.colSpan < heads.length) {
              cell.setAttribute("data-label", heads[col]);
            }
            col += cell.colSpan || 1;
          }
        }
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { labelTables(document); });
  } else {
    labelTables(document);
  }
  // tables that htmx swaps in later
  document.addEventListener("htmx:load", function (event) {
    var el = event.target;
    labelTables(el instanceof Element && el.closest("table") ? el.closest("table").parentNode : el);
  });
})();
