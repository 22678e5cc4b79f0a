// Reports: the period picker shows only the inputs of the chosen kind of period (all are shown without JS).
(function () {
  "use strict";
  function sync(select) {
    var form = select.form;
    form.querySelectorAll("[data-period]").forEach(function (el) {
      var on = el.getAttribute("data-period") === select.value;
      el.hidden = !on;
      el.querySelectorAll("input, select").forEach(function (input) { input.disabled = !on; });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js");
    var select = document.getElementById("period-kind");
    if (!select) { return; }
    sync(select);
    select.addEventListener("change", function () { sync(select); });
  });
})();
