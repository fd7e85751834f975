// National QPV map: overview outlines and points first (one small request), detailed outlines of the
// visible area from zoom 13. Click → the QPV fiche.
(function () {
  "use strict";
  var el = document.getElementById("carte");
  if (!el || !window.L) { return; }
  var source = el.dataset.source;
  var fiche = el.dataset.fiche;
  var select = document.getElementById("carte-generation");
  var map = L.map(el, { preferCanvas: true }).setView([46.6, 2.4], 6);
  if (el.dataset.tiles) { L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map); }
  map.attributionControl.addAttribution("QPV : ANCT ; contours 2015 d'Occitanie : ANCT via ToulouseDataViz — Licence Ouverte 2.0");
  var colours = { 2024: "#c0392b", 2015: "#1f3f7a" };
  var overview = null;
  var detail = L.layerGroup().addTo(map);
  var requested = null;

  function style(feature) {
    var c = colours[feature.properties.generation] || "#333";
    return { color: c, weight: 1.5, fillColor: c, fillOpacity: 0.3 };
  }
  function point(feature, latlng) {
    var c = colours[feature.properties.generation] || "#333";
    return L.circleMarker(latlng, {
      radius: 4, color: c, weight: 1.5, fillColor: c,
      fillOpacity: feature.properties.point_approx ? 0 : 0.8
    });
  }
  // Leaflet puts a string tooltip in innerHTML: a text node keeps a name with markup inert.
  function bind(feature, layer) {
    var p = feature.properties;
    layer.bindTooltip(document.createTextNode(p.code + " " + p.nom + (p.point_approx ? " (contour non chargé)" : "")));
    layer.on("click", function () { window.location.href = fiche.replace("CODE", encodeURIComponent(p.code)); });
  }
  function query(extra) {
    var params = new URLSearchParams(extra || {});
    if (select && select.value) { params.set("generation", select.value); }
    return source + "?" + params.toString();
  }
  function loadOverview() {
    fetch(query(), { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
      if (overview) { map.removeLayer(overview); }
      overview = L.geoJSON(data, { style: style, pointToLayer: point, onEachFeature: bind }).addTo(map);
      refreshDetail();
    });
  }
  function refreshDetail() {
    if (map.getZoom() < 13) { detail.clearLayers(); requested = null; return; }
    var b = map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(4); }).join(",");
    if (bbox === requested) { return; }
    requested = bbox;
    fetch(query({ bbox: bbox }), { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
      detail.clearLayers();
      L.geoJSON(data, { style: style, onEachFeature: bind }).addTo(detail);
    });
  }
  map.on("moveend", refreshDetail);
  if (select) { select.addEventListener("change", loadOverview); }
  loadOverview();
})();
