/* chancery's one script (/static/app.js): hints on forms, nothing more.
 * Every page works without it; the server validates every form again.
 * - A date field with data-not-before="other" is marked invalid, with a
 *   message, when it comes before that other field's date.
 * - A decision form whose grounds are required (return, refuse) asks for
 *   them before it is sent. */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input[data-not-before]").forEach(function (el) {
    var other = document.getElementById("f-" + el.dataset.notBefore);
    if (!other) return;
    function check() {
      if (el.value && other.value && el.value < other.value) {
        el.setCustomValidity("This date comes before " +
          (other.labels[0] ? other.labels[0].textContent : "the other date") + ".");
      } else {
        el.setCustomValidity("");
      }
    }
    el.addEventListener("input", check);
    other.addEventListener("input", check);
  });
  document.querySelectorAll("form[data-needs-grounds]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      var g = form.querySelector("textarea[name=grounds]");
      if (g && !g.value.trim()) {
        g.setCustomValidity("Give the grounds of this decision.");
        g.reportValidity();
        ev.preventDefault();
      } else if (g) {
        g.setCustomValidity("");
      }
    });
  });
});
