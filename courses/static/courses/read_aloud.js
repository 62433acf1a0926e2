/* 朗读: read the lesson aloud with the browser's own speech synthesis (Web Speech API), for people who find reading
 * hard (适老化). Progressive enhancement: the buttons stay hidden where the browser has no speechSynthesis (several
 * in-app browsers), and nothing is sent anywhere. The lesson is read sentence by sentence, because Chromium stops
 * one long utterance after about fifteen seconds; a Chinese voice is chosen when the device has one. */
(function () {
  "use strict";
  var box = document.querySelector("[data-read-aloud]");
  var synth = window.speechSynthesis;
  if (!box || !synth || typeof window.SpeechSynthesisUtterance !== "function") { return; }
  var start = box.querySelector("[data-read-aloud-start]");
  var pause = box.querySelector("[data-read-aloud-pause]");
  var stop = box.querySelector("[data-read-aloud-stop]");
  var lang = box.getAttribute("data-lang") || "zh-CN";

  function text() {
    return Array.prototype.map.call(document.querySelectorAll(box.getAttribute("data-read-aloud")), function (element) {
      return element.innerText;
    }).join("\n");
  }

  function sentences(all) {
    return (all.match(/[^。！？；!?;\n]+[。！？；!?;]*/g) || []).map(function (part) { return part.trim(); })
      .filter(function (part) { return part.length > 0; });
  }

  function chineseVoice() {
    var voices = synth.getVoices() || [];
    var wanted = lang.toLowerCase();
    var exact = voices.filter(function (voice) { return (voice.lang || "").toLowerCase().replace("_", "-") === wanted; });
    var near = voices.filter(function (voice) { return (voice.lang || "").toLowerCase().indexOf(wanted.split("-")[0]) === 0; });
    return exact[0] || near[0] || null;
  }

  function reading(on) {
    pause.hidden = !on;
    stop.hidden = !on;
    pause.textContent = pause.getAttribute("data-label-pause");
    start.setAttribute("aria-pressed", on ? "true" : "false");
  }

  start.addEventListener("click", function () {
    synth.cancel();
    var parts = sentences(text());
    var voice = chineseVoice();
    parts.forEach(function (part, index) {
      var utterance = new window.SpeechSynthesisUtterance(part);
      utterance.lang = lang;
      utterance.rate = 0.9;  // a little slower than the default, for older listeners
      if (voice) { utterance.voice = voice; }
      if (index === parts.length - 1) { utterance.onend = function () { reading(false); }; }
      synth.speak(utterance);
    });
    reading(parts.length > 0);
  });

  pause.addEventListener("click", function () {
    if (synth.paused) {
      synth.resume();
      pause.textContent = pause.getAttribute("data-label-pause");
    } else {
      synth.pause();
      pause.textContent = pause.getAttribute("data-label-resume");
    }
  });

  stop.addEventListener("click", function () {
    synth.cancel();
    reading(false);
    start.focus();
  });

  window.addEventListener("pagehide", function () { synth.cancel(); });
  reading(false);
  box.hidden = false;
})();
