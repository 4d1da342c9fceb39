/* chancery's one script (/static/app.js): hints on forms, nothing more.
 * Every page works without it; the server validates every form again.
 * - A date field with data-not-before="other" is marked invalid, with a
 *   message, when it comes before that other field's date.
 * - A decision form asks for the grounds before it sends a return or a
 *   refusal. */
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
  document.querySelectorAll("form").forEach(function (form) {
    var d = form.querySelector("select[name=decision]");
    var g = form.querySelector("textarea[name=grounds]");
    if (!d || !g) return;
    form.addEventListener("submit", function (ev) {
      if (d.value !== "accept" && !g.value.trim()) {
        g.setCustomValidity("Give the grounds of this decision.");
        g.reportValidity();
        ev.preventDefault();
      } else {
        g.setCustomValidity("");
      }
    });
  });
});
