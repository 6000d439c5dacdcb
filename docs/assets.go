package docs

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
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

// subtree is the embedded directory dir, as a file system of its own.
func subtree(dir string) fs.FS {
	sub, err := fs.Sub(embedded, dir)
	if err != nil {
		panic("docs: " + err.Error()) // cannot happen: dir is a valid path
	}
	return sub
}

// filesOnly hides every directory but the root: http.FileServerFS lists a
// directory that has no index.html, and this answers 404 for one instead.
// The root holds the page's index.html, which the file server serves for it.
type filesOnly struct{ fs.FS }

func (f filesOnly) Open(name string) (fs.File, error) {
	file, err := f.FS.Open(name)
	if err != nil || name == "." {
		return file, err
	}
	info, err := file.Stat()
	if err == nil && info.IsDir() {
		err = &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	if err != nil {
		file.Close()
		return nil, err
	}
	return file, nil
}

// withHeaders sets what every documentation response carries, before the
// file server answers. The files change only with the binary, so browsers
// keep them but ask again each time (no-cache); http.ServeContent answers
// If-None-Match with a 304 from the ETag set here, and drops ETag and
// Cache-Control again when it answers with an error. policy is the
// Content-Security-Policy; etag gives the files' validator.
func withHeaders(policy string, etag func() string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", contentType(r.URL.Path))
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", etag())
		h.Set("Content-Security-Policy", policy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// contentType is set from the URL's extension here rather than left to the
// file server, which reads the system's MIME table: that differs between
// machines (older Debian's /etc/mime.types has application/javascript) and
// is absent from the container image. A path ending in / is the page.
func contentType(urlPath string) string {
	if strings.HasSuffix(urlPath, "/") {
		urlPath += "index.html"
	}
	switch path.Ext(urlPath) {
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

// contentTag returns a strong validator shared by every file of fsys: the
// SHA-256 of their names, sizes and contents, cut to 128 bits. One tag
// serves them all because they change only together, with the binary. It is
// computed on the first request, so a facade whose docs no one opens never
// reads those pages of the binary into memory (the files are served from
// the binary's read-only data, never copied onto the heap).
func contentTag(fsys fs.FS) func() string {
	return sync.OnceValue(func() string {
		h := sha256.New()
		if err := fs.WalkDir(fsys, ".", hashFile(fsys, h)); err != nil {
			panic("docs: " + err.Error()) // cannot happen: embedded is read-only and complete
		}
		return `"` + base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:16]) + `"`
	})
}

// hashFile writes each file's name, size and content to h, so that no two
// different sets of files write the same bytes.
func hashFile(fsys fs.FS, h io.Writer) fs.WalkDirFunc {
	return func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := fsys.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		info, err := f.Stat()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", name, info.Size())
		_, err = io.Copy(h, f)
		return err
	}
}
