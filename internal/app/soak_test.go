//go:build soak

package app

import (
	"context"
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pigello-facade/pigello-facade/emulator"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// TestSoak (make soak) runs steady load with Pigello faults mixed in for
// SOAK_DURATION (default 2m): no crash, no error the faults do not explain,
// and goroutines and memory back to their baseline afterwards.
func TestSoak(t *testing.T) {
	duration := 2 * time.Minute
	if d, err := time.ParseDuration(os.Getenv("SOAK_DURATION")); err == nil {
		duration = d
	}
	// Logs at error level only: the test keeps them in memory.
	env := setup(t, resilient, func(c *Config) { c.Upstream.Breaker.MinRequests, c.LogLevel = 50, "error" })
	var ok, failed atomic.Int64
	unexplained := make(chan error, 100)
	// A warm-up without faults fills the connection pools, so the baseline
	// counts their goroutines and buffers.
	run(t.Context(), 2*time.Second, env, &ok, &failed, unexplained, false)
	baseGoroutines, baseHeap := settle()

	run(t.Context(), duration, env, &ok, &failed, unexplained, true)
	close(unexplained)
	for err := range unexplained {
		t.Errorf("an error no fault explains: %v", err)
	}
	env.emu.ClearFaults()
	t.Logf("%d calls succeeded, %d failed as the faults explain", ok.Load(), failed.Load())
	if ok.Load() == 0 {
		t.Fatal("no call succeeded")
	}

	deadline := time.Now().Add(10 * time.Second)
	for {
		goroutines, heap := settle()
		if goroutines <= baseGoroutines+8 && heap <= baseHeap+16<<20 {
			t.Logf("after load: %d goroutines (baseline %d), heap %d KiB (baseline %d KiB)", goroutines, baseGoroutines, heap>>10, baseHeap>>10)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after load: %d goroutines (baseline %d), heap %d KiB (baseline %d KiB): not back to baseline", goroutines, baseGoroutines, heap>>10, baseHeap>>10)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// run loads the facade with 32 callers for d, with faults if asked.
func run(ctx context.Context, d time.Duration, env *testEnv, ok, failed *atomic.Int64, unexplained chan<- error, faults bool) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() { load(ctx, env, ok, failed, unexplained) })
	}
	if faults {
		wg.Go(func() { injectFaults(ctx, env) })
	}
	wg.Wait()
}

// settle collects garbage and reports goroutines and live heap bytes.
func settle() (int, uint64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return runtime.NumGoroutine(), m.HeapInuse
}

// load calls Get and Update until ctx ends, sorting errors into explained
// (codes a Pigello fault produces) and unexplained.
func load(ctx context.Context, env *testEnv, ok, failed *atomic.Int64, unexplained chan<- error) {
	ids := env.emu.DemoIDs()
	for ctx.Err() == nil {
		callCtx, cancel := context.WithTimeout(ctx, time.Second)
		id := ids[rand.IntN(len(ids))]
		var err error
		if rand.IntN(4) == 0 {
			_, err = env.client.UpdateWorkEngagement(callCtx, &accountsv1.UpdateWorkEngagementRequest{
				WorkEngagement: &accountsv1.WorkEngagement{Id: id, Name: "soak"},
				UpdateMask:     &fieldmaskpb.FieldMask{Paths: []string{"name"}},
			})
		} else {
			_, err = env.client.GetWorkEngagement(callCtx, &accountsv1.GetWorkEngagementRequest{Id: id})
		}
		cancel()
		switch {
		case err == nil:
			ok.Add(1)
		case explained(err) || ctx.Err() != nil:
			failed.Add(1)
		default:
			select {
			case unexplained <- err:
			default:
			}
		}
	}
}

// explained reports whether err is what an injected fault may cause.
func explained(err error) bool {
	st := status.Convert(err)
	switch st.Code() {
	case codes.Unavailable, codes.DeadlineExceeded, codes.ResourceExhausted:
		return true
	case codes.Internal:
		for _, d := range st.Details() {
			if info, ok := d.(*errdetails.ErrorInfo); ok {
				return info.GetReason() == "PIGELLO_MALFORMED_RESPONSE" || info.GetReason() == "PIGELLO_INTERNAL_ERROR"
			}
		}
	}
	return false
}

// injectFaults scripts a random fault every 20ms.
func injectFaults(ctx context.Context, env *testEnv) {
	faults := []emulator.Fault{
		{Status: 503}, {Status: 502}, {Status: 500}, {Status: 429, RetryAfter: "0"},
		{Reset: true}, {Latency: 100 * time.Millisecond}, {Malformed: true}, {Close: true},
		{Latency: 2 * time.Second},
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			env.emu.Script(emulator.Match{}, faults[rand.IntN(len(faults))])
		}
	}
}
