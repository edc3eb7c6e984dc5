// The quiz taking page. Answering, moving between pages and submitting are plain forms, so the page works
// without JavaScript; this script adds what needs one:
//  - the countdown, from the server's seconds left (data-seconds-left), kept in step with the server's clock
//    every 30 s through the attempt's time endpoint (data-time-url); never trusted by the server;
//  - when it reaches zero, the page's form is sent, so the server submits the attempt (or makes it overdue);
//  - autosave: every 60 s (data-autosave-seconds) the answers are posted if they changed (autosave=1), and
//    the page reloads if the server says the attempt is no longer in progress.
(function () {
  "use strict";

  var form = document.getElementById("quiz-attempt") || document.getElementById("quiz-submit");
  var timer = document.getElementById("quiz-timer");
  var SYNC_MS = 30000;

  function format(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m)), ss = String(s).padStart(2, "0");
    return (h ? h + ":" : "") + mm + ":" + ss;
  }

  var sent = false;
  function timeUp() {
    if (sent || !form) return;
    sent = true;
    form.submit();  // the server decides what the deadline means (submit, overdue, abandon)
  }

  if (timer) {
    var value = document.getElementById("quiz-timer-value");
    var deadline = Date.now() + (parseInt(timer.dataset.secondsLeft || "0", 10) || 0) * 1000;
    var tick = function () {
      var left = (deadline - Date.now()) / 1000;
      value.textContent = format(left);
      if (left <= 60) timer.classList.add("quiz-timer-low");
      if (left <= 0) timeUp();
    };
    tick();
    window.setInterval(tick, 1000);
    if (window.fetch && timer.dataset.timeUrl) {
      window.setInterval(function () {
        fetch(timer.dataset.timeUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (data) {
            if (!data) return;
            if (data.state !== "inprogress" && data.state !== "overdue") { window.location.reload(); return; }
            if (typeof data.seconds_left === "number") deadline = Date.now() + data.seconds_left * 1000;
          })
          .catch(function () {});
      }, SYNC_MS);
    }
  }

  var attemptForm = document.getElementById("quiz-attempt");
  if (!attemptForm || !window.fetch || !window.FormData) return;
  var period = (parseInt(attemptForm.dataset.autosaveSeconds || "60", 10) || 60) * 1000;
  function snapshot() {
    var pairs = [];
    new FormData(attemptForm).forEach(function (v, k) { if (k !== "csrfmiddlewaretoken") pairs.push(k + "=" + v); });
    return pairs.join("&");
  }
  var last = snapshot();
  window.setInterval(function () {
    var now = snapshot();
    if (now === last || sent) return;
    var data = new FormData(attemptForm);
    data.append("autosave", "1");
    fetch(attemptForm.action, { method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (result) {
        if (!result) return;
        last = now;
        if (result.outcome !== "saved") window.location.reload();
      })
      .catch(function () {});
  }, period);
})();
