// The roster page's progress bar: the form is sent with XMLHttpRequest so the bar follows
// the upload; once the file is sent it runs until the server's answer (the dry run or the
// result) replaces the page. While an import is written, the bar follows the steps the server
// reports at data-progress-url. Without JavaScript the form is sent as usual.
(function () {
  "use strict";
  function poll(url, bar, xhr) {
    if (xhr.readyState === 4) return;
    var ask = new XMLHttpRequest();
    ask.open("GET", url);
    ask.addEventListener("load", function () {
      if (ask.status === 200) {
        try {
          var state = JSON.parse(ask.responseText);
          if (state.done === null) return; // finished, or not ours: stop asking
          if (state.total) {
            bar.max = state.total;
            bar.value = state.done;
          }
        } catch (e) { /* keep the bar as it is */ }
      }
      setTimeout(function () { poll(url, bar, xhr); }, 700);
    });
    ask.send();
  }
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
        if (form.dataset.progressUrl) poll(form.dataset.progressUrl, bar, xhr);
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
