package app

import (
	"strings"
	"testing"
	"time"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
)

// TestRunBatchesCallLines: with a flush interval, Run holds a call's log
// line in memory instead of writing it as the call ends, and writes it on
// exit; with 0s it writes it at once.
func TestRunBatchesCallLines(t *testing.T) {
	tests := []struct {
		interval      string
		writtenAtOnce bool
	}{
		{interval: "0s", writtenAtOnce: true},
		{interval: "1h", writtenAtOnce: false},
	}
	for _, tt := range tests {
		t.Run(tt.interval, func(t *testing.T) {
			r := startRun(t, append([]string{"--emulator", "--log-format", "json", "--log-flush-interval", tt.interval}, loopbackArgs...), nil)
			req := &accountsv1.GetWorkEngagementRequest{Id: r.ids[0]}
			if _, err := grpcClient(t, r.grpcAddr).GetWorkEngagement(t.Context(), req); err != nil {
				t.Fatalf("GetWorkEngagement returned %v", err)
			}
			// The line is written, if at all, before the answer is sent.
			if got := len(r.logRecords("rpc")); (got == 1) != tt.writtenAtOnce {
				t.Errorf("after the call, %d rpc lines written, want written at once: %v", got, tt.writtenAtOnce)
			}
			if err := r.stop(); err != nil {
				t.Fatalf("Run returned %v", err)
			}
			if got := len(r.logRecords("rpc")); got != 1 {
				t.Errorf("after Run returned, %d rpc lines written, want 1:\n%s", got, r.out.String())
			}
		})
	}
}

// TestLoggerWritesWarningsAtOnce: a line at warn or above writes out every
// held line, itself included; the interval writes out the rest.
func TestLoggerWritesWarningsAtOnce(t *testing.T) {
	var w syncBuffer
	out := newLogOutput(&w, time.Hour)
	t.Cleanup(func() { _ = out.Stop() })
	cfg := defaultConfig()
	logger, err := newLogger(cfg, out)
	if err != nil {
		t.Fatal(err)
	}
	logger.Info("first")
	logger.With("k", "v").Info("second")
	if got := w.String(); got != "" {
		t.Fatalf("info lines written before a warning, the interval or exit: %q", got)
	}
	logger.With("k", "v").Warn("third")
	got := w.String()
	for _, msg := range []string{"msg=first", "msg=second", "msg=third"} {
		if !strings.Contains(got, msg) {
			t.Errorf("after a warning, output lacks %s:\n%s", msg, got)
		}
	}

	var w2 syncBuffer
	ticking := newLogOutput(&w2, 10*time.Millisecond)
	t.Cleanup(func() { _ = ticking.Stop() })
	logger, err = newLogger(cfg, ticking)
	if err != nil {
		t.Fatal(err)
	}
	logger.Info("held")
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(w2.String(), "msg=held"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("an info line was not written within 10s of a 10ms flush interval")
		}
	}
}
