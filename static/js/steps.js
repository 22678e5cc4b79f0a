// Declarations queue: "Select all" ticks every request checkbox (no inline scripts: strict CSP).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.classList || !box.classList.contains("js-check-all")) { return; }
    var name = box.getAttribute("data-target");
    document.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (item) {
      item.checked = box.checked;
    });
  });
})();
