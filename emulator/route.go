package emulator

import (
	"net/http"
	"regexp"
	"strings"
)

const (
	// collectionPath is where records are created; a detail path is this
	// followed by "<pk>/".
	collectionPath = "/accounts/users/organization/workengagement/"
	// listPath is where records are listed. Pigello also documents a Bulk
	// write (POST) here, which the emulator does not serve.
	listPath = collectionPath + "list/"

	allowCollection = "POST"
	allowDetail     = "GET, PATCH, DELETE"
	allowList       = "GET"
)

// pkPattern is Django's uuid path converter: lower-case only, so a client
// that upper-cases ids meets the 404 it would meet in production.
var pkPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// matchDetail returns the pk of a detail path. path must be the escaped
// path, so that %2F or any other escape never matches.
func matchDetail(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, collectionPath)
	if !ok {
		return "", false
	}
	pk, ok := strings.CutSuffix(rest, "/")
	if !ok || !pkPattern.MatchString(pk) {
		return "", false
	}
	return pk, true
}

// serveResource routes a request for a Pigello path. Paths that do not
// match are 404 before authentication, as with Django's URL resolver.
func (e *Emulator) serveResource(w http.ResponseWriter, r *http.Request, b body) {
	path := r.URL.EscapedPath()
	if path == collectionPath {
		e.serveCollection(w, r, b)
		return
	}
	if path == listPath {
		e.serveList(w, r)
		return
	}
	if pk, ok := matchDetail(path); ok {
		e.serveDetail(w, r, pk, b)
		return
	}
	writeDetail(w, http.StatusNotFound, "Not found.")
}

func (e *Emulator) serveList(w http.ResponseWriter, r *http.Request) {
	if !e.admit(w, r, allowList) {
		return
	}
	if r.Method != http.MethodGet {
		writeMethodNotAllowed(w, r)
		return
	}
	e.list(w, r)
}

func (e *Emulator) serveCollection(w http.ResponseWriter, r *http.Request, b body) {
	if !e.admit(w, r, allowCollection) {
		return
	}
	if r.Method != http.MethodPost {
		writeMethodNotAllowed(w, r)
		return
	}
	e.create(w, r, b)
}

func (e *Emulator) serveDetail(w http.ResponseWriter, r *http.Request, pk string, b body) {
	if !e.admit(w, r, allowDetail) {
		return
	}
	switch r.Method {
	case http.MethodGet:
		e.retrieve(w, pk)
	case http.MethodPatch:
		e.update(w, r, pk, b)
	case http.MethodDelete:
		e.destroy(w, pk)
	default:
		writeMethodNotAllowed(w, r)
	}
}

// admit sets the Allow header DRF puts on every answer of a view and
// authenticates r, answering 401 itself when that fails.
func (e *Emulator) admit(w http.ResponseWriter, r *http.Request, allow string) bool {
	w.Header().Set("Allow", allow)
	if detail := e.creds.authenticate(r.Header); detail != "" {
		writeDetail(w, http.StatusUnauthorized, detail)
		return false
	}
	return true
}

func writeMethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	writeDetail(w, http.StatusMethodNotAllowed, `Method "`+r.Method+`" not allowed.`)
}
