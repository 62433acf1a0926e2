/* A drawn quiz paper: saves answers on the server as the trainee changes them (the Save button does the same
 * without JavaScript), and counts a timed exam down from the seconds the server gave with the page (display only:
 * the server keeps the deadline and refuses late answers whatever this shows). When the count reaches zero the page
 * saves once more and reloads after the deadline; the server then submits the answers saved in time. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var note = form.querySelector(".quiz__saved");
  var timer = document.querySelector(".exam-timer");
  var value = timer ? timer.querySelector(".exam-timer__value") : null;

  function say(text) { if (note) { note.textContent = text; } }

  function save() {
    var data = new FormData(form);
    data.set("action", "save");
    return fetch(window.location.pathname, {
      method: "POST", credentials: "same-origin", body: data,
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) {
        if (body.closed && body.result) { window.location.assign(body.result); return; }
        if (!response.ok) { say(body.detail || note.getAttribute("data-failed")); return; }
        say(note.getAttribute("data-saved") + " " + (body.saved_at || ""));
        if (typeof body.seconds_left === "number") { sync(body.seconds_left); }
      });
    }).catch(function () { say(note.getAttribute("data-failed")); });
  }

  var pending = null;
  function later(delay) {
    // A burst of changes (typing into a blank, ticking several boxes) is saved once.
    if (pending) { window.clearTimeout(pending); }
    pending = window.setTimeout(save, delay);
  }
  form.addEventListener("change", function () { later(400); });
  // A blank's "change" comes only when the box loses focus: save while typing too, after a pause.
  form.addEventListener("input", function (event) { if (event.target.type === "text") { later(1500); } });

  if (!timer || !value) { return; }
  var left = parseInt(timer.getAttribute("data-seconds-left"), 10);
  var deadline = Date.now() + left * 1000;
  var reloading = false;
  function pad(number) { return (number < 10 ? "0" : "") + number; }
  function sync(seconds) { deadline = Date.now() + seconds * 1000; }
  function tick() {
    var seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    var hours = Math.floor(seconds / 3600);
    var rest = seconds % 3600;
    value.textContent = (hours ? hours + ":" + pad(Math.floor(rest / 60)) : pad(Math.floor(rest / 60))) + ":" + pad(rest % 60);
    if (seconds <= 60) { timer.classList.add("exam-timer--low"); }
    if (seconds === 0 && !reloading) {
      reloading = true;
      timer.classList.add("exam-timer--up");
      value.textContent = timer.getAttribute("data-time-up");
      // One second past the deadline by this page's count, so the server finds the time up.
      save().then(function () { window.setTimeout(function () { window.location.reload(); }, 1500); });
    }
  }
  tick();
  window.setInterval(tick, 1000);
})();
