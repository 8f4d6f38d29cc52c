// The summary of a form's errors (templates/_error_summary.html) takes the focus when the page opens, so that a
// screen reader reads it at once, whatever else asked for the focus (the login form's autofocus, for one).
"use strict";
(function () {
  var summary = document.getElementById("resume-erreurs");
  if (summary) {
    summary.focus();
  }
})();
