/* Search suggestions: after a short pause, ask /search/autocomplete/ for matching page titles. No libraries. */
(function () {
  "use strict";
  document.querySelectorAll("form.search-form[data-autocomplete-url]").forEach(function (form) {
    if (form.dataset.autocompleteReady) return;
    form.dataset.autocompleteReady = "1";
    var input = form.querySelector("input[type=search]");
    var list = form.querySelector(".search-suggestions");
    var timer = null;
    var latest = 0;
    function hide() { list.hidden = true; list.textContent = ""; input.setAttribute("aria-expanded", "false"); }
    function show(results) {
      list.textContent = "";
      results.forEach(function (item) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        var a = document.createElement("a");
        a.href = item.url;
        a.textContent = item.title;
        var type = document.createElement("span");
        type.className = "search-suggestions__type";
        type.textContent = item.type;
        a.appendChild(type);
        li.appendChild(a);
        list.appendChild(li);
      });
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (!q) { hide(); return; }
      timer = setTimeout(function () {
        var ticket = ++latest;
        fetch(form.dataset.autocompleteUrl + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { if (ticket === latest) show(data.results || []); })
          .catch(hide);
      }, 200);
    });
    input.addEventListener("keydown", function (event) { if (event.key === "Escape") hide(); });
    document.addEventListener("click", function (event) { if (!form.contains(event.target)) hide(); });
  });
})();
