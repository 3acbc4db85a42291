// Legwork's service worker, served at /sw.js (config.views.service_worker fills in the two lists).
// The app shell is kept at install; pages are fetched from the network first and kept, so the last copy of
// Today and of the session being logged opens with no signal. Posts are never cached or replayed here:
// legwork.js queues a session finished offline and sends it once, with its client token, when back online.
var SHELL = "__SHELL__";
var PAGES = "__PAGES__";
var CACHE = "legwork-" + SHELL.join("|").length + "-" + SHELL.map(function (u) { return u.slice(-12); }).join("");

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function keep(request, response) {
  if (response.ok && !response.redirected && response.type === "basic") {
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
  }
  return response;
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.clear) {
    // Logged out: nothing of this runner's stays on the device.
    event.waitUntil(caches.delete(CACHE));
  } else if (data.cache) {
    event.waitUntil(caches.open(CACHE).then(function (cache) {
      return Promise.all(data.cache.map(function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected) return cache.put(url, response);
        }).catch(function () {});
      }));
    }));
  }
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).then(function (response) { return keep(request, response); }).catch(function () {
        return caches.match(request).then(function (found) {
          return found || caches.match(PAGES[0]).then(function (today) {
            return today || new Response("<!doctype html><title>Offline</title><p>You are offline, and this page was not saved on this device yet.</p>",
              { headers: { "Content-Type": "text/html; charset=utf-8" } });
          });
        });
      })
    );
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (found) {
      return found || fetch(request).then(function (response) { return keep(request, response); });
    }));
  }
});
