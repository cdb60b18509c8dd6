// The roster page's progress bar: the form is sent with XMLHttpRequest so the bar follows
// the upload; once the file is sent it runs until the server's answer (the dry run or the
// result) replaces the page. Without JavaScript the form is sent as usual.
(function () {
  "use strict";
  document.querySelectorAll("form[data-roster-progress]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !window.XMLHttpRequest) return;
      event.preventDefault();
      var bar = form.querySelector("progress");
      var status = form.querySelector("[data-roster-status]");
      var button = form.querySelector("button[type=submit]");
      bar.hidden = false;
      bar.value = 0;
      if (button) button.disabled = true;
      var xhr = new XMLHttpRequest();
      xhr.open(form.method, form.action);
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
      });
      xhr.upload.addEventListener("load", function () {
        bar.removeAttribute("value"); // sent: the server reads and checks it now
        if (status) status.hidden = false;
      });
      xhr.addEventListener("load", function () {
        document.open();
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener("error", function () {
        form.submit(); // try once more the plain way
      });
      xhr.send(new FormData(form));
    });
  });
})();
