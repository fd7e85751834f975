/* Draw a route (line) or an area (polygon) by touching the map; writes GeoJSON into the form. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("draw-map");
    var entry = window.GupMap.registry["draw-map"];
    var target = document.getElementById(el.getAttribute("data-target"));
    var kind = el.getAttribute("data-draw");
    var points = [];
    var shape = kind === "polygon" ? L.polygon([], { color: "#b34700" }) : L.polyline([], { color: "#b34700", weight: 4 });
    shape.addTo(entry.map);

    function write() {
      var coords = points.map(function (p) { return [Number(p.lng.toFixed(6)), Number(p.lat.toFixed(6))]; });
      if (kind === "polygon") {
        target.value = coords.length >= 3 ? JSON.stringify({ type: "Polygon", coordinates: [coords.concat([coords[0]])] }) : "";
      } else {
        target.value = coords.length >= 2 ? JSON.stringify({ type: "LineString", coordinates: coords }) : "";
      }
      shape.setLatLngs(points);
    }
    entry.map.on("click", function (e) { points.push(e.latlng); write(); });
    document.getElementById("draw-reset").addEventListener("click", function () { points = []; write(); });
    var qpv = document.getElementById("id_qpv");
    if (qpv) {
      qpv.addEventListener("change", function () { window.GupMap.load(entry, qpv.value); });
      if (qpv.value) { window.GupMap.load(entry, qpv.value); }
    }
  });
})();
