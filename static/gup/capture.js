/* Walk capture: each report is queued on the phone (localStorage) and sent when the network allows.
   Every item carries a UUID made here, so sending it twice creates it once on the server. */
(function () {
  "use strict";
  var box, key, syncUrl, sending = false;

  function uuid4() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function queue() { try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; } }
  function save(items) { localStorage.setItem(key, JSON.stringify(items)); render(items); }

  function render(items) {
    var list = document.getElementById("queue-items");
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = item.label + (item.erreur ? " — " + item.erreur : " — en attente d'envoi");
      if (item.erreur) { li.className = "queue-error"; }
      list.appendChild(li);
    });
    document.getElementById("queue-status").textContent = items.length
      ? items.length + " signalement(s) gardé(s) sur ce téléphone" + (navigator.onLine ? "." : " : pas de réseau, envoi au retour du réseau.")
      : "Tous les signalements sont envoyés.";
  }

  function shrink(file) {
    // Resize on the phone so the queue fits in localStorage and uploads fast on a weak network.
    return new Promise(function (resolve) {
      if (!file) { resolve(null); return; }
      var reader = new FileReader();
      reader.onload = function () {
        var img = new Image();
        img.onload = function () {
          var scale = Math.min(1, 1280 / Math.max(img.width, img.height));
          var canvas = document.createElement("canvas");
          canvas.width = Math.round(img.width * scale); canvas.height = Math.round(img.height * scale);
          canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
          resolve(canvas.toDataURL("image/jpeg", 0.72));
        };
        img.onerror = function () { resolve(null); };
        img.src = reader.result;
      };
      reader.readAsDataURL(file);
    });
  }

  function send() {
    var items = queue().filter(function (i) { return !i.erreur; });
    if (sending || !items.length) { return; }
    sending = true;
    var token = document.querySelector("[name=csrfmiddlewaretoken]").value;
    fetch(syncUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ items: items.map(function (i) { return i.data; }) })
    }).then(function (r) { return r.json(); }).then(function (data) {
      var results = {};
      (data.resultats || []).forEach(function (r) { results[r.uuid] = r; });
      save(queue().filter(function (i) {
        var r = results[i.data.uuid];
        if (!r) { return true; }
        if (r.statut === "erreur") { i.erreur = r.message; return true; }
        return false;
      }));
    }).catch(function () { render(queue()); }).then(function () { sending = false; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    box = document.getElementById("queue");
    key = "gup-file-" + box.getAttribute("data-walk");
    syncUrl = box.getAttribute("data-sync-url");
    box.hidden = false;
    var form = document.getElementById("capture-form");
    document.getElementById("capture-submit").textContent = "Garder ce signalement et l'envoyer";
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var category = document.getElementById("id_category");
      var lon = document.getElementById("id_lon").value, lat = document.getElementById("id_lat").value;
      var status = document.getElementById("point-status");
      if (!category.value) { status.textContent = "Choisissez une catégorie."; category.focus(); return; }
      if (!lon || !lat) { status.textContent = "Placez le point sur la carte ou utilisez votre position."; return; }
      var photoInput = document.getElementById("id_photos");
      shrink(photoInput.files[0]).then(function (photo) {
        var items = queue();
        items.push({
          label: category.options[category.selectedIndex].text + " (" + new Date().toLocaleTimeString("fr-FR") + ")",
          data: { uuid: uuid4(), categorie: category.value, description: document.getElementById("id_description").value,
                  lon: Number(lon), lat: Number(lat), photo: photo }
        });
        save(items);
        form.reset();
        document.getElementById("id_lon").value = ""; document.getElementById("id_lat").value = "";
        status.textContent = "Signalement gardé. Placez le point du suivant.";
        send();
      });
    });
    document.getElementById("queue-send").addEventListener("click", function () {
      save(queue().map(function (i) { delete i.erreur; return i; }));
      send();
    });
    window.addEventListener("online", send);
    render(queue());
    send();
  });
})();
