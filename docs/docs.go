// Package docs serves the REST gateway's API documentation on the HTTP port:
// the OpenAPI 3.1 description at /openapi.json and Swagger UI at /docs/, where
// a person can read the operations and run them against this very facade
// ("Try it out"; the Authorize button takes a bearer token when the facade
// runs with tokens).
//
// Everything is embedded in the binary and served from the facade's own
// origin: no CDN, nothing fetched at run time. The OpenAPI file is generated
// from proto/ by `make generate` (buf's protoc-gen-openapiv2, converted to
// OpenAPI 3.1 by internal/cmd/openapiv3); the Swagger UI files are copied
// from the npm package swagger-ui-dist by ui/vendor.mjs and committed (see
// assets/swagger-ui/README.md).
//
// The documentation is public even when the facade requires tokens: it holds
// nothing the repository does not, and each call made from it is checked as
// any other.
package docs

import "net/http"

// Paths the documentation is served under.
const (
	// OpenAPIPath serves the OpenAPI 3.1 description as JSON.
	OpenAPIPath = "/openapi.json"
	// UIPath is the Swagger UI page; its files live beneath it.
	UIPath = "/docs/"
)

// The page's policy: only this origin, for scripts, styles, images and the
// calls Try it out makes. Swagger UI's CSS inlines its icons as data: URIs.
// It needs no 'unsafe-inline': it sets styles through the DOM, which the
// policy does not restrict, and the browser test fails on any violation.
const (
	uiPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; " +
		"img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; " +
		"frame-ancestors 'none'"
	// openAPIPolicy keeps the JSON from ever running as a document.
	openAPIPolicy = "default-src 'none'; frame-ancestors 'none'"
)

// Register mounts the documentation on mux: GET (and HEAD) /openapi.json,
// /docs/ and the files beneath it, and /docs, which redirects to /docs/ so
// the page's relative links resolve. It panics, as mux does, if another
// handler already holds one of these patterns.
func Register(mux *http.ServeMux) {
	files := newFileSet()
	mux.Handle("GET "+OpenAPIPath, files)
	mux.Handle("GET "+UIPath, files)
	mux.Handle("GET /docs", http.RedirectHandler(UIPath, http.StatusMovedPermanently))
}
