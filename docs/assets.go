package docs

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// The embedded files: only what the page loads, plus the licence texts that
// must travel with Swagger UI. The OpenAPI file is generated from proto/ by
// `make generate` (internal/cmd/openapiv3); `make checkgenerate` fails when
// it differs from what proto/ generates.
//
//go:embed openapi/pigello-facade.json
//go:embed assets/index.html assets/init.js assets/docs.css
//go:embed assets/swagger-ui/swagger-ui-bundle.js assets/swagger-ui/swagger-ui.css
//go:embed assets/swagger-ui/favicon-32x32.png assets/swagger-ui/LICENSE
//go:embed assets/swagger-ui/NOTICE assets/swagger-ui/swagger-ui-bundle.js.LICENSE.txt
var embedded embed.FS

// openAPIFile is the generated OpenAPI 3.1 description, embedded as it is.
const openAPIFile = "openapi/pigello-facade.json"

// contentType is set from the extension here rather than from the system's
// MIME table, which differs between machines.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json":
		return "application/json"
	case ".png":
		return "image/png"
	default: // LICENSE, NOTICE, .txt
		return "text/plain; charset=utf-8"
	}
}

// file is one embedded file, ready to serve.
// The body is not held: embed.FS.ReadFile copies onto the heap, about 2 MB
// for Swagger UI, while a file opened from embedded reads the binary's own
// read-only data. Its ETag is computed when first asked for, so a facade
// whose docs no one opens never reads those pages of the binary into memory.
type file struct {
	name        string
	contentType string
	etag        func() string
	policy      string // Content-Security-Policy
}

// fileSet holds the files by the URL path they are served at: the
// OpenAPI file at OpenAPIPath, assets/x at UIPath+x, assets/index.html
// at UIPath too.
type fileSet map[string]*file

func newFileSet() fileSet {
	files := fileSet{OpenAPIPath: newFile(openAPIFile, openAPIPolicy)}
	err := fs.WalkDir(embedded, "assets", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files[UIPath+strings.TrimPrefix(name, "assets/")] = newFile(name, uiPolicy)
		return nil
	})
	if err != nil {
		panic("docs: " + err.Error()) // cannot happen: embedded is read-only and complete
	}
	files[UIPath] = files[UIPath+"index.html"]
	return files
}

func newFile(name, policy string) *file {
	return &file{
		name:        name,
		contentType: contentType(name),
		etag:        sync.OnceValue(func() string { return etag(name) }),
		policy:      policy,
	}
}

// etag is a strong validator of the embedded file name: its SHA-256, cut
// to 128 bits.
func etag(name string) string {
	h := sha256.New()
	if err := copyEmbedded(h, name); err != nil {
		panic("docs: " + err.Error()) // cannot happen: every name is embedded
	}
	return `"` + base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:16]) + `"`
}

// ServeHTTP serves the file at the request's path, or 404.
func (files fileSet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	f.serve(w, r)
}

// serve writes f with its validator: the files change only with the binary,
// so browsers keep them but ask again each time (no-cache), and get a 304
// while the ETag matches.
func (f *file) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", f.etag())
	h.Set("Content-Security-Policy", f.policy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	body, err := embedded.Open(f.name)
	if err != nil {
		http.Error(w, "docs: "+err.Error(), http.StatusInternalServerError) // cannot happen
		return
	}
	defer body.Close()
	// embed's files are io.ReadSeekers, as ServeContent needs.
	http.ServeContent(w, r, f.name, time.Time{}, body.(io.ReadSeeker))
}

func copyEmbedded(w io.Writer, name string) error {
	f, err := embedded.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}
