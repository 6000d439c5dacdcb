package app

import (
	"cmp"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pigello-facade/pigello-facade/emulator"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// resilient is the production retry policy with short timeouts, so the
// fault suite runs in seconds.
func resilient(c *Config) {
	c.Upstream.Retry.MaxAttempts = 3
	// Long enough for a 1 MiB answer under -race on a busy machine: an
	// attempt cut short is retried and would hide what a case checks.
	c.Upstream.AttemptTimeout = 2 * time.Second
	c.Server.DefaultTimeout = 4 * time.Second
	c.Upstream.Breaker.MinRequests = 0 // the breaker has its own test
}

// faultCase is one scripted misbehaviour of Pigello and what the caller and
// Pigello must see.
type faultCase struct {
	name     string
	method   string // GET, PATCH or DELETE
	faults   []emulator.Fault
	deadline time.Duration // the caller's; relaxed when zero
	code     codes.Code
	reason   string
	attempts int // requests Pigello must have received
}

// relaxed is the caller's deadline in the cases that set none: their
// outcome does not depend on it, and a cold, busy machine never reaches it.
const relaxed = 10 * time.Second

func TestFaults(t *testing.T) {
	fail := func(s int) emulator.Fault { return emulator.Fault{Status: s} }
	tests := []faultCase{
		{name: "GET retried through 503, 502", method: http.MethodGet, faults: []emulator.Fault{fail(503), fail(502)}, code: codes.OK, attempts: 3},
		{name: "GET retried through 504 and 429", method: http.MethodGet, faults: []emulator.Fault{fail(504), {Status: 429, RetryAfter: "0"}}, code: codes.OK, attempts: 3},
		{name: "GET retried through a reset mid-body", method: http.MethodGet, faults: []emulator.Fault{{Reset: true}}, code: codes.OK, attempts: 2},
		{name: "GET retried through a lost answer", method: http.MethodGet, faults: []emulator.Fault{{ServeThenClose: true}}, code: codes.OK, attempts: 2},
		{name: "GET gives up after max attempts", method: http.MethodGet, faults: []emulator.Fault{fail(503), fail(503), fail(503)}, code: codes.Unavailable, reason: "PIGELLO_UNAVAILABLE", attempts: 3},
		{name: "GET 429 with a long Retry-After is not waited", method: http.MethodGet, faults: []emulator.Fault{{Status: 429, RetryAfter: "120"}}, code: codes.ResourceExhausted, reason: "PIGELLO_RATE_LIMITED", attempts: 1},
		{name: "GET 500 is not retried", method: http.MethodGet, faults: []emulator.Fault{fail(500)}, code: codes.Internal, reason: "PIGELLO_INTERNAL_ERROR", attempts: 1},
		{name: "GET malformed body is not retried", method: http.MethodGet, faults: []emulator.Fault{{Malformed: true}}, code: codes.Internal, reason: "PIGELLO_MALFORMED_RESPONSE", attempts: 1},
		{name: "GET oversized body is not retried", method: http.MethodGet, faults: []emulator.Fault{{Oversized: 2 << 20}}, code: codes.Internal, reason: "PIGELLO_RESPONSE_TOO_LARGE", attempts: 1},
		{name: "GET hanging: each attempt times out", method: http.MethodGet, faults: []emulator.Fault{{Hang: true}, {Hang: true}, {Hang: true}}, code: codes.DeadlineExceeded, reason: "PIGELLO_TIMEOUT", attempts: 3},
		// The caller's own gRPC library ends the call at its deadline, so
		// the status is its own, with no details ("" skips the ErrorInfo).
		{name: "GET slower than the caller's deadline", method: http.MethodGet, faults: []emulator.Fault{{Latency: 250 * time.Millisecond}}, deadline: 200 * time.Millisecond, code: codes.DeadlineExceeded, attempts: 1},
		{name: "PATCH 503 is not retried", method: http.MethodPatch, faults: []emulator.Fault{fail(503)}, code: codes.Unavailable, reason: "PIGELLO_UNAVAILABLE", attempts: 1},
		{name: "PATCH reset mid-body is not retried", method: http.MethodPatch, faults: []emulator.Fault{{Reset: true}}, code: codes.Unavailable, reason: "PIGELLO_OUTCOME_UNKNOWN", attempts: 1},
		{name: "PATCH applied, answer lost, is not retried", method: http.MethodPatch, faults: []emulator.Fault{{ServeThenClose: true}}, code: codes.Unavailable, reason: "PIGELLO_OUTCOME_UNKNOWN", attempts: 1},
		{name: "PATCH timeout is not retried", method: http.MethodPatch, faults: []emulator.Fault{{Hang: true}}, code: codes.Unavailable, reason: "PIGELLO_OUTCOME_UNKNOWN", attempts: 1},
		{name: "PATCH 429 is not retried", method: http.MethodPatch, faults: []emulator.Fault{{Status: 429, RetryAfter: "0"}}, code: codes.ResourceExhausted, reason: "PIGELLO_RATE_LIMITED", attempts: 1},
		{name: "DELETE retried through 503", method: http.MethodDelete, faults: []emulator.Fault{fail(503)}, code: codes.OK, attempts: 2},
		{name: "DELETE applied, answer lost, then 404: success", method: http.MethodDelete, faults: []emulator.Fault{{Reset: true}}, code: codes.OK, attempts: 2},
		{name: "DELETE whose every answer is lost stays UNREACHABLE", method: http.MethodDelete, faults: []emulator.Fault{{Close: true}, {Close: true}, {Close: true}}, code: codes.Unavailable, reason: "PIGELLO_UNREACHABLE", attempts: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := setup(t, resilient)
			id := env.demo().full
			match := emulator.Match{Method: tt.method, ID: id}
			env.emu.Script(match, tt.faults...)
			ctx, cancel := context.WithTimeout(t.Context(), cmp.Or(tt.deadline, relaxed))
			defer cancel()
			err := call(ctx, env, tt.method, id)
			switch {
			case tt.code == codes.OK && err != nil:
				t.Fatalf("%s returned %v, want success", tt.method, err)
			case tt.code != codes.OK && tt.reason == "":
				if got := status.Code(err); got != tt.code {
					t.Errorf("%s returned %v, want code %v", tt.method, err, tt.code)
				}
			case tt.code != codes.OK:
				assertStatus(t, err, tt.code, tt.reason)
			}
			if n := env.emu.Count(match); n != tt.attempts {
				t.Errorf("Pigello got %d %s requests, want %d", n, tt.method, tt.attempts)
			}
			retries := strings.Count(env.logs.String(), `"msg":"retrying Pigello request"`)
			if retries != tt.attempts-1 {
				t.Errorf("the log shows %d retries, want %d (one per retry)", retries, tt.attempts-1)
			}
		})
	}
}

