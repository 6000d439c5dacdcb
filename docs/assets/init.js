// Starts Swagger UI on the facade's own OpenAPI description. Try it out calls
// this same origin: the description names no host, so the page's is used.
'use strict';

window.ui = SwaggerUIBundle({
  // Absolute, so the page shows a link a person can copy.
  url: new URL('../openapi.json', window.location.href).href,
  dom_id: '#swagger-ui',
  deepLinking: true,
  displayRequestDuration: true,
  defaultModelsExpandDepth: 0,
  // Never send the description to validator.swagger.io.
  validatorUrl: null,
  requestInterceptor: addBearerScheme,
});

// addBearerScheme lets the Authorize dialog take a bare token: the description
// is converted from OpenAPI v2, which has no bearer scheme, so it declares the
// Authorization header as an API key, whose value must be "Bearer <token>".
function addBearerScheme(request) {
  const auth = request.headers.Authorization;
  if (auth && !/^bearer\s/i.test(auth)) {
    request.headers.Authorization = `Bearer ${auth}`;
  }
  return request;
}
