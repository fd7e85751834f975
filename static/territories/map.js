// National QPV map: points of the whole country at low zoom, then the outlines of the visible area
// (very simplified up to zoom 12, detailed beyond), asked again as the map moves. Click → the QPV fiche.
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

  // Basemap without a tile server: département outlines always, commune outlines of the view from zoom 10,
  // in their own pane below the quartiers so the dots stay on top and clickable.
  map.createPane("fond");
  map.getPane("fond").style.zIndex = 250;
  var basemapRenderer = L.canvas({ pane: "fond" });
  var communes = L.layerGroup().addTo(map);
  var communesRequested = null;
  if (el.dataset.departements) {
    fetch(el.dataset.departements, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
      L.geoJSON(data, {
        pane: "fond", renderer: basemapRenderer, interactive: false,
        style: { color: "#7b8794", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1 }
      }).addTo(map);
      map.attributionControl.addAttribution("Fond : contours IGN ADMIN EXPRESS 2024 simplifiés — Licence Ouverte 2.0");
      el.dataset.fond = "charge";
    });
  }
  function refreshCommunes() {
    if (!el.dataset.communes || map.getZoom() < 10) { communes.clearLayers(); communesRequested = null; return; }
    var b = map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(3); }).join(",");
    if (bbox === communesRequested) { return; }
    communesRequested = bbox;
    fetch(el.dataset.communes + "?bbox=" + bbox, { credentials: "same-origin" }).then(function (r) {
      return r.ok ? r.json() : { type: "FeatureCollection", features: [] };
    }).then(function (data) {
      communes.clearLayers();
      L.geoJSON(data, {
        pane: "fond", renderer: basemapRenderer, interactive: false,
        style: { color: "#aab4be", weight: 0.8, dashArray: "3 3", fill: false }
      }).addTo(communes);
    });
  }
  map.on("moveend", refreshCommunes);
  var colours = { 2024: "#c0392b", 2015: "#1f3f7a" };
  var layer = null;
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
  // The server answers by view: points up to zoom 8 (the whole country), then the outlines of the area.
  // The area is snapped to the server's grid (step 2^(9 - zoom) degrees) so a small pan asks the same URL
  // again and the browser cache or the ETag (304) answers it.
  function view() {
    var z = map.getZoom();
    if (z <= 8) { return { zoom: "8" }; }  // one national answer for every low zoom
    var step = Math.pow(2, 9 - z), b = map.getBounds();
    var box = [
      Math.floor(b.getWest() / step) * step, Math.floor(b.getSouth() / step) * step,
      Math.ceil(b.getEast() / step) * step, Math.ceil(b.getNorth() / step) * step
    ];
    return { zoom: String(z), bbox: box.map(function (v) { return v.toFixed(6); }).join(",") };
  }
  function refresh(force) {
    var url = query(view());
    if (url === requested && !force) { return; }
    requested = url;
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
      if (url !== requested) { return; }  // a later view was asked meanwhile
      if (layer) { map.removeLayer(layer); }
      layer = L.geoJSON(data, { style: style, pointToLayer: point, onEachFeature: bind }).addTo(map);
    });
  }
  map.on("moveend", function () { refresh(false); });
  if (select) { select.addEventListener("change", function () { refresh(true); }); }
  refresh(true);
})();
