// Job page: poll the job's JSON state every second and update the progress bar until it ends.
(function () {
  var box = document.getElementById("job");
  if (!box || box.dataset.finished === "1") return;
  function update() {
    fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        document.getElementById("job-status").textContent = s.status_label;
        document.getElementById("job-progress").value = s.percent;
        document.getElementById("job-percent").textContent = s.percent;
        document.getElementById("job-done").textContent = s.done;
        var total = document.getElementById("job-total");
        if (total && s.total) total.textContent = s.total;
        document.getElementById("job-message").textContent = s.message;
        if (s.finished) { window.location.reload(); } else { setTimeout(update, 1000); }
      })
      .catch(function () { setTimeout(update, 3000); });
  }
  setTimeout(update, 1000);
})();
