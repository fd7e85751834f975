// Running totals of the forecast budget form: charges, produits and the gap, as the carrier types
// (decimal commas and spaces accepted, as the server reads them). Text only (textContent).
(function () {
  "use strict";
  function parse(value) {
    var cleaned = (value || "").replace(/[\s\u00a0\u202f€]/g, "").replace(",", ".");
    if (cleaned === "") return 0;
    var n = Number(cleaned);
    return isFinite(n) && n >= 0 ? Math.round(n * 100) : NaN;
  }
  function euros(cents) {
    var sign = cents < 0 ? "-" : "";
    cents = Math.abs(cents);
    var whole = String(Math.floor(cents / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, " ");
    var rest = String(cents % 100).padStart(2, "0");
    return sign + whole + "," + rest + " €";
  }
  function total(side) {
    var sum = 0;
    document.querySelectorAll('table.budget[data-side="' + side + '"] input').forEach(function (input) {
      sum += parse(input.value);
    });
    return sum;
  }
  function update() {
    var charges = total("depense");
    var produits = total("recette");
    var gap = document.getElementById("budget-ecart");
    if (isNaN(charges) || isNaN(produits)) {
      gap.textContent = "Un montant n'est pas un nombre positif : corrigez-le.";
      return;
    }
    document.getElementById("total-depense").textContent = euros(charges);
    document.getElementById("total-recette").textContent = euros(produits);
    if (charges === produits) {
      gap.textContent = "Budget équilibré.";
    } else if (charges > produits) {
      gap.textContent = "Écart : les charges dépassent les produits de " + euros(charges - produits) + ".";
    } else {
      gap.textContent = "Écart : les produits dépassent les charges de " + euros(produits - charges) + ".";
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.budget-form");
    if (!form) return;
    form.addEventListener("input", update);
    update();
  });
})();
