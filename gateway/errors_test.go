package gateway

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// retrying refuses every Get with RESOURCE_EXHAUSTED and, when delay is
// set, a RetryInfo of delay.
type retrying struct {
	accountsv1.UnimplementedWorkEngagementServiceServer
	delay time.Duration
}

func (s retrying) GetWorkEngagement(context.Context, *accountsv1.GetWorkEngagementRequest) (*accountsv1.WorkEngagement, error) {
	st, err := status.New(codes.ResourceExhausted, "slow down").WithDetails(&errdetails.ErrorInfo{Reason: "PIGELLO_RATE_LIMITED", Domain: "pigello.io"})
	if err != nil {
		return nil, err
	}
	if s.delay > 0 {
		if st, err = st.WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(s.delay)}); err != nil {
			return nil, err
		}
	}
	return nil, st.Err()
}

// TestRetryAfter: an error with RetryInfo carries Retry-After in whole
// seconds, rounded up so a client never comes back early.
func TestRetryAfter(t *testing.T) {
	tests := []struct {
		delay time.Duration
		want  string
	}{
		{0, ""},
		{time.Millisecond, "1"},
		{7 * time.Second, "7"},
		{1500 * time.Millisecond, "2"},
	}
	for _, tt := range tests {
		t.Run(tt.delay.String(), func(t *testing.T) {
			h, err := New(context.Background(), retrying{delay: tt.delay}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/v1/workEngagements/x", nil))
			if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != tt.want {
				t.Errorf("GET = %d with Retry-After %q, want 429 with %q", w.Code, w.Header().Get("Retry-After"), tt.want)
			}
		})
	}
}

// TestRoutesFromRules: the routes come from the proto's google.api.http
// rules, and a path's allowed methods are those of the rules that match it.
func TestRoutesFromRules(t *testing.T) {
	rs, err := serviceRoutes(accountsv1.WorkEngagementService_ServiceDesc.ServiceName)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rt := range rs.all {
		got = append(got, rt.method+" "+rt.template+" body="+rt.body)
	}
	want := []string{
		"POST /v1/workEngagements body=work_engagement",
		"GET /v1/workEngagements body=",
		"GET /v1/workEngagements/{id} body=",
		"PATCH /v1/workEngagements/{work_engagement.id} body=work_engagement",
		"DELETE /v1/workEngagements/{id} body=",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("routes mismatch (-want +got):\n%s", diff)
	}
	allowed := map[string][]string{
		"/v1/workEngagements/x":     {"GET", "PATCH", "DELETE"},
		"/v1/workEngagements/a%2Fb": {"GET", "PATCH", "DELETE"},
		"/v1/workEngagements":       {"POST", "GET"},
		"/v1/workEngagements/x/y":   nil,
	}
	for path, want := range allowed {
		u, err := url.Parse(path)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, rs.allowed(u)); diff != "" {
			t.Errorf("allowed(%s) mismatch (-want +got):\n%s", path, diff)
		}
	}
}

// TestBadTimeoutHeader: a Grpc-Timeout the gateway cannot read, refused
// before any parsing, keeps the gateway's own plain message.
func TestBadTimeoutHeader(t *testing.T) {
	srv := setup(t, nil)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/workEngagements/x", nil)
	req.Header.Set("Grpc-Timeout", "soon")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "invalid grpc-timeout") || !strings.Contains(string(b), `"reason":"INVALID_REQUEST"`) {
		t.Errorf("GET with Grpc-Timeout: soon = %d %s, want 400 saying the grpc-timeout is invalid", resp.StatusCode, b)
	}
}
