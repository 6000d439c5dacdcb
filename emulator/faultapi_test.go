package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pigello-facade/pigello-facade/emulator"
)

// noCreds strips every header: the /_emulator/ endpoints need none.
func noCreds(r *http.Request) { r.Header = http.Header{} }

func TestFaultsEndpoint(t *testing.T) {
	f := setup(t, emulator.Config{})
	second := f.emu.DemoIDs()[1]
	const path = "/_emulator/faults"

	f.call(t, "GET", path, "", noCreds).check(t, 200, `[]`)
	added := f.call(t, "POST", path, `{"match": {"method": "get", "id": "`+second+`"},
		"faults": [{"status": 503, "retry_after": "1"}, {"latency": "1.5ms", "body": "{}"}, {}]}`, noCreds)
	queued := `[{"match": {"method": "GET", "id": "` + second + `"}, "repeat": false,
		"faults": [{"status": 503, "retry_after": "1"}, {"latency": "1.5ms", "body": "{}"}, {}]}]`
	added.check(t, 200, queued)
	f.call(t, "GET", path, "", noCreds).check(t, 200, queued)

	repeat := `{"match": {"method": "", "id": ""}, "repeat": true, "faults": [{"reset": true, "oversized": 2097152}]}`
	f.call(t, "POST", path, `{"faults": [{"reset": true, "oversized": 2097152}], "repeat": true}`, noCreds).
		check(t, 200, `[`+queued[1:len(queued)-1]+`, `+repeat+`]`)

	// A request consumes the first queued fault; the listing shows the rest.
	resp := f.call(t, "GET", detailPath(second), "")
	resp.check(t, 503, `{"detail": "Service Unavailable."}`)
	if got := resp.header.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After = %q, want %q", got, "1")
	}
	f.call(t, "GET", path, "", noCreds).check(t, 200, `[{"match": {"method": "GET", "id": "`+second+`"}, "repeat": false,
		"faults": [{"latency": "1.5ms", "body": "{}"}, {}]}, `+repeat+`]`)

	if del := f.call(t, "DELETE", path, "", noCreds); del.status != 204 {
		t.Errorf("DELETE = %d, want 204", del.status)
	}
	f.call(t, "GET", path, "", noCreds).check(t, 200, `[]`)
	if resp := f.call(t, "GET", detailPath(second), ""); resp.status != 200 {
		t.Errorf("GET after DELETE = %d, want the normal 200", resp.status)
	}
	put := f.call(t, "PUT", path, "", noCreds)
	put.check(t, 405, `{"detail": "Method \"PUT\" not allowed."}`)
	if got := put.header.Get("Allow"); got != "GET, POST, DELETE" {
		t.Errorf("Allow = %q, want %q", got, "GET, POST, DELETE")
	}
	if n := len(f.emu.Requests()); n != 2 {
		t.Errorf("Requests() has %d requests, want only the 2 to Pigello paths", n)
	}
}

