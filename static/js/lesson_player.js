// The lesson player. Marking a lesson complete and moving between lessons are plain forms and links, so the
// player works without JavaScript; this script adds what needs one: it resumes an uploaded video where the
// learner stopped, and records the time spent on the lesson and the video position by posting heartbeats
// to the lesson's progress endpoint (opening a lesson counts as starting it). In preview nothing is sent.
(function () {
  "use strict";

  var root = document.getElementById("lesson");
  if (!root) return;
  var video = document.getElementById("lesson-video");

  // Resume the video where the learner left it (unless that was the very end).
  var resumeAt = parseInt(root.dataset.position || "0", 10) || 0;
  if (video && resumeAt > 0) {
    var seek = function () {
      if (!video.duration || resumeAt < video.duration - 2) video.currentTime = resumeAt;
    };
    if (video.readyState >= 1) seek(); else video.addEventListener("loadedmetadata", seek, { once: true });
  }

  if (root.dataset.preview === "1" || !window.fetch) return;

  var url = root.dataset.progressUrl;
  var tokenInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var token = tokenInput ? tokenInput.value : "";
  var HEARTBEAT_MS = 15000;
  var base = parseInt(root.dataset.timeSpent || "0", 10) || 0;  // seconds recorded before this visit
  var visibleMs = 0;                                            // time this page was in view
  var counting = !document.hidden;
  var mark = Date.now();
  var sent = null;

  function tick() {
    var now = Date.now();
    if (counting) visibleMs += now - mark;
    mark = now;
  }

  function state() {
    tick();
    var data = { time_spent_seconds: base + Math.floor(visibleMs / 1000) };
    if (video && isFinite(video.currentTime)) data.position_seconds = Math.floor(video.currentTime);
    return data;
  }

  function formatted(seconds) {
    if (seconds < 60) return seconds + " s";
    var minutes = Math.floor(seconds / 60);
    var hours = Math.floor(minutes / 60);
    return hours ? hours + " h " + (minutes % 60) + " min" : minutes + " min";
  }

  function show(body) {
    var text = document.querySelector("[data-time-spent-text]");
    if (text) text.textContent = formatted(body.time_spent_seconds);
  }

  function send(leaving) {
    var data = state();
    var key = data.time_spent_seconds + ":" + data.position_seconds;
    if (key === sent) return;
    sent = key;
    if (leaving && navigator.sendBeacon) {
      // The page is going away: a beacon survives it (a form body with the CSRF token).
      var form = new FormData();
      form.append("csrfmiddlewaretoken", token);
      form.append("time_spent_seconds", String(data.time_spent_seconds));
      if (data.position_seconds !== undefined) form.append("position_seconds", String(data.position_seconds));
      navigator.sendBeacon(url, form);
      return;
    }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(data),
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) { if (body && body.recorded) show(body); })
      .catch(function () { sent = null; });  // try again with the next heartbeat
  }

  send(false);
  window.setInterval(function () { if (!document.hidden) send(false); }, HEARTBEAT_MS);
  document.addEventListener("visibilitychange", function () {
    tick();
    counting = !document.hidden;
    if (document.hidden) send(true);
  });
  window.addEventListener("pagehide", function () { send(true); });
  if (video) {
    video.addEventListener("pause", function () { send(false); });
    video.addEventListener("ended", function () { send(false); });
  }
})();
