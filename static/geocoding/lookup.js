// Eligibility answer on a map: the point and the QPV outline(s), drawn from the JSON the page carries.
(function () {
  var holder = document.getElementById("carte");
  var source = document.getElementById("map-data");
  if (!holder || !source || typeof L === "undefined") return;
  var data = JSON.parse(source.textContent);
  var map = L.map(holder, { attributionControl: true });
  if (data.tiles) { L.tileLayer(data.tiles, { maxZoom: 19 }).addTo(map); }
  var bounds = L.latLngBounds([[data.point[1], data.point[0]]]);
  data.qpv.forEach(function (feature) {
    var inside = feature.properties.dedans;
    var layer = L.geoJSON(feature, {
      style: { color: inside ? "#0b5a8a" : "#8a4b00", weight: 2, fillOpacity: inside ? 0.25 : 0.1, dashArray: inside ? null : "4 4" }
    }).bindTooltip(feature.properties.code + " " + feature.properties.nom + " (" + feature.properties.generation + ")").addTo(map);
    bounds.extend(layer.getBounds());
  });
  L.circleMarker([data.point[1], data.point[0]], { radius: 7, color: "#a3160f", weight: 3, fillOpacity: 0.8 })
    .bindTooltip("Point recherché").addTo(map);
  map.fitBounds(bounds.pad(0.2), { maxZoom: 17 });
})();
