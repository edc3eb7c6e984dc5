// Provisioning takes a moment: show progress and prevent a double submit.
(function () {
  var form = document.getElementById("provision-form");
  if (!form) return;
  form.addEventListener("submit", function () {
    var button = document.getElementById("provision-submit");
    var progress = document.getElementById("provision-progress");
    button.disabled = true;
    button.textContent = form.dataset.busyText || "Working…";
    progress.hidden = false;
  });
})();
