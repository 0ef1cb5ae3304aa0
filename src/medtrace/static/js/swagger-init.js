// Starts Swagger UI on the API docs page; the spec URL comes from a data attribute.
// BaseLayout, without the standalone top bar: its logo carries an inline style, which the CSP
// refuses, and its box would load any document address typed into it.
window.addEventListener("load", function () {
  var holder = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: holder.dataset.specUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
