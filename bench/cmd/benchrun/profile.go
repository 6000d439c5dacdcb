package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/google/pprof/profile"
)

// profileWorkload is the workload whose facade gRPC target the profile run
// loads; profileName names its files in the results directory.
const (
	profileWorkload = "get-c50"
	profileName     = "profile-" + profileWorkload + "-grpc"
)

// profileRun is the facade's CPU profile under load, taken in a run of its
// own after the measured ones so the profiler's cost is in no number of
// the tables.
type profileRun struct {
	workload workload
	target   target
	raw      []byte // as the facade served it: gzipped protobuf, for go tool pprof
	parsed   *profile.Profile
	load     loadReport // the whole loadgen run around the profile
}

// parseProfileDuration reads -profile: 0, or whole seconds, as the
// profiler's seconds parameter takes them.
func parseProfileDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 || d%time.Second != 0 {
		return 0, fmt.Errorf("profile %q: want 0 or a whole number of seconds, such as 10s", s)
	}
	return d, nil
}

// loadDone is the outcome of a load run started in the background.
type loadDone struct {
	r   loadReport
	err error
}

// startLoad runs loadgen for t under w for d in the background; the
// channel gets its report when it ends.
func (e *env) startLoad(ctx context.Context, t target, w workload, d time.Duration) <-chan loadDone {
	finished := make(chan loadDone, 1)
	go func() {
		r, err := e.loadgen(ctx, t, w, d)
		finished <- loadDone{r, err}
	}()
	return finished
}

// profile takes a CPU profile of length d from a fresh facade serving
// profileWorkload over gRPC: the load runs for o.warmup (not profiled), then
// for d while the facade's --debug-addr profiles itself, and a second
// more so the profile ends under load.
func (e *env) profile(ctx context.Context, o options, d time.Duration) (*profileRun, error) {
	ws, err := selectWorkloads(allWorkloads(o), profileWorkload)
	if err != nil {
		return nil, err
	}
	run := &profileRun{workload: ws[0], target: facadeGRPC}
	if err := setLatency(run.workload.latency); err != nil {
		return nil, err
	}
	if _, err := e.restart(ctx, run.target, run.workload); err != nil {
		return nil, err
	}
	logf("profile: %s %s, %s of CPU profile after %s of warm-up", run.workload.name, run.target.name, d, o.warmup)
	finished := e.startLoad(ctx, run.target, run.workload, o.warmup+d+time.Second)
	select {
	case f := <-finished:
		return nil, fmt.Errorf("profile: the load ended before the profile began: %v", f.err)
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(o.warmup):
	}
	raw, profErr := fetchProfile(ctx, d)
	f := <-finished
	if profErr != nil {
		return nil, profErr
	}
	if f.err != nil {
		return nil, f.err
	}
	run.raw, run.load = raw, f.r
	if run.parsed, err = profile.Parse(bytes.NewReader(raw)); err != nil {
		return nil, fmt.Errorf("profile: parse the facade's profile: %w", err)
	}
	return run, nil
}

// fetchProfile asks the facade's debug server for a CPU profile of d.
func fetchProfile(ctx context.Context, d time.Duration) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, d+30*time.Second)
	defer cancel()
	url := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", facadeDebugAddr, int(d.Round(time.Second)/time.Second))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("profile: read %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("profile: %s: %s: %s", url, resp.Status, bytes.TrimSpace(body))
	}
	return body, nil
}

// writeProfile writes the raw profile (name.pprof) and its report
// (name.md, the section of latest.md under a title saying what it is and
// how to read the raw one) into dir.
func writeProfile(dir string, run *profileRun, o options, section string) error {
	raw := filepath.Join(dir, profileName+".pprof")
	if err := os.WriteFile(raw, run.raw, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, profileName+".md"), []byte(profileDocument(run, o, section)), 0o644)
}
