/* The few per-element styles the Content-Security-Policy forbids as style="" attributes, applied through the
 * CSSOM, which it allows: a competency's accent colour (data-accent) and a progress bar's width (data-percent).
 * Without script the accent falls back to the site's red and a bar stays empty (its value is still in aria-valuenow). */
(function () {
  "use strict";
  var colour = /^#[0-9a-fA-F]{3,8}$/;
  Array.prototype.forEach.call(document.querySelectorAll("[data-accent]"), function (element) {
    var value = element.getAttribute("data-accent");
    if (colour.test(value)) { element.style.setProperty("--accent", value); }
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-percent]"), function (element) {
    var percent = parseFloat(element.getAttribute("data-percent"));
    if (!isFinite(percent)) { percent = 0; }
    element.style.width = Math.max(0, Math.min(100, percent)) + "%";
  });
})();
