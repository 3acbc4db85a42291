// Small progressive enhancements; every page works without this file.
(function () {
  var QUEUE = "legwork:queue";

  function queued() {
    try { return JSON.parse(localStorage.getItem(QUEUE)) || []; } catch (e) { return []; }
  }
  function store(items) {
    try { localStorage.setItem(QUEUE, JSON.stringify(items)); } catch (e) { /* private mode: nothing to keep */ }
    showStatus();
  }
  function showStatus(text) {
    var box = document.getElementById("sync-status");
    if (!box) return;
    var count = queued().length;
    if (count) {
      text = (count === 1 ? "1 session" : count + " sessions") + " waiting to sync: kept on this device and sent when you are back online.";
    }
    box.textContent = text || "";
    box.hidden = !text;
  }

  // A session finished with no connection: kept here until it can be sent (legwork.js sends it once; the
  // form's client token makes a second arrival log nothing more).
  function enqueue(item) {
    var items = queued().filter(function (x) { return x.token !== item.token; });
    items.push(item);
    store(items);
  }

  var sending = false;
  function replay() {
    var items = queued();
    if (sending || !items.length || navigator.onLine === false) return;
    sending = true;
    var item = items[0];
    fetch(item.url, {
      method: "POST",
      body: new URLSearchParams(item.body),
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" }
    }).then(function (response) {
      var saved = response.ok && /\/log\/\d+\/$/.test(new URL(response.url).pathname);
      store(queued().filter(function (x) { return x.token !== item.token; }));
      if (saved) {
        try { localStorage.removeItem("legwork:draft:" + item.token); } catch (e) {}
        showStatus(queued().length ? "" : "Synced: your session is saved.");
      } else {
        showStatus("A session sent after going offline was not saved: open it again from Today to check it.");
      }
    }).catch(function () { /* still offline: try again later */ }).then(function () {
      sending = false;
      if (queued().length && navigator.onLine !== false) setTimeout(replay, 1000);
    });
  }

  window.Legwork = { enqueue: enqueue, replay: replay, queued: queued };

  document.addEventListener("DOMContentLoaded", function () {
    // Ask before a destructive form is sent, where the form asks for it.
    document.body.addEventListener("submit", function (event) {
      var message = event.target.getAttribute("data-confirm");
      if (message && !window.confirm(message)) event.preventDefault();
      if (event.target.action && /\/accounts\/logout\/$/.test(event.target.action) && navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({ clear: true });
      }
    });
    // Wide screens show the whole menu as a row of links.
    var menu = document.querySelector(".lw-menu");
    if (menu && window.matchMedia("(min-width: 768px)").matches) menu.open = true;

    showStatus();
    replay();
    window.addEventListener("online", replay);
    setInterval(replay, 30000);

    var worker = document.body.getAttribute("data-sw");
    if (worker && "serviceWorker" in navigator) {
      navigator.serviceWorker.register(worker, { scope: "/" }).then(function () {
        return navigator.serviceWorker.ready;
      }).then(function (registration) {
        // The sessions this page links to for logging (Today's current and next), kept for offline use.
        var links = Array.prototype.map.call(document.querySelectorAll("a[data-offline]"), function (a) { return a.href; });
        if (links.length && registration.active) registration.active.postMessage({ cache: links });
      }).catch(function () {});
    }
  });
})();
