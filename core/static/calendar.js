/* Kepu calendar feeds: show the Copy button next to each feed address and copy on click.
 * Without JavaScript the button stays hidden and the read-only field is copied by hand. */
(function () {
  "use strict";
  function copy(button) {
    var field = document.getElementById(button.dataset.copy);
    if (!field) { return; }
    field.focus();
    field.select();
    var done = function () {
      var text = button.textContent;
      button.textContent = button.dataset.copied;
      setTimeout(function () { button.textContent = text; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {});
    } else if (document.execCommand && document.execCommand("copy")) {
      done();
    }
  }
  document.querySelectorAll("button.copy-button[data-copy]").forEach(function (button) {
    if (button.dataset.bound) { return; }
    button.dataset.bound = "1";
    button.hidden = false;
    button.addEventListener("click", function () { copy(button); });
  });
  document.querySelectorAll(".copy-row input[readonly]").forEach(function (field) {
    field.addEventListener("focus", function () { field.select(); });
  });
}());
