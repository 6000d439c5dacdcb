package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// reply is a scripted Pigello answer.
type reply struct {
	status int
	header map[string]string
	body   string
}

func (r reply) serve(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	for k, v := range r.header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(r.status)
	_, _ = w.Write([]byte(r.body))
}

const htmlBody = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"

// getCall is the RPC of the deadline and cancellation tests.
func getCall(ctx context.Context, env *testEnv) error {
	_, err := env.client.GetWorkEngagement(ctx, &accountsv1.GetWorkEngagementRequest{Id: missingID})
	return err
}

// getMissing and updateMissing are the calls a row of TestUpstreamErrors
// makes, over either protocol.
func getMissing(ctx context.Context, tr transport) answer {
	return tr.Get(ctx, &accountsv1.GetWorkEngagementRequest{Id: missingID})
}

func updateMissing(ctx context.Context, tr transport) answer {
	return tr.Update(ctx, &accountsv1.UpdateWorkEngagementRequest{
		WorkEngagement: &accountsv1.WorkEngagement{Id: missingID, Name: "n", Organization: &accountsv1.Organization{Id: missingID}},
	})
}

// TestUpstreamErrors is the error table of server/errors.go, met through a
// scripted Pigello, over gRPC and REST: the same status, ErrorInfo,
// BadRequest and RetryInfo on both, and over REST the HTTP status the code
// maps to and Retry-After.
func TestUpstreamErrors(t *testing.T) {
	big := `{"id":"` + missingID + `","name":"` + strings.Repeat("x", 1<<20) + `"}`
	tests := []struct {
		name  string
		reply reply
		call  func(context.Context, transport) answer
		want  wantError
	}{
		{name: "400 DRF field errors on Update", call: updateMissing,
			reply: reply{status: 400, body: `{"name": ["x"], "organization": {"id": ["y"]}}`},
			want: wantError{code: codes.InvalidArgument, http: 400, reason: "PIGELLO_BAD_REQUEST", upstream: "400",
				fields: []string{"work_engagement.name", "work_engagement.organization.id"}}},
		{name: "400 DRF field errors on Create", call: createNew,
			reply: reply{status: 400, body: `{"name": ["x"], "organization": {"id": ["y"]}}`},
			want: wantError{code: codes.InvalidArgument, http: 400, reason: "PIGELLO_BAD_REQUEST", upstream: "400",
				fields: []string{"work_engagement.name", "work_engagement.organization.id"}}},
		{name: "400 DRF field errors on Get", reply: reply{status: 400, body: `{"name": ["x"]}`},
			want: wantError{code: codes.InvalidArgument, http: 400, reason: "PIGELLO_BAD_REQUEST", upstream: "400", fields: []string{"name"}}},
		{name: "401", reply: reply{status: 401, body: `{"detail": "Incorrect authentication credentials."}`},
			want: wantError{code: codes.Internal, http: 500, reason: "PIGELLO_UNAUTHENTICATED", upstream: "401"}},
		{name: "403", reply: reply{status: 403, body: `{"detail": "You do not have permission to perform this action."}`},
			want: wantError{code: codes.PermissionDenied, http: 403, reason: "PIGELLO_PERMISSION_DENIED", upstream: "403"}},
		{name: "404", reply: reply{status: 404, body: `{"detail": "Not found."}`},
			want: wantError{code: codes.NotFound, http: 404, reason: "PIGELLO_NOT_FOUND", upstream: "404"}},
		{name: "409", reply: reply{status: 409, body: `{"detail": "Conflict."}`},
			want: wantError{code: codes.Aborted, http: 409, reason: "PIGELLO_CONFLICT", upstream: "409"}},
		{name: "412", reply: reply{status: 412, body: `{"detail": "Precondition failed."}`},
			want: wantError{code: codes.FailedPrecondition, http: 400, reason: "PIGELLO_PRECONDITION_FAILED", upstream: "412"}},
		{name: "429 with Retry-After", reply: reply{status: 429, header: map[string]string{"Retry-After": "7"}, body: `{"detail": "Request was throttled."}`},
			want: wantError{code: codes.ResourceExhausted, http: 429, reason: "PIGELLO_RATE_LIMITED", upstream: "429", retry: 7 * time.Second}},
		{name: "500", reply: reply{status: 500, body: `{"detail": "A server error occurred."}`},
			want: wantError{code: codes.Internal, http: 500, reason: "PIGELLO_INTERNAL_ERROR", upstream: "500"}},
		{name: "501", reply: reply{status: 501},
			want: wantError{code: codes.Unimplemented, http: 501, reason: "PIGELLO_NOT_IMPLEMENTED", upstream: "501"}},
		{name: "502", reply: reply{status: 502},
			want: wantError{code: codes.Unavailable, http: 503, reason: "PIGELLO_UNAVAILABLE", upstream: "502"}},
		{name: "502 with an HTML body", reply: reply{status: 502, header: map[string]string{"Content-Type": "text/html"}, body: htmlBody},
			want: wantError{code: codes.Unavailable, http: 503, reason: "PIGELLO_UNAVAILABLE", upstream: "502"}},
		{name: "502 with an HTML body labelled JSON", reply: reply{status: 502, body: htmlBody},
			want: wantError{code: codes.Unavailable, http: 503, reason: "PIGELLO_UNAVAILABLE", upstream: "502"}},
		{name: "503", reply: reply{status: 503},
			want: wantError{code: codes.Unavailable, http: 503, reason: "PIGELLO_UNAVAILABLE", upstream: "503"}},
		{name: "503 with Retry-After", reply: reply{status: 503, header: map[string]string{"Retry-After": "120"}},
			want: wantError{code: codes.Unavailable, http: 503, reason: "PIGELLO_UNAVAILABLE", upstream: "503", retry: 120 * time.Second}},
		{name: "504", reply: reply{status: 504},
			want: wantError{code: codes.DeadlineExceeded, http: 504, reason: "PIGELLO_TIMEOUT", upstream: "504"}},
		{name: "unexpected 418", reply: reply{status: 418},
			want: wantError{code: codes.Unknown, http: 500, reason: "PIGELLO_UNEXPECTED_STATUS", upstream: "418"}},
		{name: "200 with a non-JSON body", reply: reply{status: 200, header: map[string]string{"Content-Type": "text/html"}, body: htmlBody},
			want: wantError{code: codes.Internal, http: 500, reason: "PIGELLO_MALFORMED_RESPONSE", upstream: "200"}},
		{name: "200 with a body over 1 MiB", reply: reply{status: 200, body: big},
			want: wantError{code: codes.Internal, http: 500, reason: "PIGELLO_RESPONSE_TOO_LARGE", upstream: "200"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := startScripted(t, tt.reply.serve)
			call := tt.call
			if call == nil {
				call = getMissing
			}
			for _, tr := range env.transports() {
				t.Run(tr.name, func(t *testing.T) {
					st := call(callCtx(t), tr).assertError(t, tt.want)
					if msg := strings.ToLower(st.Message()); strings.Contains(msg, "credential") || strings.Contains(msg, "<html") {
						t.Errorf("message %q passes on Pigello's credential or HTML text", st.Message())
					}
				})
			}
		})
	}
}

