package docs

import (
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// setup serves the documentation as the gateway mounts it.
func setup(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, srv *httptest.Server, method, path string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return resp, string(body)
}

func TestServe(t *testing.T) {
	srv := setup(t)
	// As older Debian's /etc/mime.types says: the types served must not
	// depend on the machine's MIME table.
	systemMIMEType(t, ".js", "application/javascript")
	tests := []struct {
		path, contentType, policy, contains string
	}{
		{"/docs/", "text/html; charset=utf-8", uiPolicy, `<div id="swagger-ui">`},
		{"/docs/index.html", "text/html; charset=utf-8", uiPolicy, `<div id="swagger-ui">`},
		{"/docs/init.js", "text/javascript; charset=utf-8", uiPolicy, "SwaggerUIBundle({"},
		{"/docs/docs.css", "text/css; charset=utf-8", uiPolicy, "box-sizing"},
		{"/docs/swagger-ui/swagger-ui-bundle.js", "text/javascript; charset=utf-8", uiPolicy, "SwaggerUIBundle"},
		{"/docs/swagger-ui/swagger-ui.css", "text/css; charset=utf-8", uiPolicy, ".swagger-ui"},
		{"/docs/swagger-ui/favicon-32x32.png", "image/png", uiPolicy, "PNG"},
		{"/docs/swagger-ui/LICENSE", "text/plain; charset=utf-8", uiPolicy, "Apache License"},
		{"/docs/swagger-ui/NOTICE", "text/plain; charset=utf-8", uiPolicy, "SmartBear"},
		{"/openapi.json", "application/json", openAPIPolicy, `"openapi": "3.1.0"`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := get(t, srv, http.MethodGet, tt.path, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s status = %d, want 200", tt.path, resp.StatusCode)
			}
			for name, want := range map[string]string{
				"Content-Type":            tt.contentType,
				"Content-Security-Policy": tt.policy,
				"Cache-Control":           "no-cache",
				"X-Content-Type-Options":  "nosniff",
			} {
				if got := resp.Header.Get(name); got != want {
					t.Errorf("GET %s %s = %q, want %q", tt.path, name, got, want)
				}
			}
			if !strings.Contains(body, tt.contains) {
				t.Errorf("GET %s body does not contain %q", tt.path, tt.contains)
			}
			etag := resp.Header.Get("ETag")
			if etag == "" {
				t.Fatalf("GET %s has no ETag", tt.path)
			}
			again, body := get(t, srv, http.MethodGet, tt.path, http.Header{"If-None-Match": {etag}})
			if again.StatusCode != http.StatusNotModified || body != "" {
				t.Errorf("GET %s with its ETag: status %d, %d bytes; want 304 and none", tt.path, again.StatusCode, len(body))
			}
		})
	}
}

func TestRoutes(t *testing.T) {
	srv := setup(t)
	tests := []struct {
		method, path string
		status       int
		location     string
	}{
		{http.MethodGet, "/docs", http.StatusMovedPermanently, "/docs/"},
		{http.MethodHead, "/docs/", http.StatusOK, ""},
		{http.MethodHead, "/openapi.json", http.StatusOK, ""},
		{http.MethodGet, "/docs/nope.js", http.StatusNotFound, ""},
		{http.MethodGet, "/docs/swagger-ui/", http.StatusNotFound, ""}, // no directory listing
		{http.MethodGet, "/docs/swagger-ui", http.StatusNotFound, ""},
		{http.MethodGet, "/docs/swagger-ui/VERSION", http.StatusNotFound, ""}, // not embedded
		{http.MethodPost, "/docs/", http.StatusMethodNotAllowed, ""},
		{http.MethodPut, "/openapi.json", http.StatusMethodNotAllowed, ""},
	}
	for _, tt := range tests {
		resp, _ := get(t, srv, tt.method, tt.path, nil)
		if resp.StatusCode != tt.status {
			t.Errorf("%s %s status = %d, want %d", tt.method, tt.path, resp.StatusCode, tt.status)
		}
		if got := resp.Header.Get("Location"); got != tt.location {
			t.Errorf("%s %s Location = %q, want %q", tt.method, tt.path, got, tt.location)
		}
	}
}

// systemMIMEType makes the process's MIME table map ext to typ, as another
// machine's /etc/mime.types could, until the test ends.
func systemMIMEType(t *testing.T, ext, typ string) {
	t.Helper()
	was := mime.TypeByExtension(ext)
	if err := mime.AddExtensionType(ext, typ); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mime.AddExtensionType(ext, was) })
}

// TestPageIsSelfContained checks that the page names only files the facade
// serves: nothing from a CDN, no inline script the policy would block.
func TestPageIsSelfContained(t *testing.T) {
	srv := setup(t)
	_, page := get(t, srv, http.MethodGet, "/docs/", nil)
	refs := regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(page, -1)
	if len(refs) < 4 {
		t.Fatalf("page links %d files, want at least 4 (styles, icon, scripts):\n%s", len(refs), page)
	}
	for _, ref := range refs {
		u := ref[1]
		path := "/docs/" + u
		if strings.HasPrefix(u, "../") {
			path = "/" + strings.TrimPrefix(u, "../")
		}
		if resp, _ := get(t, srv, http.MethodGet, path, nil); resp.StatusCode != http.StatusOK || strings.Contains(u, ":") {
			t.Errorf("page links %q, which the facade does not serve (GET %s: %d)", u, path, resp.StatusCode)
		}
	}
	if regexp.MustCompile(`<script>|<script [^>]*>[^<\s]`).MatchString(page) {
		t.Errorf("page has an inline script, which its Content-Security-Policy blocks")
	}
}
