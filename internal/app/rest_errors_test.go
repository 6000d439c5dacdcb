package app

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// restError parses a REST error body as google.rpc.Status and checks it as
// assertStatus does a gRPC one.
func restError(t *testing.T, body []byte, code codes.Code, reason string) *status.Status {
	t.Helper()
	return assertStatus(t, statusFromJSON(0, body), code, reason)
}

// parserInternals are what a message must not hold: the words of
// protojson, strconv and encoding/json, and their positions.
var parserInternals = regexp.MustCompile(`proto:|strconv\.|\(line \d|line \d+:\d+|\bcolumn\b|syntax error|invalid character|unexpected EOF|looking for beginning`)

// TestRESTRejected: requests the facade refuses over REST, most of them
// with no gRPC form (a body that is not JSON, a query parameter that does
// not parse, a route that does not exist), get the status the RPCs' own
// refusals have: google.rpc.Status with an ErrorInfo and, for a field, a
// BadRequest naming it; never a parser's text. None reaches Pigello.
func TestRESTRejected(t *testing.T) {
	env := setup(t)
	d := env.demo()
	item := workEngagementsPath(d.full)
	const collection = "/v1/workEngagements"
	invalid := func(fields ...string) wantError {
		return wantError{code: codes.InvalidArgument, http: http.StatusBadRequest, reason: "INVALID_REQUEST", fields: fields}
	}
	unsupported := wantError{code: codes.InvalidArgument, http: http.StatusUnsupportedMediaType, reason: "INVALID_REQUEST"}
	notAllowed := wantError{code: codes.Unimplemented, http: http.StatusMethodNotAllowed, reason: "UNIMPLEMENTED"}
	notFound := wantError{code: codes.NotFound, http: http.StatusNotFound, reason: "NOT_FOUND"}
	tests := []struct {
		name, method, path, body string
		contentType              string // application/json when "" and there is a body
		want                     wantError
		allow                    string // the Allow header
	}{
		// The mask rules, met through REST bodies.
		{name: "read-only path in an explicit mask", method: "PATCH", path: item + "?update_mask=created_at", body: `{"name": "x"}`, want: invalid("update_mask")},
		{name: "empty object", method: "PATCH", path: item, body: `{}`, want: invalid("update_mask")},
		{name: "only read-only keys", method: "PATCH", path: item, body: `{"tags": [], "created_at": "2024-01-01T00:00:00Z"}`, want: invalid("update_mask")},
		{name: "name cleared", method: "PATCH", path: item, body: `{"name": ""}`, want: invalid("work_engagement.name")},
		{name: "bad colour", method: "PATCH", path: item, body: `{"color_code": "#fff"}`, want: invalid("work_engagement.color_code")},
		{name: "bad id on GET", method: "GET", path: workEngagementsPath("abc"), want: invalid("id")},
		{name: "bad id on PATCH", method: "PATCH", path: workEngagementsPath("abc"), body: `{"name": "x"}`, want: invalid("work_engagement.id")},
		{name: "bad id on DELETE", method: "DELETE", path: workEngagementsPath("abc"), want: invalid("id")},
		// Bodies the gateway cannot parse.
		{name: "body not JSON", method: "PATCH", path: item, body: `name=x`, want: invalid("work_engagement")},
		{name: "truncated JSON", method: "PATCH", path: item, body: `{"name": "x"`, want: invalid("work_engagement")},
		{name: "array body", method: "PATCH", path: item, body: `[]`, want: invalid("work_engagement")},
		{name: "unknown body key", method: "PATCH", path: item, body: `{"name": "x", "nope": 1}`, want: invalid("work_engagement.nope")},
		{name: "wrong type", method: "PATCH", path: item, body: `{"name": 5}`, want: invalid("work_engagement.name")},
		{name: "wrong type in a nested object", method: "PATCH", path: item, body: `{"organization": {"id": 5}}`, want: invalid("work_engagement.organization.id")},
		{name: "unknown nested key", method: "PATCH", path: item, body: `{"organization": {"uuid": "x"}}`, want: invalid("work_engagement.organization.uuid")},
		{name: "key given twice", method: "PATCH", path: item, body: `{"name": "a", "name": "b"}`, want: invalid("work_engagement.name")},
		{name: "read-only timestamp not a timestamp", method: "PATCH", path: item, body: `{"name": "x", "created_at": "yesterday"}`, want: invalid("work_engagement.created_at")},
		{name: "template item not an object", method: "PATCH", path: item, body: `{"template_notifications": [{}, 5]}`, want: invalid("work_engagement.template_notifications[1]")},
		{name: "several wrong types", method: "PATCH", path: item, body: `{"name": 5, "color_code": true}`, want: invalid("work_engagement.name", "work_engagement.color_code")},
		// Query parameters the gateway cannot parse.
		{name: "allow_missing not a bool", method: "DELETE", path: item + "?allow_missing=maybe", want: invalid("allow_missing")},
		{name: "allowMissing not a bool", method: "DELETE", path: item + "?allowMissing=maybe", want: invalid("allow_missing")},
		{name: "allow_missing twice", method: "DELETE", path: item + "?allow_missing=true&allow_missing=false", want: invalid("allow_missing")},
		{name: "update_mask twice", method: "PATCH", path: item + "?update_mask=name&update_mask=color_code", body: `{"name": "x"}`, want: invalid("update_mask")},
		{name: "update_mask not URL-encoded", method: "PATCH", path: item + "?update_mask=%zz", body: `{"name": "x"}`, want: invalid("update_mask")},
		{name: "query key not URL-encoded", method: "DELETE", path: item + "?%zz=1", want: invalid("")},
		// Bodies that are not JSON by their Content-Type.
		{name: "plain text", method: "PATCH", path: item, body: `name=x`, contentType: "text/plain", want: unsupported},
		{name: "a form", method: "PATCH", path: item, body: `name=x`, contentType: "application/x-www-form-urlencoded", want: unsupported},
		{name: "an unparsable Content-Type", method: "PATCH", path: item, body: `{"name": "x"}`, contentType: "application/", want: unsupported},
		{name: "JSON not in UTF-8", method: "PATCH", path: item, body: `{"name": "x"}`, contentType: "application/json; charset=latin1", want: unsupported},
		// Routes.
		{name: "POST", method: "POST", path: item, body: `{"name": "x"}`, want: notAllowed, allow: "GET, PATCH, DELETE"},
		{name: "PUT", method: "PUT", path: item, body: `{"name": "x"}`, want: notAllowed, allow: "GET, PATCH, DELETE"},
		{name: "POST of a form is not a GET", method: "POST", path: item, body: `name=x`, contentType: "application/x-www-form-urlencoded", want: notAllowed, allow: "GET, PATCH, DELETE"},
		{name: "unknown path", method: "GET", path: "/v1/nothing", want: notFound},
		{name: "PUT to the collection", method: "PUT", path: collection, body: `{"name": "x"}`, want: notAllowed, allow: "POST, GET"},
		// A create's body is read as an update's is.
		{name: "create: body not JSON", method: "POST", path: collection, body: `name=x`, want: invalid("work_engagement")},
		{name: "create: array body", method: "POST", path: collection, body: `[]`, want: invalid("work_engagement")},
		{name: "create: unknown body key", method: "POST", path: collection, body: `{"name": "x", "nope": 1}`, want: invalid("work_engagement.nope")},
		{name: "create: wrong type", method: "POST", path: collection, body: `{"name": 5}`, want: invalid("work_engagement.name")},
		{name: "create: unknown nested key", method: "POST", path: collection, body: `{"name": "x", "organization": {"uuid": "x"}}`, want: invalid("work_engagement.organization.uuid")},
		{name: "create: key given twice", method: "POST", path: collection, body: `{"name": "a", "name": "b"}`, want: invalid("work_engagement.name")},
		{name: "create: read-only timestamp not a timestamp", method: "POST", path: collection, body: `{"name": "x", "created_at": "yesterday"}`, want: invalid("work_engagement.created_at")},
		{name: "create: no name", method: "POST", path: collection, body: `{"color_code": "abc", "id": "junk"}`, want: invalid("work_engagement.name")},
		{name: "create: null name", method: "POST", path: collection, body: `{"name": null}`, want: invalid("work_engagement.name")},
		{name: "create: no body, so no name", method: "POST", path: collection, want: invalid("work_engagement.name")},
		{name: "create: plain text", method: "POST", path: collection, body: `{"name": "x"}`, contentType: "text/plain", want: unsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.emu.ResetRequests()
			a := env.raw(t, tt.method, tt.path, tt.contentType, tt.body)
			st := a.assertError(t, tt.want)
			if parserInternals.MatchString(st.Message()) {
				t.Errorf("message %q holds a parser's text", st.Message())
			}
			if got := a.header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
			if a.http == http.StatusUnsupportedMediaType && tt.method == "PATCH" && a.header.Get("Accept-Patch") != "application/json" {
				t.Errorf("a 415 to a PATCH with Accept-Patch %q, want application/json", a.header.Get("Accept-Patch"))
			}
			env.assertNoUpstream(t)
		})
	}
}

