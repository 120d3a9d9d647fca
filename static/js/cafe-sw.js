/* Service worker of the café tablet: keeps the tablet pages and their assets so that a
 * reload without network still shows the page (the notes themselves wait in localStorage).
 * Network first; the cache answers only when the network does not. Writes are not touched. */
"use strict";
var CACHE = "cafe-tablet-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var page = request.mode === "navigate" && url.pathname.indexOf("/my-tables/") === 0;
  var asset = url.pathname.indexOf("/static/") === 0;
  if (!page && !asset) return;
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && response.type === "basic") {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }, function () {
      return caches.open(CACHE).then(function (cache) {
        return cache.match(request, { ignoreVary: true }).then(function (hit) { return hit || Response.error(); });
      });
    })
  );
});
