// Ocean Portal — behaviour attached by listeners (no inline scripts: the CSP forbids them).
(function () {
  "use strict";

  // A <select class="js-autosubmit"> submits its form when changed (language switch, filters).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.classList && target.classList.contains("js-autosubmit") && target.form) {
      if (target.form.requestSubmit) { target.form.requestSubmit(); } else { target.form.submit(); }
    }
  });
})();
