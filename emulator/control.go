package emulator

import (
	"net/http"
	"strings"
)

// controlPrefix starts every path the emulator serves for itself. No Pigello
// path starts so, and every path that does is the emulator's own: needing no
// credentials, never recorded, never faulted, and 404 when it is not one of
// controlRoutes (so a typo such as /_emulator/faults/ is not taken for a
// request to Pigello and does not use up a scripted fault).
const controlPrefix = "/_emulator/"

const (
	// inspectPath serves the recorded requests.
	inspectPath = controlPrefix + "requests"
	// faultsPath scripts faults over HTTP, for clients not written in Go.
	faultsPath = controlPrefix + "faults"
)

// controlMethod is one method of a control endpoint: what it does, for
// ControlEndpoints, and the handler that does it.
type controlMethod struct {
	method string
	doc    string
	serve  func(*Emulator, http.ResponseWriter, *http.Request)
}

// controlRoute is one control endpoint and the methods it serves.
type controlRoute struct {
	path    string
	methods []controlMethod
}

// controlRoutes are the emulator's own endpoints. ServeHTTP routes by this
// table and ControlEndpoints describes it, so what a help text lists is what
// is served.
func controlRoutes() []controlRoute {
	return []controlRoute{
		{inspectPath, []controlMethod{
			{http.MethodGet, "the requests received, oldest first, credential values redacted", (*Emulator).listRequests},
			{http.MethodDelete, "forget the requests received", (*Emulator).clearRequests},
		}},
		{faultsPath, []controlMethod{
			{http.MethodGet, "the scripted faults still pending, in the order they are consulted", (*Emulator).getFaults},
			{http.MethodPost, postFaultsDoc(), (*Emulator).postFaults},
			{http.MethodDelete, "clear every scripted fault", (*Emulator).deleteFaults},
		}},
	}
}

// ControlEndpoint is one method of one of the emulator's own HTTP endpoints
// under /_emulator/, which need no credentials and are never recorded.
type ControlEndpoint struct {
	Method string // GET, POST, DELETE
	Path   string // /_emulator/requests
	Doc    string // what it does, in one line
}

// ControlEndpoints lists the endpoints under /_emulator/ that the emulator
// serves, in a fixed order, for help texts.
func ControlEndpoints() []ControlEndpoint {
	var out []ControlEndpoint
	for _, route := range controlRoutes() {
		for _, m := range route.methods {
			out = append(out, ControlEndpoint{Method: m.method, Path: route.path, Doc: m.doc})
		}
	}
	return out
}

// serveControl serves a path under controlPrefix: 404 for a path no route
// has, 405 with Allow for a method its route does not serve.
func (e *Emulator) serveControl(w http.ResponseWriter, r *http.Request) {
	path := r.URL.EscapedPath()
	for _, route := range controlRoutes() {
		if route.path != path {
			continue
		}
		for _, m := range route.methods {
			if m.method == r.Method {
				m.serve(e, w, r)
				return
			}
		}
		w.Header().Set("Allow", route.allow())
		writeMethodNotAllowed(w, r)
		return
	}
	writeDetail(w, http.StatusNotFound, "Not found.")
}

// allow is the Allow header of the route: its methods, comma-separated.
func (route controlRoute) allow() string {
	names := make([]string, len(route.methods))
	for i, m := range route.methods {
		names[i] = m.method
	}
	return strings.Join(names, ", ")
}
