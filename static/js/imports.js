// The import pages. The progress bar asks the import's status endpoint every second and shows the progress,
// the counts and, when the import has finished, the report link. Without JavaScript the page refreshes
// itself instead (a <noscript> meta refresh), so this is only a smoother version of the same page.
(function () {
  "use strict";

  // The upload form: one submit only (a second click would upload the file twice), and say what happens.
  var form = document.getElementById("import-form");
  if (form) {
    form.addEventListener("submit", function (event) {
      var button = document.getElementById("import-submit");
      if (form.dataset.busy) { event.preventDefault(); return; }
      form.dataset.busy = "1";
      form.setAttribute("aria-busy", "true");
      if (button) { button.disabled = true; button.textContent = "Uploading…"; }
    });
    // Back to this page from the browser's cache: ready for another upload.
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) return;
      delete form.dataset.busy;
      form.removeAttribute("aria-busy");
      var button = document.getElementById("import-submit");
      if (button) { button.disabled = false; button.textContent = "Import"; }
    });
  }

  var root = document.getElementById("import-job");
  if (!root || !window.fetch) return;
  var FINISHED = { completed: true, failed: true };
  var INTERVAL = 1000;
  var LABELS = {
    queued: "Queued", running: "Running", completed: "Completed",
    completed_with_errors: "Completed with errors", failed: "Failed"
  };

  function setField(name, value) {
    root.querySelectorAll('[data-field="' + name + '"]').forEach(function (el) {
      el.textContent = String(value);
    });
  }

  function show(job) {
    var bar = document.getElementById("import-progress-bar");
    bar.value = job.progress_percent;
    bar.textContent = job.progress_percent + "%";
    ["processed_rows", "total_rows", "progress_percent", "created", "updated", "unchanged", "failed"]
      .forEach(function (name) { setField(name, job[name]); });
    var status = document.getElementById("import-status");
    var outcome = job.outcome || job.status;
    status.textContent = LABELS[outcome] || outcome;
    status.className = "status status-import-" + outcome;
    root.dataset.status = job.status;
    var error = document.getElementById("import-error");
    error.textContent = job.error || "";
    error.hidden = !job.error;
    var finished = !!FINISHED[job.status];
    document.getElementById("import-report").hidden = !finished;
    document.getElementById("import-waiting").hidden = finished;
    return finished;
  }

  function poll() {
    fetch(root.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        // Signed out, or the import is gone: stop asking; a reload shows why.
        if (response.status === 401 || response.status === 403 || response.status === 404) return null;
        if (response.status === 429) { window.setTimeout(poll, INTERVAL * 5); return null; }
        return response.json().then(function (body) {
          if (body && body.success && body.data && show(body.data)) return; // finished: stop asking
          window.setTimeout(poll, INTERVAL);
        });
      })
      .catch(function () { window.setTimeout(poll, INTERVAL * 3); }); // offline for a moment: ask less often
  }

  if (!FINISHED[root.dataset.status]) window.setTimeout(poll, INTERVAL);
})();
