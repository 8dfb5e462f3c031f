/* Sort the window cards by distance from the reader, on request. The position is read by the browser and
   used here only: it is never sent anywhere. Without JavaScript the page keeps its city picker. */
(function () {
  "use strict";
  var button = document.getElementById("locate");
  var list = document.getElementById("window-cards");
  if (!button || !list || !("geolocation" in navigator)) return;
  var status = document.getElementById("locate-status");
  button.hidden = false;

  function coordinates(card) {
    var match = /^geo:(-?[\d.]+),(-?[\d.]+)/.exec(card.getAttribute("data-geo") || "");
    return match ? [parseFloat(match[1]), parseFloat(match[2])] : null;
  }

  function distance(a, b) {
    var rad = Math.PI / 180;
    var dLat = (b[0] - a[0]) * rad, dLon = (b[1] - a[1]) * rad;
    var h = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 12742 * Math.asin(Math.sqrt(h));
  }

  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (position) {
      var here = [position.coords.latitude, position.coords.longitude];
      var cards = Array.prototype.slice.call(list.querySelectorAll(".window-card"));
      cards.sort(function (a, b) {
        var pa = coordinates(a), pb = coordinates(b);
        return (pa ? distance(here, pa) : Infinity) - (pb ? distance(here, pb) : Infinity);
      });
      cards.forEach(function (card) { list.appendChild(card); });
      status.textContent = button.getAttribute("data-done");
    }, function () {
      status.textContent = button.getAttribute("data-failed");
    }, {maximumAge: 600000, timeout: 15000});
  });
})();