// TestUpstreamUnreachable: a Pigello that refuses connections is UNAVAILABLE.
func TestUpstreamUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	env := startFacade(t, url, testCreds)
	for _, tr := range env.transports() {
		t.Run(tr.name, func(t *testing.T) {
			st := getMissing(callCtx(t), tr).assertError(t, wantError{code: codes.Unavailable, http: 503, reason: "PIGELLO_UNREACHABLE"})
			if strings.Contains(st.Message(), strings.TrimPrefix(url, "http://")) {
				t.Errorf("message %q reveals Pigello's address", st.Message())
			}
		})
	}
}

// hang answers only when the request is abandoned (or after 10s), telling
// started when it has the request and abandoned when its context ends.
func hang(started, abandoned chan<- struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		notify(started)
		select {
		case <-r.Context().Done():
			notify(abandoned)
		case <-time.After(10 * time.Second):
		}
	}
}

func notify(c chan<- struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// TestUpstreamTooSlow: the caller's deadline bounds the request to Pigello.
// The client sees its own deadline first or at the same moment; the server
// may learn of it as the client's cancellation, and logs DeadlineExceeded
// all the same (TestEndedCallsRecordTheCallersCode checks metrics and spans).
func TestUpstreamTooSlow(t *testing.T) {
	abandoned := make(chan struct{}, 1)
	env := startScripted(t, hang(nil, abandoned))
	c, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	err := getCall(c, env)
	assertClientCode(t, err, codes.DeadlineExceeded)
	select {
	case <-abandoned:
	case <-time.After(10 * time.Second):
		t.Error("the request to Pigello was not abandoned when the deadline passed")
	}
	if rec := env.waitForLog(t, "GetWorkEngagement"); rec["code"] != "DeadlineExceeded" {
		t.Errorf("logged code = %v, want DeadlineExceeded (%v)", rec["code"], rec)
	}
}

// TestCallerCancels: a call the caller abandons ends as CANCELED, and the
// request to Pigello is abandoned with it.
func TestCallerCancels(t *testing.T) {
	started, abandoned := make(chan struct{}, 1), make(chan struct{}, 1)
	env := startScripted(t, hang(started, abandoned))
	c, cancel := context.WithCancel(t.Context())
	go func() {
		<-started
		cancel()
	}()
	assertClientCode(t, getCall(c, env), codes.Canceled)
	select {
	case <-abandoned:
	case <-time.After(10 * time.Second):
		t.Error("the request to Pigello was not abandoned when the caller canceled")
	}
	if rec := env.waitForLog(t, "GetWorkEngagement"); rec["code"] != "Canceled" {
		t.Errorf("logged code = %v, want Canceled (%v)", rec["code"], rec)
	}
}

// assertClientCode checks the code only: a status the client made itself
// for its own deadline or cancellation carries no details.
func assertClientCode(t *testing.T, err error, code codes.Code) {
	t.Helper()
	if st := status.Convert(err); st.Code() != code {
		t.Errorf("code = %v (%q), want %v", st.Code(), st.Message(), code)
	} else if len(st.Details()) > 0 {
		assertStatus(t, err, code, "")
	}
}
