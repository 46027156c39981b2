// Small enhancements only: every page works without this file.
(function () {
  "use strict";
  // The language switcher applies the choice at once; without JavaScript its button does.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
    var button = el.form && el.form.querySelector("button[type=submit]");
    if (button) button.hidden = true;
    el.addEventListener("change", function () { el.form.submit(); });
  });
  // After a refused save, move focus to the summary so screen readers announce it.
  var summary = document.getElementById("form-errors");
  if (summary) summary.focus();
})();
