// QPV fiche: the outline over its communes (and EPCI) — no tiles unless the deployment sets some.
(function () {
  "use strict";
  var el = document.getElementById("carte-qpv");
  var source = document.getElementById("carte-donnees");
  if (!el || !source || !window.L) { return; }
  var data = JSON.parse(source.textContent);
  var map = L.map(el, { attributionControl: true, scrollWheelZoom: false });
  if (el.dataset.tiles) { L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map); }
  var styles = {
    epci: { color: "#777", weight: 1, fillOpacity: 0.03, dashArray: "4" },
    commune: { color: "#555", weight: 1, fillColor: "#d9dee5", fillOpacity: 0.4 },
    qpv: { color: "#c0392b", weight: 2, fillColor: "#c0392b", fillOpacity: 0.35 },
    qpv2015: { color: "#1f3f7a", weight: 2, fillColor: "#1f3f7a", fillOpacity: 0.2, dashArray: "3" }
  };
  // Leaflet puts a string tooltip in innerHTML: a text node keeps a name with markup inert.
  var layer = L.geoJSON(data, {
    style: function (f) { return styles[f.properties.role] || styles.commune; },
    onEachFeature: function (f, l) { if (f.properties.nom) { l.bindTooltip(document.createTextNode(f.properties.nom)); } }
  }).addTo(map);
  var focus = null;
  var wanted = data.focus || "qpv";
  layer.eachLayer(function (l) { if (l.feature.properties.role === wanted) { focus = l; } });
  if (!focus) { layer.eachLayer(function (l) { if (l.feature.properties.role === "commune") { focus = focus || l; } }); }
  map.fitBounds((focus || layer).getBounds(), { padding: [20, 20] });
  map.attributionControl.addAttribution("Contours : ANCT, IGN ADMIN EXPRESS — Licence Ouverte 2.0");
})();
