/* Kepu outbox: a visit form submitted without a connection is kept on the phone and sent
 * when the connection returns. Each form carries a client_key, so sending twice never logs
 * the visit twice. Messages come translated from the #outbox element's data attributes.
 *
 * Nothing kept is dropped unless the server took it: a visit stays waiting when the server is
 * busy or failing (5xx, 429: tried again later) or the session has ended (the answer is the
 * login page); only a refusal of the visit itself (a 4xx form error) asks the leader to log it
 * again from the form. Each user has their own outbox, so a shared phone never sends one
 * leader's visits as another's. */
(function () {
  "use strict";
  var box = document.getElementById("outbox");
  if (!box || !window.localStorage || !window.fetch) { return; }
  var KEY = "kepu-outbox-" + box.dataset.user;
  var RETRY_MS = 30000;

  /* Visits kept before outboxes were per user (one "kepu-outbox") join this user's. */
  var legacy = localStorage.getItem("kepu-outbox");
  if (legacy !== null) {
    var kept = [];
    try { kept = JSON.parse(legacy) || []; } catch (e) { kept = []; }
    if (kept.length) { save(load().concat(kept)); }
    localStorage.removeItem("kepu-outbox");
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY)) || []; } catch (e) { return []; }
  }
  function save(items) { localStorage.setItem(KEY, JSON.stringify(items)); }
  function say(text, isError) {
    box.textContent = text;
    box.className = "flash " + (isError ? "flash-error" : "flash-info");
    box.hidden = false;
  }
  function fill(template, n) { return template.replace("{n}", String(n)); }

  function show() {
    var items = load();
    var waiting = items.filter(function (i) { return !i.rejected; }).length;
    var rejected = items.length - waiting;
    if (rejected) {
      say(fill(box.dataset.rejected, rejected), true);
      var form = document.querySelector("form[data-outbox]");
      if (form) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = box.dataset.restore;
        button.addEventListener("click", function () { restore(form); });
        box.appendChild(document.createTextNode(" "));
        box.appendChild(button);
      }
    }
    else if (waiting) { say(fill(box.dataset.waiting, waiting), false); }
  }

  /* Put the first refused visit back into the form, so its data is corrected, not lost. */
  function restore(form) {
    var items = load();
    var index = items.findIndex(function (i) { return i.rejected; });
    if (index < 0) { return; }
    var item = items.splice(index, 1)[0];
    form.reset();
    item.fields.forEach(function (pair) {
      if (pair[0] === "csrf_token") { return; }
      var inputs = form.querySelectorAll("[name='" + pair[0] + "']");
      inputs.forEach(function (input) {
        if (input.type === "checkbox" || input.type === "radio") {
          if (input.value === pair[1]) { input.checked = true; }
        } else { input.value = pair[1]; }
      });
    });
    save(items);
    box.hidden = true;
    show();
  }

  function keep(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) { fields.push([name, value]); });
    var items = load();
    items.push({ url: form.action, fields: fields, saved: new Date().toISOString() });
    save(items);
    say(fill(box.dataset.saved, items.length), false);
  }

  /* The next visit typed into this form is another visit: it needs its own key, or the server
   * would take it for a second copy of the one just kept and drop it. */
  function renewKey(form) {
    var input = form.querySelector("input[name=client_key]");
    if (!input) { return; }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    input.value = Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
    input.defaultValue = input.value;
  }

  var sending = false;
  function flush() {
    var items = load();
    if (sending || !navigator.onLine || !items.some(function (i) { return !i.rejected; })) { return; }
    sending = true;
    var sent = 0;
    var next = function (index) {
      if (index >= items.length) {
        save(items.filter(function (i) { return !i.done; }));
        sending = false;
        if (sent) { say(fill(box.dataset.sent, sent), false); }
        show();
        return;
      }
      var item = items[index];
      if (item.rejected) { next(index + 1); return; }
      var body = new FormData();
      /* the page's own CSRF token: the kept one dies with the session it was made in */
      var token = document.querySelector("input[name=csrf_token]");
      item.fields.forEach(function (pair) {
        body.append(pair[0], pair[0] === "csrf_token" && token ? token.value : pair[1]);
      });
      fetch(item.url, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (response) {
          var landed = new URL(response.url, window.location.href).pathname;
          if (landed === box.dataset.login) { stop(); say(fill(box.dataset.relogin, waiting()), true); return; }
          if (response.status >= 500 || response.status === 429) {
            var wait = parseInt(response.headers.get("Retry-After"), 10);
            stop();
            window.setTimeout(flush, wait > 0 ? wait * 1000 : RETRY_MS);
            return;
          }
          if (response.redirected && response.ok) { item.done = true; sent += 1; }
          else { item.rejected = true; }
          next(index + 1);
        })
        .catch(function () { stop(); });
    };
    /* Keep what was not sent (in its order) and leave the rest for a later try. */
    var stop = function () {
      sending = false;
      save(items.filter(function (i) { return !i.done; }));
      if (sent) { say(fill(box.dataset.sent, sent), false); }
      show();
    };
    next(0);
  }

  function waiting() { return load().filter(function (i) { return !i.rejected; }).length; }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-outbox") || navigator.onLine) { return; }
    event.preventDefault();
    keep(form);
    form.reset();
    renewKey(form);
  });
  window.addEventListener("online", flush);
  /* A form may come from the service worker's copy, the same bytes each time it opens without
   * a connection: every page load gives its visit form a key of its own. */
  Array.prototype.forEach.call(document.querySelectorAll("form[data-outbox]"), renewKey);
  show();
  flush();

  /* The visit form opens without a connection once the service worker has kept it. */
  if ("serviceWorker" in navigator && box.dataset.worker) {
    navigator.serviceWorker.register(box.dataset.worker).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (!box.dataset.keep || !navigator.onLine || !window.caches) { return; }
      return caches.match(box.dataset.keep).then(function (kept) {
        if (!kept && registration.active) { registration.active.postMessage("keep-pages"); }
      });
    }).catch(function () {});
  }
})();