// TestRESTContentTypes: JSON bodies are read with or without a
// Content-Type, and with charset=utf-8.
func TestRESTContentTypes(t *testing.T) {
	env := setup(t)
	path := workEngagementsPath(env.demo().full)
	for _, contentType := range []string{"application/json", "application/json; charset=UTF-8", "none"} {
		t.Run(contentType, func(t *testing.T) {
			if a := env.raw(t, "PATCH", path, contentType, `{"color_code": "abc"}`); a.err != nil {
				t.Errorf("PATCH with Content-Type %s returned %d %v, want 200", contentType, a.http, a.err)
			}
		})
	}
}

// raw makes one REST request with the given Content-Type ("none" for no
// header; application/json when "" and body is not) and reads its answer.
func (e *testEnv) raw(t *testing.T, method, path, contentType, body string) answer {
	t.Helper()
	header := http.Header{}
	var b []byte
	if body != "" {
		b = []byte(body)
		header.Set("Content-Type", "application/json")
	}
	switch contentType {
	case "":
	case "none":
		header.Del("Content-Type")
	default:
		header.Set("Content-Type", contentType)
	}
	code, respHeader, respBody, err := roundTrip(callCtx(t), method, e.restURL+path, header, b)
	if err != nil {
		t.Fatal(err)
	}
	a := answer{http: code, header: respHeader}
	if code != http.StatusOK {
		a.err = statusFromJSON(code, respBody)
	}
	return a
}

