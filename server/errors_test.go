package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pigello-facade/pigello-facade/auth"
	"github.com/pigello-facade/pigello-facade/internal/testkit"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/upstream"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"
)

// TestToStatusUpstreamTable spells the reasons out rather than naming the
// Reason constants: it proves the values clients see on the wire. Pigello's
// detail reaches the caller only from a refusal the caller can act on,
// never from a failure (5xx).
func TestToStatusUpstreamTable(t *testing.T) {
	const pigelloDetail = "Pigello's own words"
	tests := []struct {
		status int
		code   codes.Code
		reason string
		detail bool // Pigello's detail is in the message
	}{
		{400, codes.InvalidArgument, "PIGELLO_BAD_REQUEST", true},
		{401, codes.Internal, "PIGELLO_UNAUTHENTICATED", false},
		{403, codes.PermissionDenied, "PIGELLO_PERMISSION_DENIED", true},
		{404, codes.NotFound, "PIGELLO_NOT_FOUND", false},
		{409, codes.Aborted, "PIGELLO_CONFLICT", true},
		{412, codes.FailedPrecondition, "PIGELLO_PRECONDITION_FAILED", true},
		{429, codes.ResourceExhausted, "PIGELLO_RATE_LIMITED", false},
		{500, codes.Internal, "PIGELLO_INTERNAL_ERROR", false},
		{501, codes.Unimplemented, "PIGELLO_NOT_IMPLEMENTED", false},
		{502, codes.Unavailable, "PIGELLO_UNAVAILABLE", false},
		{503, codes.Unavailable, "PIGELLO_UNAVAILABLE", false},
		{504, codes.DeadlineExceeded, "PIGELLO_TIMEOUT", false},
		{302, codes.Unknown, "PIGELLO_UNEXPECTED_STATUS", false},
		{418, codes.Unknown, "PIGELLO_UNEXPECTED_STATUS", false},
		{507, codes.Unknown, "PIGELLO_UNEXPECTED_STATUS", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			st := toStatus(context.Background(), &upstream.Error{StatusCode: tt.status, Detail: pigelloDetail}, "")
			testkit.AssertStatus(t, st.Err(), tt.code, tt.reason)
			info := testkit.ErrorInfo(st)
			if got, want := info.GetMetadata()["upstream_status"], fmt.Sprint(tt.status); got != want {
				t.Errorf("upstream_status = %q, want %q", got, want)
			}
			if got := strings.Contains(st.Message(), pigelloDetail); got != tt.detail {
				t.Errorf("message %q holds Pigello's detail: %v, want %v", st.Message(), got, tt.detail)
			}
		})
	}
}

func TestToStatusUnauthenticatedSaysNothingOfPigellosAnswer(t *testing.T) {
	st := toStatus(context.Background(), &upstream.Error{StatusCode: 401, Detail: "Incorrect authentication credentials."}, "")
	if strings.Contains(st.Message(), "Incorrect") {
		t.Errorf("message %q repeats Pigello's detail to the caller", st.Message())
	}
}

func TestToStatusBadRequestFieldViolations(t *testing.T) {
	err := &upstream.Error{StatusCode: 400, FieldErrors: []upstream.FieldError{
		{Field: "name", Description: "This field may not be blank."},
		{Field: "organization.id", Description: "Must be a valid UUID."},
		{Field: "", Description: "Invalid data."},
	}}
	st := toStatus(context.Background(), err, "work_engagement")
	want := &errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
		{Field: "work_engagement.name", Description: "This field may not be blank."},
		{Field: "work_engagement.organization.id", Description: "Must be a valid UUID."},
		{Field: "work_engagement", Description: "Invalid data."},
	}}
	if diff := cmp.Diff(want, detail[*errdetails.BadRequest](st), protocmp.Transform()); diff != "" {
		t.Errorf("BadRequest mismatch (-want +got):\n%s", diff)
	}
}

func TestToStatusRetryInfo(t *testing.T) {
	st := toStatus(context.Background(), &upstream.Error{StatusCode: 429, RetryAfter: 7 * time.Second}, "")
	ri := detail[*errdetails.RetryInfo](st)
	if ri == nil || ri.GetRetryDelay().AsDuration() != 7*time.Second {
		t.Fatalf("RetryInfo = %v, want a 7s delay", ri)
	}
}

// canceledWithDeadline returns a context canceled (not timed out) with its
// deadline d away, as a gRPC server's context is when the client cancels.
func canceledWithDeadline(t *testing.T, d time.Duration) context.Context {
	parent, cancel := context.WithCancel(context.Background())
	ctx, stop := context.WithTimeout(parent, d)
	t.Cleanup(stop)
	cancel()
	return ctx
}

