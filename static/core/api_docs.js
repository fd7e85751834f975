// The browsable API page (/api/docs/): Swagger UI over the OpenAPI document named by data-url. The document is
// read as JSON here and handed over as an object (Swagger UI's own loader parses it as YAML, which refuses it).
document.addEventListener("DOMContentLoaded", function () {
  var node = document.getElementById("swagger-ui");
  if (!node || !window.SwaggerUIBundle) return;
  fetch(node.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (spec) {
      window.SwaggerUIBundle({ spec: spec, domNode: node, deepLinking: true });
    });
});