// TestRESTHostileIDs: escaped ids are refused (by the router or by
// validation) and never reach Pigello.
func TestRESTHostileIDs(t *testing.T) {
	env := setup(t)
	id := env.demo().full
	for _, escaped := range []string{"..%2F..%2F" + id, id + "%2F..", "%2e%2e", id + "%3Fx=1", id + "%23x", id + "%0D%0AX-Evil:%201", "%EF%BC%93" + id[1:]} {
		t.Run(escaped, func(t *testing.T) {
			env.emu.ResetRequests()
			code, body := env.send(t, "GET", workEngagementsPath(escaped), nil)
			if code != http.StatusBadRequest && code != http.StatusNotFound {
				t.Errorf("GET returned %d %s, want 400 or 404", code, body)
			}
			want := map[int]codes.Code{http.StatusBadRequest: codes.InvalidArgument, http.StatusNotFound: codes.NotFound}[code]
			restError(t, body, want, "")
			env.assertNoUpstream(t)
		})
	}
}

// TestRESTBodyTooLarge: a body over 1 MiB is 413 whether or not its length
// is announced, to an update or a create, and is not forwarded.
func TestRESTBodyTooLarge(t *testing.T) {
	env := setup(t)
	big := `{"name": "` + strings.Repeat("x", 1<<20) + `"}`
	tests := []struct {
		name string
		body func() io.Reader
	}{
		{"with Content-Length", func() io.Reader { return strings.NewReader(big) }},
		{"chunked", func() io.Reader { return io.MultiReader(strings.NewReader(big)) }}, // unknown length
	}
	for _, tt := range tests {
		for _, write := range []struct{ method, path string }{
			{"PATCH", workEngagementsPath(env.demo().full)},
			{"POST", "/v1/workEngagements"},
		} {
			t.Run(tt.name+"/"+write.method, func(t *testing.T) {
				env.emu.ResetRequests()
				body := tt.body()
				code, resp := env.send(t, write.method, write.path, body)
				if code != http.StatusRequestEntityTooLarge {
					t.Errorf("%s returned %d, want 413", write.method, code)
				}
				restError(t, resp, codes.InvalidArgument, "")
				env.assertNoUpstream(t)
			})
		}
	}
}
