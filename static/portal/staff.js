/* Staff pages, keyboard first. Served as a file of its own so that a strict Content-Security-Policy
   (no inline script) allows it; the pages work without it.
   - Focus goes to the element the server marks with data-focus (the error summary of a refused form);
     else to the target of the URL fragment (the section a save changed, the first field of the next form),
     which browsers focus on their own when it is focusable, and some do not after a redirect.
   - The messages of the last save sit in a role="status" region rendered with the page; a live region
     that is filled before it is read is not announced, so its content is put back once the page is read. */
(function () {
  "use strict";
  function focusTarget() {
    var target = document.querySelector("[data-focus]");
    if (!target && window.location.hash.length > 1) {
      target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    }
    if (target && document.activeElement !== target) {
      target.focus();
    }
  }
  function announce() {
    var region = document.getElementById("messages");
    if (!region) { return; }
    var nodes = Array.prototype.slice.call(region.childNodes);
    nodes.forEach(function (node) { region.removeChild(node); });
    window.setTimeout(function () {
      nodes.forEach(function (node) { region.appendChild(node); });
    }, 300);
  }
  function ready() {
    focusTarget();
    announce();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