// call makes the RPC for an HTTP method against id.
func call(ctx context.Context, env *testEnv, method, id string) error {
	var err error
	switch method {
	case http.MethodGet:
		_, err = env.client.GetWorkEngagement(ctx, &accountsv1.GetWorkEngagementRequest{Id: id})
	case http.MethodPatch:
		_, err = env.client.UpdateWorkEngagement(ctx, &accountsv1.UpdateWorkEngagementRequest{
			WorkEngagement: &accountsv1.WorkEngagement{Id: id, Name: "Renamed"},
			UpdateMask:     &fieldmaskpb.FieldMask{Paths: []string{"name"}},
		})
	case http.MethodDelete:
		_, err = env.client.DeleteWorkEngagement(ctx, &accountsv1.DeleteWorkEngagementRequest{Id: id})
	}
	return err
}

func TestDefaultTimeout(t *testing.T) {
	env := setup(t, resilient, func(c *Config) { c.Server.DefaultTimeout, c.Upstream.AttemptTimeout = 300*time.Millisecond, 0 })
	env.emu.Script(emulator.Match{}, emulator.Fault{Hang: true})
	// No deadline from the caller: only the facade's default can end the
	// call, since Pigello never answers and attempts have no timeout.
	done := make(chan error, 1)
	go func() {
		_, err := env.client.GetWorkEngagement(context.Background(), &accountsv1.GetWorkEngagementRequest{Id: env.demo().full})
		done <- err
	}()
	select {
	case err := <-done:
		assertStatus(t, err, codes.DeadlineExceeded, "")
	case <-time.After(30 * time.Second):
		t.Fatal("a call without a deadline did not end: the default deadline was not applied")
	}
}

