// Confirmation before a form is sent: <form data-confirm="Supprimer… ?"> or, on a submit button,
// <button data-confirm="…">. Replaces inline onsubmit/onclick handlers, which the content security
// policy (script-src 'self') forbids. Load once, in base.html: <script src="{% static 'js/confirm.js' %}" defer></script>
"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  var button = event.submitter;
  var message = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
