// The provisioning console's small behaviours. Everything works without JavaScript; this only adds
// progress feedback, double-submit protection, confirmations and a copy button.
(function () {
  "use strict";

  // Forms marked data-busy-form (provisioning): disable the submit button, say what is happening in the
  // form's aria-live status region, and refuse a second submit while the first is running.
  function markBusy(form) {
    var button = form.querySelector("button[type=submit], button:not([type])");
    var region = form.querySelector("[role=status]");
    var text = region && region.querySelector("[data-progress-text]");
    form.dataset.busy = "1";
    form.setAttribute("aria-busy", "true");
    if (button) {
      button.dataset.idleText = button.textContent;
      button.disabled = true;
      button.textContent = form.dataset.busyText || "Working…";
    }
    if (region) {
      region.classList.add("is-busy");
      (text || region).textContent = form.dataset.progressText || "Working…";
    }
  }

  function markIdle(form) {
    var button = form.querySelector("button[type=submit], button:not([type])");
    var region = form.querySelector("[role=status]");
    var text = region && region.querySelector("[data-progress-text]");
    delete form.dataset.busy;
    form.removeAttribute("aria-busy");
    if (button && button.dataset.idleText) {
      button.disabled = false;
      button.textContent = button.dataset.idleText;
    }
    if (region) {
      region.classList.remove("is-busy");
      (text || region).textContent = "";
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    if (!form.hasAttribute("data-busy-form")) return;
    if (form.dataset.busy) {
      event.preventDefault(); // already provisioning: a second click must not send a second request
      return;
    }
    markBusy(form);
  });

  // Coming back with the browser's Back button may restore the page from the cache, busy state included.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-busy-form]").forEach(markIdle);
  });

  // Copy buttons: <button data-copy="input-id">, reporting into the element named by aria-describedby.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-copy]");
    if (!button) return;
    var input = document.getElementById(button.dataset.copy);
    var status = document.getElementById(button.getAttribute("aria-describedby"));
    if (!input) return;
    function report(message) { if (status) status.textContent = message; }
    input.focus();
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(
        function () { report("Link copied to the clipboard."); },
        function () { report("Could not copy; the link is selected, press Ctrl+C (⌘C) to copy it."); }
      );
    } else {
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
      report(copied ? "Link copied to the clipboard."
                    : "The link is selected; press Ctrl+C (⌘C) to copy it.");
    }
  });

  document.querySelectorAll("input[data-select-on-focus]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });

  // After a refused submit, move focus to the error summary so keyboard and screen-reader users hear it.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
})();