func TestBreaker(t *testing.T) {
	env := setup(t, resilient, func(c *Config) {
		c.Upstream.Retry.MaxAttempts = 1
		c.Upstream.Breaker.MinRequests, c.Upstream.Breaker.FailureRatio = 4, 0.5
		c.Upstream.Breaker.Window, c.Upstream.Breaker.OpenFor = time.Minute, time.Second
	})
	id := env.demo().full
	env.emu.ScriptRepeat(emulator.Match{}, emulator.Fault{Status: 503})
	for range 4 {
		_, err := env.client.GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: id})
		assertStatus(t, err, codes.Unavailable, "PIGELLO_UNAVAILABLE")
	}
	_, err := env.client.GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: id})
	assertStatus(t, err, codes.Unavailable, "PIGELLO_CIRCUIT_OPEN")
	if n := env.emu.Count(emulator.Match{}); n != 4 {
		t.Errorf("Pigello got %d requests, want 4: an open breaker sends nothing", n)
	}
	env.emu.ClearFaults()
	// Calls are refused until OpenFor passes; then the next call is the
	// probe, which Pigello answers.
	probe := func() bool {
		_, err := env.client.GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: id})
		if err != nil && testkit.ErrorInfo(status.Convert(err)).GetReason() != "PIGELLO_CIRCUIT_OPEN" {
			t.Fatalf("while the breaker is open Get returned %v, want PIGELLO_CIRCUIT_OPEN or the probe's success", err)
		}
		return err == nil
	}
	testkit.Eventually(t, "a probe let through and answered", probe)
	if _, err := env.client.GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: id}); err != nil {
		t.Errorf("after a good probe Get returned %v, want the breaker closed", err)
	}
}

func TestBreakerIgnoresClientErrors(t *testing.T) {
	env := setup(t, resilient, func(c *Config) { c.Upstream.Retry.MaxAttempts, c.Upstream.Breaker.MinRequests = 1, 2 })
	env.emu.ScriptRepeat(emulator.Match{}, emulator.Fault{Status: 404})
	for range 5 {
		_, err := env.client.GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: env.demo().full})
		assertStatus(t, err, codes.NotFound, "PIGELLO_NOT_FOUND")
	}
}

func TestConcurrencyLimit(t *testing.T) {
	env := setup(t, resilient, func(c *Config) {
		c.Upstream.Limiter.MaxConcurrency, c.Upstream.Limiter.QueueTimeout, c.Upstream.AttemptTimeout = 1, 100*time.Millisecond, 0
	})
	id := env.demo().full
	// The first call holds the only slot for longer than a busy machine
	// takes to make the second one.
	env.emu.Script(emulator.Match{}, emulator.Fault{Latency: 3 * time.Second})
	done := make(chan error, 1)
	go func() {
		_, err := env.client.GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: id})
		done <- err
	}()
	testkit.Eventually(t, "the first call at Pigello", func() bool { return env.emu.Count(emulator.Match{}) == 1 })
	// A call that waited for the slot instead of the queue timeout would
	// succeed.
	_, err := env.client.GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: id})
	assertStatus(t, err, codes.ResourceExhausted, "FACADE_OVERLOADED")
	if err := <-done; err != nil {
		t.Errorf("the call holding the slot returned %v", err)
	}
}