func TestToStatusFacadeErrors(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	timedOut, stop := context.WithDeadline(context.Background(), time.Now())
	defer stop()
	tests := []struct {
		name   string
		ctx    context.Context
		err    error
		code   codes.Code
		reason string
	}{
		{"invalid argument", context.Background(), &invalidArgumentError{}, codes.InvalidArgument, "INVALID_REQUEST"},
		{"invalid id", context.Background(), fmt.Errorf("x: %w", upstream.ErrInvalidID), codes.InvalidArgument, "INVALID_REQUEST"},
		{"too large", context.Background(), upstream.ErrResponseTooLarge, codes.Internal, "PIGELLO_RESPONSE_TOO_LARGE"},
		{"malformed", context.Background(), fmt.Errorf("x: %w", upstream.ErrMalformedResponse), codes.Internal, "PIGELLO_MALFORMED_RESPONSE"},
		{"deadline", context.Background(), fmt.Errorf("x: %w", context.DeadlineExceeded), codes.DeadlineExceeded, "DEADLINE_EXCEEDED"},
		{"canceled", canceled, errors.New("x"), codes.Canceled, "CANCELED"},
		// A gRPC client cancels the stream when its deadline passes, a
		// moment before the facade's timer for it fires.
		{"canceled at the deadline", canceledWithDeadline(t, 10*time.Millisecond), fmt.Errorf("x: %w", context.Canceled), codes.DeadlineExceeded, "DEADLINE_EXCEEDED"},
		{"canceled long before the deadline", canceledWithDeadline(t, time.Hour), fmt.Errorf("x: %w", context.Canceled), codes.Canceled, "CANCELED"},
		{"the wait for a slot ended by the deadline", timedOut, fmt.Errorf("x: %w: %w", upstream.ErrOverloaded, context.DeadlineExceeded), codes.DeadlineExceeded, "DEADLINE_EXCEEDED"},
		{"Pigello's answer after the deadline", timedOut, &upstream.Error{StatusCode: 503}, codes.DeadlineExceeded, "DEADLINE_EXCEEDED"},
		{"overloaded", context.Background(), fmt.Errorf("x: %w", upstream.ErrOverloaded), codes.ResourceExhausted, "FACADE_OVERLOADED"},
		{"circuit open", context.Background(), fmt.Errorf("x: %w", upstream.ErrCircuitOpen), codes.Unavailable, "PIGELLO_CIRCUIT_OPEN"},
		{"missing token", context.Background(), auth.ErrMissingToken, codes.Unauthenticated, "TOKEN_MISSING"},
		{"malformed token", context.Background(), auth.ErrMalformedToken, codes.Unauthenticated, "TOKEN_INVALID"},
		{"anything else", context.Background(), errors.New("x"), codes.Internal, "INTERNAL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testkit.AssertStatus(t, toStatus(tt.ctx, tt.err, "").Err(), tt.code, tt.reason)
		})
	}
}

// TestToStatusUnreachable uses a real failed connection, not a made-up error.
func TestToStatusUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	c, err := upstream.New(srv.URL, upstream.NewHTTPClient())
	if err != nil {
		t.Fatal(err)
	}
	err = c.GetWorkEngagement(context.Background(), testID, into(new(accountsv1.WorkEngagement)))
	st := toStatus(context.Background(), err, "")
	testkit.AssertStatus(t, st.Err(), codes.Unavailable, "PIGELLO_UNREACHABLE")
	if strings.Contains(st.Message(), srv.URL) {
		t.Errorf("message %q leaks the upstream URL", st.Message())
	}
}

func TestWithErrorInfo(t *testing.T) {
	st := WithErrorInfo(status.New(codes.NotFound, "no route"))
	testkit.AssertStatus(t, st.Err(), codes.NotFound, "NOT_FOUND")
	again := WithErrorInfo(st)
	if n := len(again.Details()); n != 1 {
		t.Errorf("WithErrorInfo on a status with ErrorInfo has %d details, want 1", n)
	}
	testkit.AssertStatus(t, WithErrorInfo(status.New(codes.InvalidArgument, "bad")).Err(), codes.InvalidArgument, "INVALID_REQUEST")
	testkit.AssertStatus(t, WithErrorInfo(status.New(codes.DeadlineExceeded, "late")).Err(), codes.DeadlineExceeded, "DEADLINE_EXCEEDED")
}

func detail[T any](st *status.Status) T {
	var zero T
	for _, d := range st.Details() {
		if v, ok := d.(T); ok {
			return v
		}
	}
	return zero
}

// TestToStatusLostAnswer uses real connections: a PATCH whose connection
// Pigello drops once it has read the request may have been applied; one
// whose dial is refused never left; a PATCH caught by its deadline while
// Pigello held it says the change may have been made, under its own code.
func TestToStatusLostAnswer(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc // nil: nothing listens
		timeout time.Duration    // the caller's, 0 for none
		code    codes.Code
		reason  string
		unknown bool
	}{
		{name: "connection dropped after the request", handler: dropAfterReading, code: codes.Unavailable, reason: ReasonOutcomeUnknown, unknown: true},
		{name: "dial refused", code: codes.Unavailable, reason: ReasonUnreachable},
		{name: "deadline while Pigello holds it", handler: holdUntilGone, timeout: 50 * time.Millisecond, code: codes.DeadlineExceeded, reason: ReasonDeadlineExceeded, unknown: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			if tt.handler == nil {
				srv.Close()
			} else {
				t.Cleanup(srv.Close)
			}
			c, err := upstream.New(srv.URL, upstream.NewHTTPClient())
			if err != nil {
				t.Fatal(err)
			}
			ctx := t.Context()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			err = c.UpdateWorkEngagement(ctx, testID, json.RawMessage(`{"name":"n"}`), into(new(accountsv1.WorkEngagement)))
			st := toStatus(ctx, err, "work_engagement")
			testkit.AssertStatus(t, st.Err(), tt.code, tt.reason)
			if got := strings.Contains(st.Message(), "may or may not have been applied"); got != tt.unknown {
				t.Errorf("message %q says the change may have been applied: %v, want %v", st.Message(), got, tt.unknown)
			}
		})
	}
}

// dropAfterReading reads the request, then closes the connection without a
// byte of answer.
func dropAfterReading(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err) // httptest servers speak HTTP/1.1: hijacking cannot fail
	}
	_ = conn.Close()
}

// holdUntilGone reads the request and never answers.
func holdUntilGone(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	<-r.Context().Done()
}
