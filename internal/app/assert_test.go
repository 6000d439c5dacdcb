package app

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// assertStatus checks that err is a status with code and an ErrorInfo of
// domain pigello.io and the given reason (any UPPER_SNAKE reason when reason
// is ""), and that its message holds no credential. It returns the status.
func assertStatus(t *testing.T, err error, code codes.Code, reason string) *status.Status {
	t.Helper()
	st, ok := status.FromError(err)
	if !ok {
		t.Fatalf("error %v is not a gRPC status", err)
	}
	if st.Code() != code {
		t.Errorf("code = %v (message %q), want %v", st.Code(), st.Message(), code)
	}
	assertNoSecret(t, "status message", st.Message())
	info := errorInfo(st)
	switch {
	case info == nil:
		t.Errorf("status %v has no google.rpc.ErrorInfo", st.Proto())
	case info.GetDomain() != "pigello.io":
		t.Errorf("ErrorInfo domain = %q, want pigello.io", info.GetDomain())
	case reason != "" && info.GetReason() != reason:
		t.Errorf("ErrorInfo reason = %q, want %q", info.GetReason(), reason)
	case !upperSnake.MatchString(info.GetReason()):
		t.Errorf("ErrorInfo reason = %q, want UPPER_SNAKE", info.GetReason())
	}
	return st
}

// assertUpstreamStatus checks the ErrorInfo's upstream_status metadata;
// want "" means it must be absent (Pigello was not called).
func assertUpstreamStatus(t *testing.T, st *status.Status, want string) {
	t.Helper()
	if got := errorInfo(st).GetMetadata()["upstream_status"]; got != want {
		t.Errorf("ErrorInfo upstream_status = %q, want %q (ErrorInfo %v)", got, want, errorInfo(st))
	}
}

// assertInvalid checks err is the facade's own INVALID_ARGUMENT with a
// BadRequest naming exactly fields.
func assertInvalid(t *testing.T, err error, fields ...string) {
	t.Helper()
	st := assertStatus(t, err, codes.InvalidArgument, "INVALID_REQUEST")
	assertUpstreamStatus(t, st, "")
	if diff := cmp.Diff(fields, badRequestFields(st)); diff != "" {
		t.Errorf("BadRequest fields mismatch (-want +got):\n%s", diff)
	}
}

func errorInfo(st *status.Status) *errdetails.ErrorInfo {
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info
		}
	}
	return nil
}

func retryInfo(st *status.Status) *errdetails.RetryInfo {
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok {
			return ri
		}
	}
	return nil
}

// badRequestFields lists the fields of the status's BadRequest, nil if none.
func badRequestFields(st *status.Status) []string {
	var fields []string
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				fields = append(fields, v.GetField())
			}
		}
	}
	return fields
}
