// The API reference: Swagger UI over the server's OpenAPI document, with the tab's key on every request it makes.
(() => {
  if (location.hash.startsWith("#key=")) {
    sessionStorage.setItem("borderwatch.key", decodeURIComponent(location.hash.slice(5)));
    history.replaceState(null, "", location.pathname + location.search);
  }
  let key = sessionStorage.getItem("borderwatch.key");
  if (!key) {
    key = (prompt("API key (operator or admin)") || "").trim();
    sessionStorage.setItem("borderwatch.key", key);
  }
  window.SwaggerUIBundle({
    url: "../openapi/v1.json",
    dom_id: "#reference",
    deepLinking: true,
    requestInterceptor: request => { request.headers["X-Api-Key"] = key; return request; },
  });
})();
