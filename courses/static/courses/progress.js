/* Time on task and video progress for a lesson (no libraries; works in WeChat's browser).
 * While the page is visible it sends a heartbeat every N seconds; the server measures the time itself and replies
 * with what is still needed. Between replies the time shown counts down every second from the server's last
 * figure (display only: it sends nothing, and each reply sets it right again). The "mark as done" button unlocks
 * when the server says so; the server refuses it anyway until then. The tracked video reports the intervals
 * actually played. */
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

  // The countdown: `remaining` as the server last said, counted down from `syncedAt` while the page is visible.
  var syncedAt = null;
  var ticker = null;
  function pad(number) { return (number < 10 ? "0" : "") + number; }
  function clock(seconds) {  // the same form as rules.countdown_clock: "02:45", "1:02:45"
    var hours = Math.floor(seconds / 3600), minutes = Math.floor((seconds % 3600) / 60);
    return (hours ? hours + ":" + pad(minutes) : pad(minutes)) + ":" + pad(seconds % 60);
  }
  function shown() {
    if (syncedAt === null) { return Math.max(0, remaining); }
    return Math.max(0, remaining - Math.floor((Date.now() - syncedAt) / 1000));
  }
  function tick() {
    ticker = null;
    if (timeNote) { timeNote.textContent = clock(shown()); }
    if (syncedAt !== null && shown() > 0) {  // wake just after the next whole second
      ticker = setTimeout(tick, 1000 - ((Date.now() - syncedAt) % 1000) + 20);
    }
  }
  function sync(seconds, at) {
    remaining = seconds;
    syncedAt = at;
    if (ticker) { clearTimeout(ticker); }
    tick();
  }
  function freeze() {
    remaining = shown();
    syncedAt = null;
    if (ticker) { clearTimeout(ticker); ticker = null; }
  }

  // Heartbeats: only while the page is visible; hidden time never counts.
  var timer = null;
  function beat() {
    // The server counts up to the moment it receives the beat, so the figure it replies with is counted down from
    // when the beat was sent: on a slow network the clock then never jumps back up when the reply arrives.
    var sentAt = Date.now();
    post(box.getAttribute("data-heartbeat-url"), { token: token }).then(function (data) {
      if (data.ok) {
        if (timer) { sync(data.remaining, sentAt); } else { remaining = data.remaining; }
        if (remaining <= 0 && timeNote) { timeNote.closest("[data-time-box]").hidden = true; }
        refreshButton();
      }
    }).catch(function () {});
  }
  function start() {
    if (!timer && remaining > 0) { sync(remaining, Date.now()); beat(); timer = setInterval(beat, interval); }
  }
  function stop() {
    if (timer) { clearInterval(timer); timer = null; }
    freeze();
  }
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