func TestFaultsEndpointRejects(t *testing.T) {
	tests := []struct {
		name, body, detail string
	}{
		{"not JSON", `{`, "JSON parse error - unexpected EOF after offset 1"},
		{"empty", ``, "JSON parse error - unexpected EOF"},
		{"unknown key", `{"faults": [{"stauts": 503}]}`, `JSON parse error - /faults/0/stauts: unknown key`},
		{"unknown match key", `{"match": {"path": "/x/"}, "faults": [{}]}`, `JSON parse error - /match/path: unknown key`},
		{"key in another case", `{"Faults": [{}]}`, `JSON parse error - /Faults: unknown key`},
		{"fault key in another case", `{"faults": [{"STATUS": 503}]}`, `JSON parse error - /faults/0/STATUS: unknown key`},
		{"repeated key", `{"faults": [{"status": 503}], "faults": [{}]}`, `JSON parse error - /faults: duplicate key`},
		{"repeated fault key", `{"faults": [{"status": 503, "status": 500}]}`, `JSON parse error - /faults/0/status: duplicate key`},
		{"trailing data", `{"faults": [{}]} {}`, "JSON parse error - invalid character '{' after top-level value after offset 17"},
		{"latency as a number", `{"faults": [{"latency": 5}]}`, `JSON parse error - /faults/0/latency: expected a duration string such as "250ms"`},
		{"latency unparsable", `{"faults": [{"latency": "soon"}]}`, `JSON parse error - /faults/0/latency: expected a duration string such as "250ms"`},
		{"wrong type", `{"faults": [{"status": "503"}]}`, "JSON parse error - /faults/0/status: expected a whole number"},
		{"not an object", `[{}]`, "JSON parse error - /: expected an object"},
		{"faults not a list", `{"faults": {}}`, "JSON parse error - /faults: expected an array"},
		{"no faults", `{"match": {"method": "GET"}}`, "faults: at least one fault is needed"},
		{"null", `null`, "faults: at least one fault is needed"},
		{"repeat of two", `{"faults": [{}, {}], "repeat": true}`, "faults: a repeating script has exactly one fault"},
		{"invalid fault", `{"faults": [{}, {"status": 99}]}`, "fault 1: status 99 is not between 200 and 599"},
		{"bad id", `{"match": {"id": "42"}, "faults": [{}]}`, `match: id "42" is not a UUID`},
		{"unknown method", `{"match": {"method": "GTE"}, "faults": [{}]}`, `match: method "GTE" is not one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t, emulator.Config{})
			f.call(t, "POST", "/_emulator/faults", tt.body, noCreds).check(t, 400, `{"detail": `+jsonString(tt.detail)+`}`)
			f.call(t, "GET", "/_emulator/faults", "", noCreds).check(t, 200, `[]`)
		})
	}
}

// serve_then_close is scripted over HTTP like any fault: a client not
// written in Go can make Pigello apply a write and lose its answer.
func TestFaultsEndpointServeThenClose(t *testing.T) {
	f := setup(t, emulator.Config{})
	f.call(t, "POST", "/_emulator/faults", `{"match": {"method": "PATCH"}, "faults": [{"serve_then_close": true}]}`, noCreds).
		check(t, 200, `[{"match": {"method": "PATCH", "id": ""}, "repeat": false, "faults": [{"serve_then_close": true}]}]`)
	if resp, err := f.send(freshClient(t), "PATCH", firstDemo(f), `{"name": "Applied, unheard"}`); err == nil {
		resp.Body.Close()
		t.Errorf("PATCH answered %d, want the connection dropped", resp.StatusCode)
	}
	if got := f.call(t, "GET", firstDemo(f), "").object(t)["name"]; got != "Applied, unheard" {
		t.Errorf("name = %v, want the PATCH applied", got)
	}
}

// Every path under /_emulator/ is the emulator's own: a method a route does
// not serve is 405 with its Allow header, a path no route has is 404, and
// neither is recorded or uses up a scripted fault.
func TestControlEndpointsRefuse(t *testing.T) {
	tests := []struct {
		method, path string
		status       int
		allow        string
	}{
		{"PUT", "/_emulator/faults", 405, "GET, POST, DELETE"},
		{"PATCH", "/_emulator/faults", 405, "GET, POST, DELETE"},
		{"OPTIONS", "/_emulator/faults", 405, "GET, POST, DELETE"},
		{"POST", "/_emulator/requests", 405, "GET, DELETE"},
		{"PUT", "/_emulator/requests", 405, "GET, DELETE"},
		{"POST", "/_emulator/faults/", 404, ""},
		{"GET", "/_emulator/", 404, ""},
		{"GET", "/_emulator/request", 404, ""},
		{"GET", "/_emulator/requests/", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			f := setup(t, emulator.Config{})
			f.emu.Script(emulator.Match{}, emulator.Fault{Status: 503})
			resp := f.call(t, tt.method, tt.path, `{"faults": [{}]}`, noCreds)
			want := `{"detail": "Not found."}`
			if tt.status == 405 {
				want = `{"detail": "Method \"` + tt.method + `\" not allowed."}`
			}
			resp.check(t, tt.status, want)
			if got := resp.header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
			if n := len(f.emu.Requests()); n != 0 {
				t.Errorf("Requests() has %d requests, want none recorded", n)
			}
			if n := f.emu.Count(emulator.Match{}); n != 0 {
				t.Errorf("Count() = %d, want 0", n)
			}
			f.call(t, "GET", firstDemo(f), "").check(t, 503, `{"detail": "Service Unavailable."}`)
		})
	}
}

// ControlEndpoints lists exactly what is served: each listed method answers
// something other than 405, and the POST text names every fault key.
func TestControlEndpoints(t *testing.T) {
	f := setup(t, emulator.Config{})
	var got []string
	for _, ep := range emulator.ControlEndpoints() {
		got = append(got, ep.Method+" "+ep.Path)
		body := ""
		if ep.Method == "POST" {
			body = `{"faults": [{}]}`
		}
		if resp := f.call(t, ep.Method, ep.Path, body, noCreds); resp.status >= 400 {
			t.Errorf("%s %s = %d (%s), want it served", ep.Method, ep.Path, resp.status, resp.body)
		}
		if ep.Doc == "" {
			t.Errorf("%s %s has no description", ep.Method, ep.Path)
		}
		if ep.Method == "POST" {
			for _, key := range []string{"latency", "status", "body", "retry_after", "reset", "hang", "malformed", "oversized", "close"} {
				if !strings.Contains(ep.Doc, key) {
					t.Errorf("POST %s description %q does not name the fault key %q", ep.Path, ep.Doc, key)
				}
			}
		}
	}
	want := []string{
		"GET /_emulator/requests", "DELETE /_emulator/requests",
		"GET /_emulator/faults", "POST /_emulator/faults", "DELETE /_emulator/faults",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ControlEndpoints() mismatch (-want +got):\n%s", diff)
	}
}
