package testkit

import (
	"regexp"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// errorDomain is the google.rpc.ErrorInfo domain of every error the facade
// returns, written out (not server.Domain) as the wire value clients see.
const errorDomain = "pigello.io"

var upperSnake = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$`)

// AssertStatus checks that err is a gRPC status with code and a
// google.rpc.ErrorInfo of domain pigello.io and the given reason (any
// UPPER_SNAKE reason when reason is ""). It returns the status.
func AssertStatus(t testing.TB, err error, code codes.Code, reason string) *status.Status {
	t.Helper()
	st, ok := status.FromError(err)
	if !ok {
		t.Fatalf("error %v is not a gRPC status", err)
	}
	if st.Code() != code {
		t.Errorf("code = %v (message %q), want %v", st.Code(), st.Message(), code)
	}
	info := ErrorInfo(st)
	switch {
	case info == nil:
		t.Errorf("status %v has no google.rpc.ErrorInfo", st.Proto())
	case info.GetDomain() != errorDomain:
		t.Errorf("ErrorInfo domain = %q, want %s", info.GetDomain(), errorDomain)
	case reason != "" && info.GetReason() != reason:
		t.Errorf("ErrorInfo reason = %q, want %q", info.GetReason(), reason)
	case !upperSnake.MatchString(info.GetReason()):
		t.Errorf("ErrorInfo reason = %q, want UPPER_SNAKE", info.GetReason())
	}
	return st
}

// ErrorInfo returns the status's google.rpc.ErrorInfo, nil if it has none.
func ErrorInfo(st *status.Status) *errdetails.ErrorInfo {
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info
		}
	}
	return nil
}
