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
 * Messages come translated from the #outbox element's data attributes.
 *
 * Photos chosen with a visit are kept with it: localStorage holds text only, so their bytes go
 * to IndexedDB (one database per user, one entry per kept visit, under the visit copy's id)
 * and are sent with the copy as multipart. The visit and its photos are saved by the server in
 * one go, so the client_key still makes a copy sent twice log the visit, and its photos, once.
 * A photo over the size limit (the file input's data-max-kb) is made smaller on the phone when
 * it can be (a JPEG at most MAX_EDGE pixels wide), else refused with a message. */
(function () {
  "use strict";
  var box = document.getElementById("outbox");
  if (!box || !window.localStorage || !window.fetch) { return; }
  var KEY = "kepu-outbox-" + box.dataset.user;
  var RETRY_MS = 30000;
  /* the longest side of a photo made smaller on the phone, and its JPEG quality */
  var MAX_EDGE = 2048, QUALITY = 0.85;
  /* photos kept without their visit copy (a page closed between the two writes) go after this */
  var ORPHAN_MS = 60000;
  /* set while this user may have photos kept on this phone */
  var PHOTOS_FLAG = KEY + "-photos";

  /* --- photos, in IndexedDB ------------------------------------------------------------- */
  var dbPromise = null;
  function photoDb() {
    if (!window.indexedDB) { return Promise.reject(new Error("no IndexedDB")); }
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open(KEY, 1);
        request.onupgradeneeded = function () { request.result.createObjectStore("photos"); };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
      dbPromise.catch(function () { dbPromise = null; });
    }
    return dbPromise;
  }
  /* Run ``work(store)`` in a transaction; resolves with its request's result when it ends. */
  function photoStore(mode, work) {
    return photoDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("photos", mode);
        var request = work(tx.objectStore("photos"));
        tx.oncomplete = function () { resolve(request ? request.result : undefined); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  function putPhotos(id, files) {
    return Promise.all(files.map(function (file) {
      return file.arrayBuffer().then(function (data) {
        return { name: file.name || "photo.jpg", type: file.type, data: data };
      });
    })).then(function (photos) {
      localStorage.setItem(PHOTOS_FLAG, "1");
      return photoStore("readwrite", function (store) {
        return store.put({ saved: Date.now(), photos: photos }, id);
      });
    });
  }
  function getPhotos(id) {
    return photoStore("readonly", function (store) { return store.get(id); }).then(function (entry) {
      return entry ? entry.photos : [];
    });
  }
  function dropPhotos(id) {
    return photoStore("readwrite", function (store) { return store.delete(id); }).catch(function () {});
  }
  /* Photos whose visit copy has gone (sent, or dropped as saved): deleted. Only for a user
   * who kept photos on this phone (no database is made for the others); the flag goes with
   * the last photo. */
  function collectPhotos() {
    if (!window.indexedDB || !localStorage.getItem(PHOTOS_FLAG)) { return; }
    var ids = load().map(function (i) { return i.id; });
    var left = 0;
    photoStore("readwrite", function (store) {
      var cursor = store.openCursor();
      cursor.onsuccess = function () {
        var at = cursor.result;
        if (!at) { return; }
        if (ids.indexOf(at.key) < 0 && Date.now() - at.value.saved > ORPHAN_MS) { at.delete(); }
        else { left += 1; }
        at.continue();
      };
      return null;
    }).then(function () {
      if (!left) { localStorage.removeItem(PHOTOS_FLAG); }
    }).catch(function () {});
  }
  function asBlobs(photos) {
    return photos.map(function (p) { return new File([p.data], p.name, { type: p.type }); });
  }
  /* Put ``files`` into the file input (where the browser allows it). */
  function setFiles(input, files) {
    try {
      var transfer = new DataTransfer();
      files.forEach(function (f) { transfer.items.add(f); });
      input.files = transfer.files;
      return true;
    } catch (e) { return false; }
  }

  /* A photo within ``maxBytes``: as chosen, or made smaller (a JPEG); rejects when it cannot. */
  function fitting(file, maxBytes) {
    if (file.size <= maxBytes) { return Promise.resolve(file); }
    if (!window.createImageBitmap || !/^image\//.test(file.type)) { return Promise.reject(); }
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve, reject) {
        canvas.toBlob(function (blob) {
          if (!blob || blob.size > maxBytes) { reject(); return; }
          var name = (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg" }));
        }, "image/jpeg", QUALITY);
      });
    });
  }
  /* The chosen photos within the input's limits, or a rejection with the message to show. */
  function readyPhotos(input) {
    var files = Array.prototype.slice.call(input.files);
    if (files.length > parseInt(input.dataset.maxPhotos, 10)) {
      return Promise.reject(input.dataset.tooMany);
    }
    var maxBytes = parseInt(input.dataset.maxKb, 10) * 1024;
    return Promise.all(files.map(function (f) { return fitting(f, maxBytes); }))
      .catch(function () { throw input.dataset.tooLarge; });
  }

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
    var input = form.querySelector("input[type=file][data-photos]");
    if (item.photos && input) {
      getPhotos(item.id).then(function (photos) { setFiles(input, asBlobs(photos)); })
        .catch(function () {}).then(function () { dropPhotos(item.id); });
    }
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

  /* Keep a copy of the form (its photos first, when given: the copy is only listed once
   * they are stored, so it is never sent without them). Resolves when kept. */
  function keep(form, photos) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") { fields.push([name, value]); }
    });
    var item = { id: randomKey(), url: form.action, fields: fields, saved: new Date().toISOString() };
    var list = function () { update(function (items) { return items.concat([item]); }); };
    if (!photos || !photos.length) { list(); return Promise.resolve(); }
    item.photos = photos.length;
    return putPhotos(item.id, photos).then(list);
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
      /* its photos; a copy whose photos cannot be read still goes: the visit matters most,
       * and photos can be added to it later */
      var photos = item.photos ? getPhotos(item.id).catch(function () { return []; }) : Promise.resolve([]);
      photos.then(function (kept) {
        asBlobs(kept).forEach(function (file) { body.append("photos", file, file.name); });
        return fetch(item.url, { method: "POST", body: body, credentials: "same-origin" });
      })
        .then(function (response) {
          var landed = new URL(response.url, window.location.href).pathname;
          if (landed === box.dataset.login) { stop(); say(fill(box.dataset.relogin, waiting()), true); return; }
          if (response.status >= 500 || response.status === 429) {
            var wait = parseInt(response.headers.get("Retry-After"), 10);
            stop();
            window.setTimeout(flush, wait > 0 ? wait * 1000 : RETRY_MS);
            return;
          }
          if (response.redirected && response.ok) { sent.push(item.id); dropPhotos(item.id); }
          else { refused.push(item.id); }
          next(index + 1);
        })
        .catch(function () { stop(); });
    };
    next(0);
  }

  /* Offline: the visit stays on the phone, and the form is cleared for the next visit. */
  function keptOffline(form) {
    say(fill(box.dataset.saved, load().length), false);
    form.reset();
    renewKey(form);
    /* The leader sits at the bottom of a cleared form: bring the confirmation into view and
     * give it the focus, so a screen reader reads it out (a live region shown only now may
     * be missed). */
    box.setAttribute("tabindex", "-1");
    box.focus();
    box.scrollIntoView({ block: "center" });
  }
  function refuse(text) {
    say(text, true);
    box.setAttribute("tabindex", "-1");
    box.focus();
    box.scrollIntoView({ block: "center" });
  }

  /* Every visit form is written here before it leaves; offline it stays. A form with photos
   * waits for them to be checked (made smaller when too large) and kept, then leaves. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-outbox")) { return; }
    var input = form.querySelector("input[type=file][data-photos]");
    if (!input || !input.files.length) {
      keep(form);
      if (navigator.onLine) { return; }
      event.preventDefault();
      keptOffline(form);
      return;
    }
    event.preventDefault();
    if (form.dataset.keeping) { return; }
    form.dataset.keeping = "1";
    readyPhotos(input).then(function (photos) {
      return keep(form, photos).then(function () {
        if (!navigator.onLine) { keptOffline(form); return; }
        setFiles(input, photos);
        form.submit();
      }, function () {
        if (!navigator.onLine) { throw input.dataset.notKept; }
        setFiles(input, photos); /* not kept on the phone: sent now, as the form always was */
        form.submit();
      });
    }).catch(function (text) {
      refuse(typeof text === "string" ? text : input.dataset.notKept);
    }).then(function () { delete form.dataset.keeping; });
  });

  /* The server saved these (this page is its answer): drop their copies. A form the server
   * shows again (with errors) carries the key it was sent with: that copy is in front of the
   * leader, who corrects it there. */
  var done = (box.dataset.savedKeys || "").split(" ").filter(Boolean);
  Array.prototype.forEach.call(document.querySelectorAll("form[data-outbox] input[name=client_key]"),
    function (input) { done.push(input.value); });
  if (done.length) {
    update(function (items) {
      return items.filter(function (i) {
        var saved = done.indexOf(keyOf(i)) >= 0;
        if (saved && i.photos) { dropPhotos(i.id); }
        return !saved;
      });
    });
  }
  /* A form may come from the service worker's copy, the same bytes each time it opens without
   * a connection: every page load gives its visit form a key of its own. */
  Array.prototype.forEach.call(document.querySelectorAll("form[data-outbox]"), renewKey);
  collectPhotos();
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
