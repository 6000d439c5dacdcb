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

import (
	"net/http"
	"path"
	"strings"
)

// Paths the documentation is served under.
const (
	// openAPIPath serves the OpenAPI 3.1 description as JSON.
	openAPIPath = "/openapi.json"
	// uiPath is the Swagger UI page; its files live beneath it.
	uiPath = "/docs/"
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
//
// http.FileServerFS and http.ServeFileFS serve the files straight from the
// binary, with HEAD, Range and conditional requests; withHeaders adds the
// headers they do not set.
func Register(mux *http.ServeMux) {
	ui := subtree("assets")
	uiFiles, uiTag := http.FileServerFS(filesOnly{ui}), contentTag(ui)
	uiRoot := strings.TrimSuffix(uiPath, "/")
	mux.Handle("GET "+uiPath, withHeaders(uiPolicy, uiTag, http.StripPrefix(uiRoot, uiFiles)))
	// The file server redirects any path ending in /index.html to ./; the
	// page has always answered at /docs/index.html too, so that path is
	// served as the directory.
	mux.Handle("GET "+uiPath+"index.html", withHeaders(uiPolicy, uiTag,
		http.StripPrefix(uiPath+"index.html", uiFiles)))
	mux.Handle("GET "+uiRoot, http.RedirectHandler(uiPath, http.StatusMovedPermanently))

	openAPI := subtree(path.Dir(openAPIFile))
	mux.Handle("GET "+openAPIPath, withHeaders(openAPIPolicy, contentTag(openAPI),
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.ServeFileFS(w, r, openAPI, path.Base(openAPIFile))
		})))
}
