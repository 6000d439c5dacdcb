package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pigello-facade/pigello-facade/upstream"
)

// Fixed loopback ports; the bench owns them for its run.
const (
	standinAddr     = "127.0.0.1:18700"
	facadeGRPCAddr  = "127.0.0.1:18790"
	facadeHTTPAddr  = "127.0.0.1:18780"
	vanguardAddr    = "127.0.0.1:18791"
	clockTicksPerS  = 100 // USER_HZ on Linux
	credentialValue = "bench"
)

// env is the set of running servers.
type env struct {
	bin, facadeBin            string
	pinned                    bool
	standin, facade, vanguard *exec.Cmd // facade and vanguard: the current process, nil before the first run
}

// command builds a command, pinned to cpu when cpu is not empty and taskset
// is available.
func command(ctx context.Context, cpu string, name string, args ...string) *exec.Cmd {
	if cpu != "" {
		args = append([]string{"-c", cpu, name}, args...)
		name = "taskset"
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = os.Stderr
	cmd.Env = os.Environ()
	for _, k := range upstream.CredentialList() { // the facade's and vanguard's credentials
		cmd.Env = append(cmd.Env, k.EnvVar()+"="+credentialValue)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

func canPin() bool {
	_, err := exec.LookPath("taskset")
	return err == nil && runtime.NumCPU() >= 2
}

func (e *env) serverCPU() string {
	if e.pinned {
		return "0"
	}
	return ""
}

func (e *env) loadCPU() string {
	if e.pinned {
		return "1"
	}
	return ""
}

func startEnv(ctx context.Context, bin, facade string) (*env, error) {
	for _, addr := range []string{standinAddr, facadeGRPCAddr, facadeHTTPAddr, vanguardAddr} {
		if dialer(addr)() == nil { // a leftover server would be measured instead
			return nil, fmt.Errorf("%s is already in use", addr)
		}
	}
	e := &env{bin: bin, facadeBin: facade, pinned: canPin()}
	logf("pinning servers to CPU 0 and load to CPU 1: %v", e.pinned)
	var err error
	e.standin, err = startServer(command(ctx, e.serverCPU(), bin+"/standin", "-addr", standinAddr), dialer(standinAddr))
	return e, err
}

// startServer starts cmd and waits until ready succeeds.
func startServer(cmd *exec.Cmd, ready func() error) (*exec.Cmd, error) {
	cmd.Stdout = nil
	cmd.Stderr = nil
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		err := ready()
		if err == nil {
			return cmd, nil
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			return nil, fmt.Errorf("%s not ready: %w", cmd.Path, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// restart replaces the server behind t (the facade or vanguard) with a new
// process, so each run's peak RSS is its own, not a high-water mark left by
// an earlier, heavier run. It returns the new process, or nil for the floor.
func (e *env) restart(ctx context.Context, t target) (*exec.Cmd, error) {
	var err error
	switch t.server {
	case serverFacade:
		stopServer(e.facade)
		e.facade, err = startServer(command(ctx, e.serverCPU(), e.facadeBin,
			"--pigello-base-url", "http://"+standinAddr, "--grpc-addr", facadeGRPCAddr, "--http-addr", facadeHTTPAddr,
			"--insecure", "--log-level", "error"), httpOK("http://"+facadeHTTPAddr+"/readyz"))
		return e.facade, err
	case serverVanguard:
		stopServer(e.vanguard)
		e.vanguard, err = startServer(command(ctx, e.serverCPU(), e.bin+"/vanguard", "-addr", vanguardAddr, "-upstream", "http://"+standinAddr),
			dialer(vanguardAddr))
		return e.vanguard, err
	}
	return nil, nil
}

func (e *env) stop() {
	for _, c := range []*exec.Cmd{e.vanguard, e.facade, e.standin} {
		stopServer(c)
	}
}

// stopServer ends c with SIGTERM, or SIGKILL after 5 s; nil is ignored.
func stopServer(c *exec.Cmd) {
	if c == nil || c.Process == nil || c.ProcessState != nil {
		return
	}
	_ = c.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = c.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = c.Process.Kill()
		<-done
	}
}
func dialer(addr string) func() error {
	return func() error {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
		}
		return err
	}
}

func httpOK(url string) func() error {
	return func() error {
		resp, err := http.Get(url)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: %s", url, resp.Status)
		}
		return nil
	}
}

// cpuTime returns the user+system CPU time a process has used.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	// fields[0] is state (field 3); utime and stime are fields 14 and 15.
	ut, err1 := strconv.ParseInt(fields[11], 10, 64)
	st, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("parse /proc/%d/stat", pid)
	}
	return time.Duration(ut+st) * time.Second / clockTicksPerS, nil
}

// peakRSS returns VmHWM in bytes.
func peakRSS(pid int) (int64, error) { return procStatusKB(pid, "VmHWM:") }

// procStatusKB reads a "Name: N kB" line of /proc/PID/status, in bytes.
func procStatusKB(pid int, name string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no %s for %d", name, pid)
}

type standinStats struct {
	Connections int64 `json:"connections_accepted"`
	HeldNs      int64 `json:"held_ns"`
	HeldCount   int64 `json:"held_count"`
	Requests    int64 `json:"requests"`
}

func getStandinStats() (standinStats, error) {
	var s standinStats
	resp, err := http.Get("http://" + standinAddr + "/_stats")
	if err != nil {
		return s, err
	}
	defer resp.Body.Close()
	return s, json.NewDecoder(resp.Body).Decode(&s)
}

func setLatency(d time.Duration) error {
	resp, err := http.Post("http://"+standinAddr+"/_latency?d="+d.String(), "", nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("set latency: %s", resp.Status)
	}
	return nil
}
