/* GUP maps: outlines of the quartier (or its communes) and reports, without tile server by default. */
(function () {
  "use strict";
  var FRANCE = [46.6, 2.4];
  var registry = {};

  function makeMap(el) {
    var map = L.map(el, { zoomControl: true }).setView(FRANCE, 5);
    var tiles = el.getAttribute("data-tiles");
    if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }
    var entry = { map: map, outlines: L.geoJSON(null, { style: { color: "#1f4e79", weight: 2, fillOpacity: 0.05 } }).addTo(map),
                  points: L.layerGroup().addTo(map), el: el };
    registry[el.id] = entry;
    return entry;
  }

  function fit(entry) {
    var bounds = entry.outlines.getBounds();
    entry.points.eachLayer(function (layer) { if (layer.getLatLng) { bounds.extend(layer.getLatLng()); } });
    if (bounds.isValid()) { entry.map.fitBounds(bounds, { maxZoom: 17, padding: [10, 10] }); }
  }

  function load(entry, code) {
    var url = entry.el.getAttribute("data-map-url");
    if (!url) { return Promise.resolve(); }
    if (url.indexOf("CODE") !== -1) {
      if (!code) { return Promise.resolve(); }
      url = url.replace("CODE", encodeURIComponent(code));
    }
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        entry.outlines.clearLayers();
        entry.points.clearLayers();
        if (data.contours) { entry.outlines.addData(data.contours); }
        var detail = entry.el.getAttribute("data-detail-url");
        (data.features || []).forEach(function (f) {
          var c = f.geometry.coordinates, p = f.properties;
          var marker = L.circleMarker([c[1], c[0]], { radius: 7, color: p.en_retard ? "#a40000" : "#1f4e79", weight: 2 });
          var label = p.categorie + " — " + p.statut + (p.reference ? " (" + p.reference + ")" : "");
          if (detail) {
            var link = document.createElement("a");
            link.href = detail.replace("/0/", "/" + p.id + "/");
            link.textContent = label;
            marker.bindPopup(link);
          } else {
            marker.bindPopup(document.createTextNode(label));
          }
          marker.addTo(entry.points);
        });
        var count = document.getElementById("map-count");
        if (count) { count.textContent = (data.features || []).length + " signalement(s) affiché(s)."; }
        fit(entry);
      });
  }

  function init() {
    document.querySelectorAll(".gup-map").forEach(function (el) {
      var entry = makeMap(el);
      var point = el.getAttribute("data-point");
      var routeId = el.getAttribute("data-route");
      load(entry).then(function () {
        if (point) {
          var ll = point.split(",").map(Number);
          L.marker([ll[1], ll[0]], { alt: "Emplacement du signalement" }).addTo(entry.map);
          entry.map.setView([ll[1], ll[0]], 17);
        }
        if (routeId) {
          var route = JSON.parse(document.getElementById(routeId).textContent || "null");
          if (route && route.coordinates) {
            var line = L.polyline(route.coordinates.map(function (c) { return [c[1], c[0]]; }), { color: "#b34700", weight: 4 });
            line.addTo(entry.map);
            entry.map.fitBounds(line.getBounds(), { maxZoom: 17 });
          }
        }
      });
    });
  }

  window.GupMap = { registry: registry, load: load };
  document.addEventListener("DOMContentLoaded", init);
})();
