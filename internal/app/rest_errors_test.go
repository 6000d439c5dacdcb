package app

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
)

// restError parses a REST error body as google.rpc.Status and checks it as
// assertStatus does a gRPC one.
func restError(t *testing.T, body []byte, code codes.Code, reason string) *status.Status {
	t.Helper()
	var sp spb.Status
	if err := protojson.Unmarshal(body, &sp); err != nil {
		t.Fatalf("error body %q is not a google.rpc.Status: %v", body, err)
	}
	return assertStatus(t, status.FromProto(&sp).Err(), code, reason)
}

// TestRESTRejected: requests the facade refuses never reach Pigello.
func TestRESTRejected(t *testing.T) {
	env := setup(t)
	d := env.demo()
	tests := []struct {
		name, method, path, body string
		fields                   []string
	}{
		{"read-only path in an explicit mask", "PATCH", workEngagementsPath(d.full) + "?update_mask=created_at", `{"name": "x"}`, []string{"update_mask"}},
		{"unknown body key", "PATCH", workEngagementsPath(d.full), `{"name": "x", "nope": 1}`, nil},
		{"body not JSON", "PATCH", workEngagementsPath(d.full), `name=x`, nil},
		{"empty object", "PATCH", workEngagementsPath(d.full), `{}`, []string{"update_mask"}},
		{"only read-only keys", "PATCH", workEngagementsPath(d.full), `{"tags": [], "created_at": "2024-01-01T00:00:00Z"}`, []string{"update_mask"}},
		{"name cleared", "PATCH", workEngagementsPath(d.full), `{"name": ""}`, []string{"work_engagement.name"}},
		{"bad colour", "PATCH", workEngagementsPath(d.full), `{"color_code": "#fff"}`, []string{"work_engagement.color_code"}},
		{"bad id on GET", "GET", workEngagementsPath("abc"), "", []string{"id"}},
		{"bad id on PATCH", "PATCH", workEngagementsPath("abc"), `{"name": "x"}`, []string{"work_engagement.id"}},
		{"bad id on DELETE", "DELETE", workEngagementsPath("abc"), "", []string{"id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.emu.ResetRequests()
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			code, resp := env.send(t, tt.method, tt.path, body)
			if code != http.StatusBadRequest {
				t.Errorf("%s returned %d %s, want 400", tt.method, code, resp)
			}
			st := restError(t, resp, codes.InvalidArgument, "INVALID_REQUEST")
			if tt.fields != nil {
				if diff := cmp.Diff(tt.fields, badRequestFields(st)); diff != "" {
					t.Errorf("BadRequest fields mismatch (-want +got):\n%s", diff)
				}
			}
			env.assertNoUpstream(t)
		})
	}
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
// is announced, and is not forwarded.
func TestRESTBodyTooLarge(t *testing.T) {
	env := setup(t)
	big := `{"name": "` + strings.Repeat("x", 1<<20) + `"}`
	tests := []struct {
		name string
		body io.Reader
	}{
		{"with Content-Length", strings.NewReader(big)},
		{"chunked", io.MultiReader(strings.NewReader(big))}, // unknown length
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.emu.ResetRequests()
			code, resp := env.send(t, "PATCH", workEngagementsPath(env.demo().full), tt.body)
			if code != http.StatusRequestEntityTooLarge {
				t.Errorf("PATCH returned %d, want 413", code)
			}
			restError(t, resp, codes.InvalidArgument, "")
			env.assertNoUpstream(t)
		})
	}
}

// TestRESTUpstreamErrors: errors reach REST callers as google.rpc.Status
// JSON under the HTTP status grpc-gateway gives their code.
func TestRESTUpstreamErrors(t *testing.T) {
	tests := []struct {
		reply  reply
		status int
		code   codes.Code
	}{
		{reply{status: 400, body: `{"name": ["x"]}`}, 400, codes.InvalidArgument},
		{reply{status: 401}, 500, codes.Internal},
		{reply{status: 403}, 403, codes.PermissionDenied},
		{reply{status: 404}, 404, codes.NotFound},
		{reply{status: 409}, 409, codes.Aborted},
		{reply{status: 412}, 400, codes.FailedPrecondition},
		{reply{status: 429, header: map[string]string{"Retry-After": "7"}}, 429, codes.ResourceExhausted},
		{reply{status: 500}, 500, codes.Internal},
		{reply{status: 501}, 501, codes.Unimplemented},
		{reply{status: 502, body: htmlBody}, 503, codes.Unavailable},
		{reply{status: 503}, 503, codes.Unavailable},
		{reply{status: 504}, 504, codes.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.reply.status), func(t *testing.T) {
			env := startScripted(t, tt.reply.serve)
			code, body := env.send(t, "GET", workEngagementsPath(missingID), nil)
			if code != tt.status {
				t.Errorf("GET returned %d, want %d", code, tt.status)
			}
			st := restError(t, body, tt.code, "")
			assertUpstreamStatus(t, st, strconv.Itoa(tt.reply.status))
			if tt.code == codes.ResourceExhausted && retryInfo(st).GetRetryDelay().GetSeconds() != 7 {
				t.Errorf("RetryInfo = %v, want 7s", retryInfo(st))
			}
		})
	}
}
