// Progressive enhancement for the profile form: when the street changes, offer only that street's communities.
// Without JavaScript the server does the same on the next submit (and refuses a community of another street).
(function () {
  "use strict";
  document.querySelectorAll("select[data-community-chooser]").forEach(function (community) {
    var data = document.getElementById(community.dataset.communityChooser);
    var street = community.form && community.form.elements.namedItem("street");
    if (!data || !street) return;
    var byStreet = JSON.parse(data.textContent);
    var blank = community.querySelector('option[value=""]');
    var blankLabel = blank ? blank.textContent : "---------";
    street.addEventListener("change", function () {
      var kept = community.value;
      var options = [new Option(blankLabel, "")];
      (byStreet[street.value] || []).forEach(function (row) {
        var value = String(row[0]);
        options.push(new Option(row[1], value, false, value === kept));
      });
      community.replaceChildren.apply(community, options);
    });
  });
})();
