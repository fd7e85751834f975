/* Report form: category guidance, point on the map or from the phone's position, nearby duplicates. */
(function () {
  "use strict";
  var form, lon, lat, marker, entry;

  function guidance() {
    var data = JSON.parse(document.getElementById("guidance-data").textContent);
    var select = document.getElementById("id_category");
    var help = document.getElementById("guidance");
    select.addEventListener("change", function () { help.textContent = data[select.value] || ""; checkNearby(); });
    // A category chosen before this script ran (a slow phone, the browser restoring the form) gets its help too.
    if (data[select.value]) { help.textContent = data[select.value]; }
  }

  function setPoint(latlng, how) {
    lon.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng, { alt: "Point du signalement" }).addTo(entry.map); }
    document.getElementById("point-status").textContent = "Point placé " + how + ".";
    checkNearby();
  }

  function checkNearby() {
    var box = document.getElementById("nearby");
    var category = document.getElementById("id_category").value;
    if (!box || !lon.value || !category) { return; }
    var url = "/gup/signalements/proches/?categorie=" + encodeURIComponent(category) + "&lon=" + lon.value + "&lat=" + lat.value;
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      box.textContent = "";
      if (!data || !data.resultats.length) { return; }
      var p = document.createElement("p");
      p.textContent = "Déjà signalé tout près ? Vous pouvez suivre un de ces signalements :";
      box.appendChild(p);
      var ul = document.createElement("ul");
      data.resultats.forEach(function (r) {
        var li = document.createElement("li"), a = document.createElement("a");
        a.href = r.url; a.textContent = r.reference + " — à " + r.distance_m + " m — " + r.statut;
        li.appendChild(a); ul.appendChild(li);
      });
      box.appendChild(ul);
    });
  }

  function locate() {
    var status = document.getElementById("locate-status");
    if (!navigator.geolocation) { status.textContent = "Votre appareil ne donne pas sa position : touchez la carte."; return; }
    status.textContent = "Recherche de votre position…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      status.textContent = "Position trouvée (à " + Math.round(pos.coords.accuracy) + " m près).";
      var ll = L.latLng(pos.coords.latitude, pos.coords.longitude);
      setPoint(ll, "à votre position");
      entry.map.setView(ll, 18);
    }, function () {
      status.textContent = "Position indisponible : touchez la carte pour placer le point.";
    }, { enableHighAccuracy: true, timeout: 15000 });
  }

  document.addEventListener("DOMContentLoaded", function () {
    guidance();  // first: the help must not depend on the map having loaded
    form = document.querySelector(".report-form");
    lon = document.getElementById("id_lon");
    lat = document.getElementById("id_lat");
    entry = window.GupMap.registry["report-map"];
    var qpv = document.getElementById("id_qpv");
    var code = qpv.getAttribute("data-code") || qpv.value;
    if (code) { window.GupMap.load(entry, code); }
    qpv.addEventListener("change", function () { window.GupMap.load(entry, qpv.value); });
    if (lon.value && lat.value) { setPoint(L.latLng(Number(lat.value), Number(lon.value)), "précédemment"); }
    entry.map.on("click", function (e) { setPoint(e.latlng, "sur la carte"); });
    document.getElementById("locate").addEventListener("click", locate);
    window.GupReportForm = { setPoint: setPoint, form: form };
  });
})();
