package emulator_test

import (
	"net/http"
	"testing"

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
		{"not JSON", `{`, "JSON parse error - unexpected EOF"},
		{"unknown key", `{"faults": [{"stauts": 503}]}`, `JSON parse error - json: unknown field "stauts"`},
		{"trailing data", `{"faults": [{}]} {}`, "JSON parse error - data after the object"},
		{"latency as a number", `{"faults": [{"latency": 5}]}`, `JSON parse error - latency must be a duration string such as "250ms"`},
		{"latency unparsable", `{"faults": [{"latency": "soon"}]}`, `JSON parse error - latency: time: invalid duration "soon"`},
		{"wrong type", `{"faults": [{"status": "503"}]}`, "JSON parse error - json: cannot unmarshal string into Go struct field faultJSON.faults.status of type int"},
		{"no faults", `{"match": {"method": "GET"}}`, "faults: at least one fault is needed"},
		{"null", `null`, "faults: at least one fault is needed"},
		{"repeat of two", `{"faults": [{}, {}], "repeat": true}`, "faults: a repeating script has exactly one fault"},
		{"invalid fault", `{"faults": [{}, {"status": 99}]}`, "fault 1: status 99 is not between 200 and 599"},
		{"bad id", `{"match": {"id": "42"}, "faults": [{}]}`, `match: id "42" is not a UUID`},
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
