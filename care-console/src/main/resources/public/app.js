// Live updates without inline script (the CSP forbids it): poll the change counter, and when it
// moves, fetch the server-rendered (escaped) fragment and swap it in. Each case row records when
// this page first showed it (data-seen-at, ms since the epoch), which the browser test reads.
(function () {
  "use strict";
  var live = document.querySelector("[data-live]");
  if (!live) {
    return;
  }
  var url = live.getAttribute("data-live");
  // The change counter as it was when the server rendered this page: anything stored since
  // shows up on the first poll.
  var version = live.getAttribute("data-version");

  function mark(seen) {
    var now = String(Date.now());
    live.querySelectorAll("[data-case-id]").forEach(function (r) {
      var id = r.getAttribute("data-case-id") + " " + r.getAttribute("data-alert-ids");
      r.setAttribute("data-seen-at", (seen && seen[id]) || now);
    });
  }

  function remember() {
    var seen = {};
    live.querySelectorAll("[data-case-id]").forEach(function (r) {
      seen[r.getAttribute("data-case-id") + " " + r.getAttribute("data-alert-ids")] =
        r.getAttribute("data-seen-at");
    });
    return seen;
  }

  function tick() {
    fetch("/api/version", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        if (r.status === 401 || r.redirected) {
          window.location.reload();
          throw new Error("logged out");
        }
        return r.text();
      })
      .then(function (v) {
        if (version === null || v === version) {
          version = v;
          return null;
        }
        version = v;
        return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
          return r.text();
        });
      })
      .then(function (html) {
        if (html !== null && html !== undefined) {
          var seen = remember();
          live.innerHTML = html;
          mark(seen);
        }
      })
      .catch(function () {})
      .then(function () {
        setTimeout(tick, 250);
      });
  }

  mark(null);
  tick();
})();
