/* The check-in projector: count down to the end of the 30-second window, then fetch the next QR code and code.
   No framework and no CDN: the room's network may be poor, and this must keep working for hours. */
(function () {
  "use strict";
  var root = document.querySelector("[data-projector]");
  if (!root) return;
  var url = root.getAttribute("data-code-url");
  var left = parseInt(root.getAttribute("data-seconds-left"), 10) || 30;
  var countdown = root.querySelector("[data-countdown]");

  function show(data) {
    root.querySelector("[data-qr]").innerHTML = data.qr_svg;
    root.querySelector("[data-code]").textContent = data.code;
    root.querySelector("[data-checked-in]").textContent = data.checked_in;
    root.querySelector("[data-problem]").textContent = data.check_in_problem;
    left = data.seconds_left;
  }

  function refresh() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(show)
      .catch(function () {
        left = 3; // try again shortly; the previous code stays valid for one more window
      });
  }

  window.setInterval(function () {
    left -= 1;
    if (left <= 0) {
      left = 30;
      refresh();
    }
    countdown.textContent = Math.max(left, 0);
  }, 1000);
  // Keep the checked-in count fresh between code changes too.
  window.setInterval(refresh, 10000);
})();
