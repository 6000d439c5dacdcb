package app

import (
	"testing"

	"github.com/pigello-facade/pigello-facade/internal/testkit"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// assertStatus is testkit.AssertStatus, and checks that the message holds
// no credential.
func assertStatus(t *testing.T, err error, code codes.Code, reason string) *status.Status {
	t.Helper()
	st := testkit.AssertStatus(t, err, code, reason)
	assertNoSecret(t, "status message", st.Message())
	return st
}

// assertUpstreamStatus checks the ErrorInfo's upstream_status metadata;
// want "" means it must be absent (Pigello was not called).
func assertUpstreamStatus(t *testing.T, st *status.Status, want string) {
	t.Helper()
	if got := testkit.ErrorInfo(st).GetMetadata()["upstream_status"]; got != want {
		t.Errorf("ErrorInfo upstream_status = %q, want %q (ErrorInfo %v)", got, want, testkit.ErrorInfo(st))
	}
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
