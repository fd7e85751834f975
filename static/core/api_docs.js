// The browsable API page (/api/docs/): Swagger UI over the OpenAPI document named by data-url.
document.addEventListener("DOMContentLoaded", function () {
  var node = document.getElementById("swagger-ui");
  if (!node || !window.SwaggerUIBundle) return;
  window.SwaggerUIBundle({ url: node.dataset.url, domNode: node, deepLinking: true });
});
