// The weekly private-hours grid: paint 15-minute cells with the pointer or the keyboard.
// The painted state lives in the form's hidden input (672 chars "0"/"1", Monday 00:00 first) so the
// form posts without JavaScript too; every change fires "gridchanged" on <body> (htmx refreshes the diff).
(function () {
  "use strict";
  var PER_DAY = 96, DAYS = 7, TOTAL = PER_DAY * DAYS;

  function setupGrid(table) {
    var form = table.closest("form");
    var input = form && form.querySelector("[data-grid-input]");
    if (!input || input.value.length !== TOTAL) { return; }
    var cells = new Array(TOTAL);
    table.querySelectorAll("td[data-n]").forEach(function (td) { cells[Number(td.dataset.n)] = td; });
    var state = input.value.split("").map(function (c) { return c === "1"; });
    var drag = null;

    function render(n) {
      var td = cells[n];
      td.classList.toggle("on", state[n]);
      td.setAttribute("aria-selected", state[n] ? "true" : "false");
    }
    // A draft of the painting survives a session that expires before "Save" (login, then back here):
    // kept in sessionStorage with the week it started from, restored only onto that same week.
    var draftKey = "grid-draft:" + location.pathname + location.search;
    var serverValue = input.value;
    function saveDraft() {
      try {
        if (input.value === serverValue) { sessionStorage.removeItem(draftKey); return; }
        sessionStorage.setItem(draftKey, JSON.stringify({ base: serverValue, cells: input.value, at: Date.now() }));
      } catch (e) { /* storage full or disabled: painting still works, only the draft is lost */ }
    }
    function restoreDraft() {
      var draft = null;
      try { draft = JSON.parse(sessionStorage.getItem(draftKey) || "null"); } catch (e) { draft = null; }
      if (!draft || draft.base !== serverValue || draft.cells.length !== TOTAL || draft.cells === serverValue
          || Date.now() - draft.at > 12 * 3600 * 1000) {
        try { sessionStorage.removeItem(draftKey); } catch (e) { /* nothing to clean */ }
        return;
      }
      state = draft.cells.split("").map(function (c) { return c === "1"; });
      for (var n = 0; n < TOTAL; n++) { render(n); }
      var notice = document.querySelector("[data-grid-restored]");
      if (notice) { notice.hidden = false; }
      input.value = draft.cells;
      // The diff preview listens once htmx has processed the page: ask for it after the load.
      var refresh = function () { document.body.dispatchEvent(new CustomEvent("gridchanged", { bubbles: true })); };
      if (document.readyState === "complete") { setTimeout(refresh, 0); } else { window.addEventListener("load", refresh); }
    }
    function commit() {
      input.value = state.map(function (on) { return on ? "1" : "0"; }).join("");
      saveDraft();
      document.body.dispatchEvent(new CustomEvent("gridchanged", { bubbles: true }));
    }
    function paintRect(a, b, value, base) {
      var d1 = Math.min(Math.floor(a / PER_DAY), Math.floor(b / PER_DAY));
      var d2 = Math.max(Math.floor(a / PER_DAY), Math.floor(b / PER_DAY));
      var q1 = Math.min(a % PER_DAY, b % PER_DAY), q2 = Math.max(a % PER_DAY, b % PER_DAY);
      for (var n = 0; n < TOTAL; n++) {
        var d = Math.floor(n / PER_DAY), q = n % PER_DAY;
        var inside = d >= d1 && d <= d2 && q >= q1 && q <= q2;
        var next = inside ? value : base[n];
        if (next !== state[n]) { state[n] = next; render(n); }
      }
    }
    function cellAt(x, y) {
      var el = document.elementFromPoint(x, y);
      return el && el.closest && el.closest("td[data-n]");
    }
    function focusCell(n) {
      table.querySelectorAll('td[tabindex="0"]').forEach(function (td) { td.tabIndex = -1; });
      cells[n].tabIndex = 0;
      cells[n].focus();
    }

    table.addEventListener("pointerdown", function (event) {
      var td = event.target.closest("td[data-n]");
      if (!td || event.button > 0) { return; }
      event.preventDefault();
      var n = Number(td.dataset.n);
      drag = { anchor: n, value: !state[n], base: state.slice(), moved: false };
      paintRect(n, n, drag.value, drag.base);
      focusCell(n);
    });
    document.addEventListener("pointermove", function (event) {
      if (!drag) { return; }
      var td = cellAt(event.clientX, event.clientY);
      if (td && table.contains(td)) { paintRect(drag.anchor, Number(td.dataset.n), drag.value, drag.base); }
    });
    function endDrag() { if (drag) { drag = null; commit(); } }
    document.addEventListener("pointerup", endDrag);
    document.addEventListener("pointercancel", endDrag);

    table.addEventListener("keydown", function (event) {
      var td = event.target.closest("td[data-n]");
      if (!td) { return; }
      var n = Number(td.dataset.n), d = Math.floor(n / PER_DAY), q = n % PER_DAY;
      var moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
      if (event.key === " " || event.key === "Enter") {
        event.preventDefault();
        state[n] = !state[n]; render(n); commit();
      } else if (moves[event.key]) {
        event.preventDefault();
        var nd = Math.min(DAYS - 1, Math.max(0, d + moves[event.key][0]));
        var nq = Math.min(PER_DAY - 1, Math.max(0, q + moves[event.key][1]));
        var target = nd * PER_DAY + nq;
        if (event.shiftKey && target !== n) {  // extend: paint the new cell like the one we come from
          state[target] = state[n]; render(target); commit();
        }
        focusCell(target);
      } else if (event.key === "Home" || event.key === "End") {
        event.preventDefault();
        focusCell(d * PER_DAY + (event.key === "Home" ? 0 : PER_DAY - 1));
      }
    });

    form.addEventListener("click", function (event) {
      var preset = event.target.closest(".js-preset");
      if (preset) {
        event.preventDefault();
        var add = preset.dataset.mode === "add";
        // "Apply to": the whole week (empty) or one day, whose 96 cells alone take the preset's.
        var dayPicker = form.querySelector("[data-preset-day]");
        var day = dayPicker && dayPicker.selectedIndex > 0 ? dayPicker.selectedIndex - 1 : -1;
        preset.dataset.cells.split("").forEach(function (c, n) {
          if (day >= 0 && Math.floor(n / PER_DAY) !== day) { return; }
          var next = add ? (state[n] || c === "1") : c === "1";
          if (next !== state[n]) { state[n] = next; render(n); }
        });
        commit();
        return;
      }
      if (event.target.closest(".js-copy")) {
        event.preventDefault();
        var from = form.querySelector("#copy-from").selectedIndex;
        form.querySelectorAll('input[name="copy_to"]:checked').forEach(function (box) {
          var to = Array.prototype.indexOf.call(form.querySelectorAll('input[name="copy_to"]'), box);
          for (var q = 0; q < PER_DAY; q++) {
            state[to * PER_DAY + q] = state[from * PER_DAY + q]; render(to * PER_DAY + q);
          }
        });
        commit();
      }
    });
    restoreDraft();
  }

  function init() {
    document.querySelectorAll("table[data-grid]:not(.readonly)").forEach(setupGrid);
    document.querySelectorAll(".js-nojs").forEach(function (el) { el.hidden = true; });
    document.querySelectorAll(".js-select-all").forEach(function (box) {
      box.addEventListener("change", function () {
        box.closest("form").querySelectorAll('input[name="drivers"]').forEach(function (b) { b.checked = box.checked; });
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
