/* Kepu outbox: no visit typed into the form is lost to a missing or failing connection.
 *
 * Every visit form submitted is first written to this phone (localStorage, one outbox per user,
 * so a shared phone never sends one leader's visits as another's). Online, the browser then
 * sends the form as usual and the page the server answers with names the visits it saved
 * (#outbox data-saved-keys): their copies are dropped. Offline, the copy waits. Whatever is
 * still kept when a Kepu page opens online is sent again; each copy carries the form's
 * client_key, so the server never logs one visit twice.
 *
 * A kept visit stays until the server takes it: it waits while the server is busy or failing
 * (5xx, 429: tried again later) or the session has ended (the answer is the login page); only
 * a refusal of the visit itself (a form error) hands it back to the form to correct.
 * Messages come translated from the #outbox element's data attributes. */
(function () {
  "use strict";
  var box = document.getElementById("outbox");
  if (!box || !window.localStorage || !window.fetch) { return; }
  var KEY = "kepu-outbox-" + box.dataset.user;
  var RETRY_MS = 30000;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY)) || []; } catch (e) { return []; }
  }
  function save(items) { localStorage.setItem(KEY, JSON.stringify(items)); }
  function keyOf(item) {
    var pair = item.fields.find(function (p) { return p[0] === "client_key"; });
    return pair ? pair[1] : "";
  }
  /* Change the stored outbox: ``change`` gets the items as they are now (another page may
   * have added one since this page loaded) and returns them as they should be. */
  function update(change) { save(change(load())); }

  function say(text, isError) {
    box.textContent = text;
    box.className = "flash " + (isError ? "flash-error" : "flash-info");
    box.hidden = false;
  }
  function fill(template, n) { return template.replace("{n}", String(n)); }
  function waiting() { return load().filter(function (i) { return !i.rejected; }).length; }

  /* Visits kept before outboxes were per user (one "kepu-outbox") join this user's. */
  var legacy = localStorage.getItem("kepu-outbox");
  if (legacy !== null) {
    var kept = [];
    try { kept = JSON.parse(legacy) || []; } catch (e) { kept = []; }
    kept.forEach(function (item) { item.id = item.id || randomKey(); });
    if (kept.length) { update(function (items) { return items.concat(kept); }); }
    localStorage.removeItem("kepu-outbox");
  }

  function show() {
    var items = load();
    var rejected = items.filter(function (i) { return i.rejected; }).length;
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
    else if (items.length) { say(fill(box.dataset.waiting, items.length), false); }
  }

  /* Put the first refused visit back into the form, so its data is corrected, not lost. */
  function restore(form) {
    var item = load().find(function (i) { return i.rejected; });
    if (!item) { return; }
    update(function (items) { return items.filter(function (i) { return i.id !== item.id; }); });
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
    box.hidden = true;
    show();
  }

  function keep(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) { fields.push([name, value]); });
    var item = { id: randomKey(), url: form.action, fields: fields, saved: new Date().toISOString() };
    update(function (items) { return items.concat([item]); });
  }

  function randomKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  /* The next visit typed into this form is another visit: it needs its own key, or the server
   * would take it for a second copy of the one just kept and drop it. */
  function renewKey(form) {
    var input = form.querySelector("input[name=client_key]");
    if (!input) { return; }
    input.value = randomKey();
    input.defaultValue = input.value;
  }

  var sending = false;
  function flush() {
    var items = load().filter(function (i) { return !i.rejected; });
    if (sending || !navigator.onLine || !items.length) { return; }
    sending = true;
    var sent = [], refused = [];
    /* Record what this round learnt, without touching what was kept meanwhile. */
    var stop = function () {
      sending = false;
      update(function (now) {
        return now.filter(function (i) { return sent.indexOf(i.id) < 0; }).map(function (i) {
          if (refused.indexOf(i.id) >= 0) { i.rejected = true; }
          return i;
        });
      });
      if (sent.length) { say(fill(box.dataset.sent, sent.length), false); }
      show();
    };
    var next = function (index) {
      if (index >= items.length) { stop(); return; }
      var item = items[index];
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
          if (response.redirected && response.ok) { sent.push(item.id); }
          else { refused.push(item.id); }
          next(index + 1);
        })
        .catch(function () { stop(); });
    };
    next(0);
  }

  /* Every visit form is written here before it leaves; offline it stays, and the form is
   * cleared for the next visit. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-outbox")) { return; }
    keep(form);
    if (navigator.onLine) { return; }
    event.preventDefault();
    say(fill(box.dataset.saved, load().length), false);
    form.reset();
    renewKey(form);
    /* The leader sits at the bottom of a cleared form: bring the confirmation into view and
     * give it the focus, so a screen reader reads it out (a live region shown only now may
     * be missed). */
    box.setAttribute("tabindex", "-1");
    box.focus();
    box.scrollIntoView({ block: "center" });
  });

  /* The server saved these (this page is its answer): drop their copies. A form the server
   * shows again (with errors) carries the key it was sent with: that copy is in front of the
   * leader, who corrects it there. */
  var done = (box.dataset.savedKeys || "").split(" ").filter(Boolean);
  Array.prototype.forEach.call(document.querySelectorAll("form[data-outbox] input[name=client_key]"),
    function (input) { done.push(input.value); });
  if (done.length) {
    update(function (items) { return items.filter(function (i) { return done.indexOf(keyOf(i)) < 0; }); });
  }
  /* A form may come from the service worker's copy, the same bytes each time it opens without
   * a connection: every page load gives its visit form a key of its own. */
  Array.prototype.forEach.call(document.querySelectorAll("form[data-outbox]"), renewKey);
  window.addEventListener("online", flush);
  /* Back to a page kept in the browser's memory (after a failed send, say): try again. */
  window.addEventListener("pageshow", function (event) { if (event.persisted) { show(); flush(); } });
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
