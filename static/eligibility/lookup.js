// Eligibility answer on a map: the point and the QPV outline(s), drawn from the JSON the page carries.
(function () {
  var holder = document.getElementById("carte");
  var source = document.getElementById("map-data");
  if (!holder || !source || typeof L === "undefined") return;
  var data = JSON.parse(source.textContent);
  var point = [data.point[1], data.point[0]];
  // Leaflet puts a string tooltip in innerHTML: a text node keeps a name with markup inert.
  var layers = data.qpv.map(function (feature) {
    var inside = feature.properties.dedans;
    return L.geoJSON(feature, {
      style: { color: inside ? "#0b5a8a" : "#8a4b00", weight: 2, fillOpacity: inside ? 0.25 : 0.1, dashArray: inside ? null : "4 4" }
    }).bindTooltip(document.createTextNode(feature.properties.code + " " + feature.properties.nom + " (" + feature.properties.generation + ")"));
  });
  var bounds = L.latLngBounds([point, point]);
  layers.forEach(function (layer) { bounds.extend(layer.getBounds()); });
  // The map needs a view before vector layers are added to it.
  var map = L.map(holder).fitBounds(bounds.pad(0.2), { maxZoom: 17 });
  if (data.tiles) { L.tileLayer(data.tiles, { maxZoom: 19 }).addTo(map); }
  layers.forEach(function (layer) { layer.addTo(map); });
  L.circleMarker(point, { radius: 7, color: "#a3160f", weight: 3, fillOpacity: 0.8 }).bindTooltip("Point recherché").addTo(map);
})();
