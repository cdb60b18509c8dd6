/* Kepu service worker (rendered by core/views/offline.py): the visit form opens without a
 * connection. Kept pages are fetched from the network first (the kept copy when it fails or is
 * slow) and kept again when they load; static
 * files come from the cache and are refreshed behind. Logging in or out, or switching the
 * language, drops everything kept (it belongs to the user signed in). */
"use strict";
var CACHE = "kepu-{{ version }}";
var PAGES = {{ pages|tojson }};
var STATIC_PREFIX = {{ static_prefix|tojson }};
var STATIC_FILES = {{ static_files|tojson }};
var FORGET = {{ forget|tojson }};
var FALLBACK = {{ fallback|tojson }};
/* how long a kept page waits for the network before the kept copy is shown */
var SLOW_MS = {{ slow_ms }};

function keepPages() {
  return caches.open(CACHE).then(function (cache) {
    return Promise.all(PAGES.map(function (path) {
      return fetch(path, { credentials: "same-origin" }).then(function (response) {
        if (response.ok && !response.redirected) { return cache.put(path, response); }
      }).catch(function () {});
    }));
  });
}

self.addEventListener("install", function (event) {
  self.skipWaiting();
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(STATIC_FILES);
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== CACHE; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

/* A page asks for the kept pages when they are missing (after logging in, say). */
self.addEventListener("message", function (event) {
  if (event.data === "keep-pages") { event.waitUntil(keepPages()); }
});

/* A kept page: the network's answer (kept again when it loads), or the kept copy when the
 * network fails or is slower than SLOW_MS (a poor connection in a field). */
function keptPage(event, request, path) {
  var kept = function () {
    return caches.match(path, { ignoreVary: true }).then(function (copy) {
      return copy || caches.match(FALLBACK, { ignoreVary: true });
    });
  };
  var network = fetch(request).then(function (response) {
    if (!response.ok || response.redirected) { return response; }
    var copy = response.clone();
    return caches.open(CACHE).then(function (cache) { return cache.put(path, copy); })
      .then(function () { return response; });
  });
  event.waitUntil(network.catch(function () {}));
  var answer = network.catch(function () {
    return kept().then(function (copy) { return copy || Response.error(); });
  });
  var slow = new Promise(function (resolve) { setTimeout(resolve, SLOW_MS); }).then(function () {
    return caches.match(path, { ignoreVary: true }).then(function (copy) { return copy || answer; });
  });
  return Promise.race([answer, slow]);
}

function forgets(path) {
  return FORGET.some(function (prefix) { return path === prefix || path.indexOf(prefix) === 0 && prefix.slice(-1) === "/"; });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && forgets(url.pathname)) {
    event.waitUntil(caches.open(CACHE).then(function (cache) {
      return Promise.all(PAGES.map(function (path) { return cache.delete(path); }));
    }));
    return;
  }
  if (request.method !== "GET") { return; }
  if (request.mode === "navigate" && PAGES.indexOf(url.pathname) >= 0 && !url.search) {
    event.respondWith(keptPage(event, request, url.pathname));
    return;
  }
  if (request.mode === "navigate") {
    /* any other page: the network, or the page saying it needs a connection */
    event.respondWith(fetch(request).catch(function () {
      return caches.match(FALLBACK, { ignoreVary: true }).then(function (kept) { return kept || Response.error(); });
    }));
    return;
  }
  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return cache.match(request).then(function (kept) {
        var fresh = fetch(request).then(function (response) {
          if (response.ok) { cache.put(request, response.clone()); }
          return response;
        });
        if (kept) { event.waitUntil(fresh.catch(function () {})); return kept; }
        return fresh;
      });
    }));
  }
});
