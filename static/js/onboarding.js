// Onboarding pages: a "tick all" box in a table header ticks every box of the same name below it.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.classList || !box.classList.contains("js-check-all")) { return; }
    var table = box.closest("table");
    var name = box.getAttribute("data-target");
    if (!table || !name) { return; }
    table.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (other) {
      other.checked = box.checked;
    });
  });
})();
