package app

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pigello-facade/pigello-facade/emulator"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
	"google.golang.org/grpc/codes"
)

// TestLostAnswerToACreate: a create is never sent twice once it may have
// reached Pigello. An answer lost after Pigello had the request is
// UNAVAILABLE with PIGELLO_OUTCOME_UNKNOWN, saying it may or may not have
// been applied; Pigello's own refusal is passed on as it is, also after one
// POST. Over gRPC and REST alike, with the production retry policy.
func TestLostAnswerToACreate(t *testing.T) {
	unknown := wantError{code: codes.Unavailable, http: http.StatusServiceUnavailable, reason: "PIGELLO_OUTCOME_UNKNOWN"}
	tests := []struct {
		name  string
		fault emulator.Fault
		want  wantError
	}{
		{"applied, then the connection dropped", emulator.Fault{ServeThenClose: true}, unknown},
		{"applied, the answer cut short", emulator.Fault{Reset: true}, unknown},
		{"no answer within the attempt timeout", emulator.Fault{Hang: true}, unknown},
		{"503", emulator.Fault{Status: 503}, wantError{code: codes.Unavailable, http: http.StatusServiceUnavailable, reason: "PIGELLO_UNAVAILABLE", upstream: "503"}},
		{"429", emulator.Fault{Status: 429, RetryAfter: "0"}, wantError{code: codes.ResourceExhausted, http: http.StatusTooManyRequests, reason: "PIGELLO_RATE_LIMITED", upstream: "429"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := setup(t, resilient)
			for _, tr := range env.transports() {
				t.Run(tr.name, func(t *testing.T) {
					env.emu.ResetRequests()
					post := emulator.Match{Method: http.MethodPost}
					env.emu.Script(post, tt.fault)
					st := create(t, tr, &accountsv1.WorkEngagement{Name: "Applied, unheard"}).assertError(t, tt.want)
					wantSaid := tt.want.reason == unknown.reason
					if said := strings.Contains(st.Message(), "may or may not have been applied"); said != wantSaid {
						t.Errorf("message %q says the create may have been applied: %v, want %v", st.Message(), said, wantSaid)
					}
					if n := env.emu.Count(post); n != 1 {
						t.Errorf("Pigello got %d POST requests, want 1: a create that may have reached it is not sent again", n)
					}
				})
			}
		})
	}
}

// TestCreateRetriedWhenNeverSent: a create whose connection to Pigello
// could not even open is retried, since it never left: with every dial
// refused, the facade makes all its attempts (two retries logged), then
// answers PIGELLO_UNREACHABLE, which does not speak of the create being
// applied.
func TestCreateRetriedWhenNeverSent(t *testing.T) {
	env := startFacade(t, "http://"+testkit.ClosedAddr(t), testCreds, resilient)
	for _, tr := range env.transports() {
		t.Run(tr.name, func(t *testing.T) {
			before := createRetries(env)
			st := create(t, tr, &accountsv1.WorkEngagement{Name: "Never sent"}).assertError(t,
				wantError{code: codes.Unavailable, http: http.StatusServiceUnavailable, reason: "PIGELLO_UNREACHABLE"})
			if strings.Contains(st.Message(), "applied") {
				t.Errorf("message %q speaks of the create being applied, though it never left", st.Message())
			}
			if retries := createRetries(env) - before; retries != 2 {
				t.Errorf("the log shows %d retries of the create, want 2 (3 attempts)", retries)
			}
		})
	}
}

// createRetries counts the retries of a create the facade has logged.
func createRetries(env *testEnv) int {
	n := 0
	for line := range strings.Lines(env.logs.String()) {
		if strings.Contains(line, `"msg":"retrying Pigello request"`) && strings.Contains(line, `"operation":"CreateWorkEngagement"`) {
			n++
		}
	}
	return n
}
