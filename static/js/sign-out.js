/* Signing out on a shared tablet leaves nothing of the person behind: the café notes kept
 * in this browser (queue and last known texts) and the tablet pages the service worker
 * cached are deleted before the sign-out is sent. Notes not yet sent are announced first,
 * and signing out waits for a yes. The sign-out answer also carries Clear-Site-Data, for
 * browsers that honour it; this script covers those that do not (plain HTTP). */
(function () {
  "use strict";
  var form = document.getElementById("sign-out-form");
  if (!form) return;
  var PREFIXES = ["cafe-queue:", "cafe-notes:"];
  var CACHES = ["cafe-tablet-v1"];

  function tabletKeys() {
    var keys = [];
    try {
      for (var i = 0; i < localStorage.length; i++) {
        var key = localStorage.key(i);
        if (PREFIXES.some(function (p) { return key.indexOf(p) === 0; })) keys.push(key);
      }
    } catch (e) { /* storage blocked: nothing is kept there */ }
    return keys;
  }

  function read(key) {
    try { return JSON.parse(localStorage.getItem(key)); } catch (e) { return null; }
  }

  /* notes waiting to be sent, and notes the server refused (kept here with the reason) */
  function unsent(keys) {
    var count = 0;
    keys.forEach(function (key) {
      var value = read(key);
      if (key.indexOf("cafe-queue:") === 0 && Array.isArray(value)) count += value.length;
      if (key.indexOf("cafe-notes:") === 0 && value && typeof value === "object") {
        Object.keys(value).forEach(function (uuid) { if (value[uuid] && value[uuid].error) count += 1; });
      }
    });
    return count;
  }

  function clearTablet(keys) {
    keys.forEach(function (key) { try { localStorage.removeItem(key); } catch (e) { /* gone */ } });
    var work = [];
    if (window.caches) {
      CACHES.forEach(function (name) { work.push(caches.delete(name).catch(function () {})); });
    }
    if (navigator.serviceWorker && navigator.serviceWorker.getRegistrations) {
      work.push(navigator.serviceWorker.getRegistrations().then(function (registrations) {
        return Promise.all(registrations.map(function (r) { return r.unregister(); }));
      }).catch(function () {}));
    }
    return Promise.all(work);
  }

  form.addEventListener("submit", function (event) {
    var keys = tabletKeys();
    var waiting = unsent(keys);
    if (waiting > 0) {
      var message = waiting === 1 ? form.getAttribute("data-unsent-one")
        : form.getAttribute("data-unsent-many").replace("{n}", waiting);
      if (!window.confirm(message)) {
        event.preventDefault();
        return;
      }
    }
    event.preventDefault();
    var send = function () { form.submit(); };
    // signing out never waits long for the clean-up
    Promise.race([clearTablet(keys), new Promise(function (done) { setTimeout(done, 2000); })])
      .then(send, send);
  });
})();
