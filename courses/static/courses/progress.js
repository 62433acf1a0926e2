/* Time on task and video progress for a lesson (no libraries; works in WeChat's browser).
 * While the page is visible it sends a heartbeat every N seconds; the server measures the time itself and replies
 * with what is still needed. The "mark as done" button unlocks when the server says so; the server refuses it
 * anyway until then. The tracked video reports the intervals actually played. */
(function () {
  "use strict";
  var box = document.querySelector("[data-lesson-tracking]");
  if (!box) { return; }
  var token = box.getAttribute("data-token");
  var csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  var interval = parseInt(box.getAttribute("data-interval"), 10) * 1000;
  var button = document.querySelector("[data-mark-done]");
  var timeNote = document.querySelector("[data-time-remaining]");
  var videoNote = document.querySelector("[data-video-percent]");
  var remaining = parseInt(box.getAttribute("data-remaining"), 10);
  var videoNeeded = parseInt(box.getAttribute("data-video-required") || "0", 10);
  var videoPercent = parseInt(box.getAttribute("data-video-percent") || "0", 10);

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (response) { return response.json(); });
  }

  function refreshButton() {
    if (!button) { return; }
    var ready = remaining <= 0 && videoPercent >= videoNeeded;
    button.disabled = !ready;
    button.setAttribute("aria-disabled", ready ? "false" : "true");
  }

  // Heartbeats: only while the page is visible; hidden time never counts.
  var timer = null;
  function beat() {
    post(box.getAttribute("data-heartbeat-url"), { token: token }).then(function (data) {
      if (data.ok) {
        remaining = data.remaining;
        if (timeNote) { timeNote.textContent = remaining > 0 ? data.remaining_words : ""; }
        if (remaining <= 0 && timeNote) { timeNote.closest("[data-time-box]").hidden = true; }
        refreshButton();
      }
    }).catch(function () {});
  }
  function start() { if (!timer && remaining > 0) { beat(); timer = setInterval(beat, interval); } }
  function stop() { if (timer) { clearInterval(timer); timer = null; } }
  document.addEventListener("visibilitychange", function () { if (document.hidden) { stop(); } else { start(); } });
  if (!document.hidden) { start(); }
  refreshButton();

  // Video: intervals actually played, reported every 10 s, on pause and when the page is hidden.
  var videoUrl = box.getAttribute("data-video-url");
  var blockId = box.getAttribute("data-video-block");
  var video = blockId ? document.querySelector('[data-block-id="' + blockId + '"] video') : null;
  if (!video || !videoUrl) { return; }
  var noSkip = box.getAttribute("data-no-skip") === "true";
  var furthest = parseFloat(box.getAttribute("data-video-furthest") || "0");
  var resumeAt = parseFloat(box.getAttribute("data-video-position") || "0");
  var played = [];
  var current = null;
  var last = null;

  video.addEventListener("loadedmetadata", function () {
    if (resumeAt > 0 && resumeAt < video.duration - 1) { video.currentTime = resumeAt; }
  });
  video.addEventListener("timeupdate", function () {
    var now = video.currentTime;
    if (!video.paused && last !== null && now > last && now - last < 1.5 * Math.max(video.playbackRate, 1)) {
      if (!current) { current = [last, now]; played.push(current); } else { current[1] = now; }
      furthest = Math.max(furthest, now);
    } else { current = null; }
    last = now;
  });
  video.addEventListener("seeking", function () {
    current = null;
    if (noSkip && video.currentTime > furthest + 1) { video.currentTime = furthest; }
    last = video.currentTime;
  });
  video.addEventListener("ratechange", function () { if (video.playbackRate > 2) { video.playbackRate = 2; } });
  function report() {
    if (!video.duration || !isFinite(video.duration)) { return; }
    var body = { token: token, duration: video.duration, position: video.currentTime, played: played.map(function (p) { return [p[0], p[1]]; }) };
    played = []; current = null;
    post(videoUrl, body).then(function (data) {
      if (data.ok) {
        videoPercent = data.percent;
        if (videoNote) { videoNote.textContent = data.percent + "%"; }
        refreshButton();
      }
    }).catch(function () {});
  }
  setInterval(function () { if (!video.paused) { report(); } }, 10000);
  video.addEventListener("pause", report);
  video.addEventListener("ended", report);
  document.addEventListener("visibilitychange", function () { if (document.hidden) { report(); } });
}());
