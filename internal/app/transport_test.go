package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
)

// transport makes the service's calls over one protocol, so one table of
// cases runs unchanged over gRPC and REST, as connect-go's tests run each
// case over each of its protocols. The outgoing metadata of a call's
// context travels as gRPC metadata or as HTTP headers.
type transport interface {
	Create(context.Context, *accountsv1.CreateWorkEngagementRequest) answer
	Get(context.Context, *accountsv1.GetWorkEngagementRequest) answer
	Update(context.Context, *accountsv1.UpdateWorkEngagementRequest) answer
	Delete(context.Context, *accountsv1.DeleteWorkEngagementRequest) answer
	List(context.Context, *accountsv1.ListWorkEngagementsRequest) listAnswer
}

// namedTransport is one of the facade's faces and its name in subtests.
type namedTransport struct {
	name string
	transport
}

// transports are the facade's two faces, by name.
func (e *testEnv) transports() []namedTransport {
	return []namedTransport{
		{"gRPC", grpcTransport{e.client}},
		{"REST", restTransport{e.restURL}},
	}
}

// answer is how one call ended, over either protocol.
type answer struct {
	err error // the call's status; nil on success
	// we is the work engagement a successful Create, Get or Update answered.
	we *accountsv1.WorkEngagement
	// http and header are the REST answer's status and headers (0 and nil
	// over gRPC).
	http   int
	header http.Header
}

type grpcTransport struct {
	client accountsv1.WorkEngagementServiceClient
}

func (g grpcTransport) Get(ctx context.Context, req *accountsv1.GetWorkEngagementRequest) answer {
	we, err := g.client.GetWorkEngagement(ctx, req)
	return answer{err: err, we: we}
}

func (g grpcTransport) Update(ctx context.Context, req *accountsv1.UpdateWorkEngagementRequest) answer {
	we, err := g.client.UpdateWorkEngagement(ctx, req)
	return answer{err: err, we: we}
}

func (g grpcTransport) Delete(ctx context.Context, req *accountsv1.DeleteWorkEngagementRequest) answer {
	_, err := g.client.DeleteWorkEngagement(ctx, req)
	return answer{err: err}
}

// restTransport makes each call as the REST request the contract's
// google.api.http rules give it.
type restTransport struct {
	baseURL string
}

func (r restTransport) Get(ctx context.Context, req *accountsv1.GetWorkEngagementRequest) answer {
	return r.do(ctx, http.MethodGet, itemURL(req.GetId(), nil), nil)
}

// Update sends the work engagement as protojson writes it: the populated
// fields, which is also the mask the REST gateway derives from a body.
func (r restTransport) Update(ctx context.Context, req *accountsv1.UpdateWorkEngagementRequest) answer {
	q := url.Values{}
	if paths := req.GetUpdateMask().GetPaths(); len(paths) > 0 {
		q.Set("update_mask", strings.Join(paths, ","))
	}
	body, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(req.GetWorkEngagement())
	if err != nil {
		return answer{err: err}
	}
	return r.do(ctx, http.MethodPatch, itemURL(req.GetWorkEngagement().GetId(), q), body)
}

func (r restTransport) Delete(ctx context.Context, req *accountsv1.DeleteWorkEngagementRequest) answer {
	q := url.Values{}
	if req.GetAllowMissing() {
		q.Set("allow_missing", "true")
	}
	return r.do(ctx, http.MethodDelete, itemURL(req.GetId(), q), nil)
}

func itemURL(id string, q url.Values) string {
	path := workEngagementsPath(url.PathEscape(id))
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return path
}

// do makes one REST call and reads a 200's body as the work engagement a
// Create, Get or Update answers (a Delete's is not read).
func (r restTransport) do(ctx context.Context, method, path string, body []byte) answer {
	a, respBody := r.exchange(ctx, method, path, body)
	if a.err == nil && method != http.MethodDelete {
		// The REST form's nulls read as unset fields.
		a.we = new(accountsv1.WorkEngagement)
		if err := protojson.Unmarshal(respBody, a.we); err != nil {
			a.err = fmt.Errorf("REST answered 200 with %q, not a work engagement: %v", respBody, err)
		}
	}
	return a
}

// exchange makes one REST call, the outgoing metadata of ctx sent as
// headers, and returns how it ended with, on a 200, the body to read.
func (r restTransport) exchange(ctx context.Context, method, path string, body []byte) (answer, []byte) {
	header := http.Header{}
	md, _ := metadata.FromOutgoingContext(ctx)
	for k, vs := range md {
		for _, v := range vs {
			header.Add(k, v)
		}
	}
	if body != nil {
		header.Set("Content-Type", "application/json")
	}
	code, respHeader, respBody, err := roundTrip(ctx, method, r.baseURL+path, header, body)
	if err != nil {
		return answer{err: err}, nil
	}
	a := answer{http: code, header: respHeader}
	if code != http.StatusOK {
		a.err = statusFromJSON(code, respBody)
	}
	return a, respBody
}

// roundTrip makes one HTTP request, following no redirect.
func roundTrip(ctx context.Context, method, url string, header http.Header, body []byte) (int, http.Header, []byte, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header = header
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("%s %s: %w", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b, err
}

// statusFromJSON reads a REST error body as the google.rpc.Status it must be.
func statusFromJSON(code int, body []byte) error {
	var sp spb.Status
	if err := protojson.Unmarshal(body, &sp); err != nil {
		return fmt.Errorf("REST answered %d with %q, not a google.rpc.Status: %v", code, body, err)
	}
	return status.FromProto(&sp).Err()
}

// wantError is what a refused call must show on either protocol.
type wantError struct {
	code     codes.Code
	http     int    // the REST answer's HTTP status
	reason   string // ErrorInfo reason; "" accepts any UPPER_SNAKE one
	upstream string // ErrorInfo upstream_status; "" means absent
	fields   []string
	retry    time.Duration // RetryInfo's delay, and REST's Retry-After rounded up
}

// assertError checks a against w: over both protocols the status, its
// ErrorInfo, BadRequest fields and RetryInfo (assertStatus and friends);
// over REST also the HTTP status, the JSON content type and Retry-After.
func (a answer) assertError(t *testing.T, w wantError) *status.Status {
	t.Helper()
	st := assertStatus(t, a.err, w.code, w.reason)
	assertUpstreamStatus(t, st, w.upstream)
	if diff := cmp.Diff(w.fields, badRequestFields(st)); diff != "" {
		t.Errorf("BadRequest fields mismatch (-want +got):\n%s", diff)
	}
	if got := retryInfo(st).GetRetryDelay().AsDuration(); got != w.retry {
		t.Errorf("RetryInfo delay = %v, want %v", got, w.retry)
	}
	if a.header == nil {
		return st
	}
	if a.http != w.http {
		t.Errorf("HTTP status = %d, want %d", a.http, w.http)
	}
	if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	wantRetryAfter := ""
	if w.retry > 0 {
		wantRetryAfter = strconv.Itoa(int((w.retry + time.Second - 1) / time.Second))
	}
	if got := a.header.Get("Retry-After"); got != wantRetryAfter {
		t.Errorf("Retry-After = %q, want %q", got, wantRetryAfter)
	}
	return st
}

// assertInvalid checks a is the facade's own INVALID_ARGUMENT (HTTP 400)
// with a BadRequest naming exactly fields, as assertInvalid does a gRPC error.
func (a answer) assertInvalid(t *testing.T, fields ...string) {
	t.Helper()
	a.assertError(t, wantError{code: codes.InvalidArgument, http: http.StatusBadRequest, reason: "INVALID_REQUEST", fields: fields})
}
