// The API reference: Swagger UI over the server's OpenAPI document, with the tab's key on every request it makes.
"use strict";

(() => {
  if (!BorderWatchKey.get()) BorderWatchKey.set(prompt("API key (operator or admin)") || "");
  window.SwaggerUIBundle({
    url: "../openapi/v1.json",
    dom_id: "#reference",
    deepLinking: true,
    requestInterceptor: request => { request.headers["X-Api-Key"] = BorderWatchKey.get(); return request; },
  });
})();
