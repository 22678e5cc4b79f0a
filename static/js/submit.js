// One submission = one write (privacy/idempotency.py). While a request runs, its buttons are disabled and
// marked busy (a spinner, aria-busy) so nobody clicks twice and everybody sees that work is under way; every
// POST carries an idempotency key, so a request the browser or the person repeats is answered, not re-run.
// No inline script anywhere: the CSP is strict.
(function () {
  "use strict";

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return String(Date.now()) + Math.random().toString(16).slice(2);
  }

  function buttonsOf(elt) {
    if (elt.tagName === "FORM") {
      return Array.prototype.slice.call(elt.querySelectorAll("button:not([type=button]), input[type=submit]"));
    }
    return elt.matches && elt.matches("button, input[type=submit]") ? [elt] : [];
  }

  // ``disable``: plain forms disable their buttons (the page is leaving anyway); htmx elements keep them
  // enabled so the focus stays where it is (htmx puts it back after the swap) and drop repeats instead.
  function busy(elt, on, disable) {
    buttonsOf(elt).forEach(function (button) {
      if (disable || !on) { button.disabled = on && disable; }
      if (on) {
        button.setAttribute("aria-busy", "true");
        button.setAttribute("aria-disabled", "true");
      } else {
        button.removeAttribute("aria-busy");
        button.removeAttribute("aria-disabled");
      }
    });
    elt.classList.toggle("is-busy", on);
  }

  // Plain forms: one submit per page view; buttons disabled once the browser has read their values.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || (form.method || "").toLowerCase() !== "post" || form.hasAttribute("hx-post")) {
      return;
    }
    if (form.dataset.submitted === "1") { event.preventDefault(); return; }
    if (!form.querySelector("input[name=idempotency_key]")) {
      var input = document.createElement("input");
      input.type = "hidden"; input.name = "idempotency_key"; input.value = newKey();
      form.appendChild(input);
    }
    form.dataset.submitted = "1";
    window.setTimeout(function () { busy(form, true, true); }, 0);
  });

  // A page restored from the back/forward cache is usable again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-submitted]").forEach(function (form) {
      delete form.dataset.submitted;
      busy(form, false, true);
    });
  });

  // htmx: the same key until an answer comes back (a retry after a timeout is the same request).
  document.addEventListener("htmx:configRequest", function (event) {
    var detail = event.detail;
    if ((detail.verb || "").toLowerCase() !== "post") { return; }
    // hx-sync elements (the live diff) replace their own requests: they read, and must never get an old
    // answer — a fresh key each time (it also outranks a key the included form carries).
    if (detail.elt.closest("[hx-sync]")) { detail.headers["Idempotency-Key"] = newKey(); return; }
    if (!detail.elt.dataset.idempotencyKey) { detail.elt.dataset.idempotencyKey = newKey(); }
    detail.headers["Idempotency-Key"] = detail.elt.dataset.idempotencyKey;
  });
  // A click while the element's request runs is dropped (htmx would otherwise queue it and send it after).
  // Elements with their own hx-sync (the grid's live diff replaces its previous request) keep it.
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail.elt;
    if ((event.detail.verb || "").toLowerCase() === "post" && elt.classList.contains("is-busy") &&
        !elt.closest("[hx-sync]")) {
      event.preventDefault();
    }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var verb = (event.detail.requestConfig && event.detail.requestConfig.verb || "").toLowerCase();
    if (verb === "post" && buttonsOf(event.detail.elt).length && !event.detail.elt.closest("[hx-sync]")) {
      busy(event.detail.elt, true, false);
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    busy(event.detail.elt, false, false);
    // Any answer (even a refusal the person will now correct) ends the request; only a request that got
    // no answer at all keeps its key for the retry.
    if (event.detail.xhr && event.detail.xhr.status) { delete event.detail.elt.dataset.idempotencyKey; }
  });

  // No answer in time (htmx-config timeout) or no connection: say so next to the element; the button is
  // usable again and keeps its key, so trying again is answered by the first request, never run twice.
  function noAnswer(event) {
    var elt = event.detail.elt;
    var text = document.body.getAttribute("data-msg-no-answer");
    if (!text || !elt.parentNode) { return; }
    var note = elt.parentNode.querySelector(".no-answer");
    if (!note) {
      note = document.createElement("p");
      note.className = "message message-warning no-answer";
      note.setAttribute("role", "status");
      elt.insertAdjacentElement("afterend", note);
    }
    note.textContent = text;
    busy(elt, false, false);
  }
  document.addEventListener("htmx:timeout", noAnswer);
  document.addEventListener("htmx:sendError", noAnswer);
})();
