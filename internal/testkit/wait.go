package testkit

import (
	"testing"
	"time"
)

// WaitTimeout bounds every wait on a condition: generous, because a busy
// machine can stall a test for seconds.
const WaitTimeout = 10 * time.Second

// EventsOnly is a poll interval of file reloads that no test outlasts: a
// change that takes effect with it was seen by the file watcher, not the
// fallback poll.
const EventsOnly = time.Hour

// Eventually fails t unless cond, described by what, holds within
// WaitTimeout. It checks every 10ms, on the test's goroutine.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(WaitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", WaitTimeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
