package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pigello-facade/pigello-facade/emulator"
)

func TestBodyParsing(t *testing.T) {
	tests := []struct {
		name        string
		method      string
		body        string
		contentType string // "-" sends none
		status      int
		want        string
	}{
		{name: "text/plain", method: "PATCH", body: `{"name": "x"}`, contentType: "text/plain", status: 415, want: `{"detail": "Unsupported media type \"text/plain\" in request."}`},
		{name: "parameters quoted whole", method: "PATCH", body: `{"name": "x"}`, contentType: "text/plain; charset=utf-8", status: 415, want: `{"detail": "Unsupported media type \"text/plain; charset=utf-8\" in request."}`},
		{name: "form", method: "POST", body: `name=x`, contentType: "application/x-www-form-urlencoded", status: 415, want: `{"detail": "Unsupported media type \"application/x-www-form-urlencoded\" in request."}`},
		{name: "no content type", method: "PATCH", body: `{"name": "x"}`, contentType: "-", status: 415, want: `{"detail": "Unsupported media type \"\" in request."}`},
		{name: "json with charset", method: "PATCH", body: `{"name": "x"}`, contentType: "application/json; charset=utf-8", status: 200},
		{name: "json in capitals", method: "PATCH", body: `{"name": "x"}`, contentType: "Application/JSON", status: 200},
		{name: "empty body is an empty object", method: "PATCH", contentType: "-", status: 200},
		{name: "empty body on create", method: "POST", contentType: "-", status: 400, want: `{"name": ["This field is required."]}`},
		{name: "list", method: "PATCH", body: `[{"name": "x"}]`, status: 400, want: `{"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}`},
		{name: "string", method: "PATCH", body: `"x"`, status: 400, want: `{"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}`},
		{name: "int", method: "POST", body: `12`, status: 400, want: `{"non_field_errors": ["Invalid data. Expected a dictionary, but got int."]}`},
		{name: "float", method: "PATCH", body: `1.5`, status: 400, want: `{"non_field_errors": ["Invalid data. Expected a dictionary, but got float."]}`},
		{name: "bool", method: "PATCH", body: ` true `, status: 400, want: `{"non_field_errors": ["Invalid data. Expected a dictionary, but got bool."]}`},
		{name: "null", method: "PATCH", body: `null`, status: 400, want: `{"non_field_errors": ["This field may not be null."]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t, emulator.Config{})
			path := collection
			if tt.method == "PATCH" {
				path = firstDemo(f)
			}
			resp := f.call(t, tt.method, path, tt.body, contentType(tt.contentType))
			if tt.want == "" {
				if resp.status != tt.status {
					t.Errorf("status = %d, want %d (body %s)", resp.status, tt.status, resp.body)
				}
				return
			}
			resp.check(t, tt.status, tt.want)
		})
	}
}

func TestMalformedJSON(t *testing.T) {
	bodies := []string{`{`, `{"name": }`, `{"name": "x"} {}`, `{'name': 'x'}`, `{"name": NaN}`, "{\"name\": \"\xff\"}", "\xef\xbb\xbf{}"}
	for _, body := range bodies {
		t.Run(body, func(t *testing.T) {
			f := setup(t, emulator.Config{})
			resp := f.call(t, "PATCH", firstDemo(f), body)
			if resp.status != 400 {
				t.Errorf("status = %d, want 400", resp.status)
			}
			detail, _ := resp.object(t)["detail"].(string)
			if !strings.HasPrefix(detail, "JSON parse error - ") || len(detail) == len("JSON parse error - ") {
				t.Errorf(`detail = %q, want "JSON parse error - <reason>"`, detail)
			}
		})
	}
}

func TestBodyTooLarge(t *testing.T) {
	f := setup(t, emulator.Config{})
	body := `{"name": "` + strings.Repeat("x", 1<<20) + `"}`
	resp := f.call(t, "PATCH", firstDemo(f), body)
	resp.check(t, 413, `{"detail": "Request body too large: the emulator accepts at most 1 MiB."}`)

	reqs := f.emu.Requests()
	if got := len(reqs[len(reqs)-1].Body); got != 1<<20 {
		t.Errorf("recorded body is %d bytes, want 1 MiB", got)
	}
}

// A 404 for an unknown record comes before the body is looked at, as in
// DRF, where get_object runs before request.data is parsed.
func TestUnknownRecordBeforeBody(t *testing.T) {
	f := setup(t, emulator.Config{})
	resp := f.call(t, "PATCH", unknownRecord(f), "oops", contentType("text/plain"))
	resp.check(t, 404, notFound)
}

func contentType(ct string) func(r *http.Request) {
	return func(r *http.Request) {
		switch ct {
		case "":
		case "-":
			r.Header.Del("Content-Type")
		default:
			r.Header.Set("Content-Type", ct)
		}
	}
}
