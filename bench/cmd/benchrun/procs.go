package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pigello-facade/pigello-facade/bench/internal/benchca"
	"github.com/pigello-facade/pigello-facade/bench/internal/standinstats"
	"github.com/pigello-facade/pigello-facade/upstream"
)

// Fixed loopback ports; the bench owns them for its run.
const (
	standinAddr     = "127.0.0.1:18700"
	standinTLSAddr  = "127.0.0.1:18701" // HTTPS, HTTP/1.1 only
	standinH2Addr   = "127.0.0.1:18702" // HTTPS offering HTTP/2 by ALPN
	facadeGRPCAddr  = "127.0.0.1:18790"
	facadeHTTPAddr  = "127.0.0.1:18780"
	facadeDebugAddr = "127.0.0.1:18760" // Go's pprof (--debug-addr), for the profile run
	vanguardAddr    = "127.0.0.1:18791"
	clockTicksPerS  = 100 // USER_HZ on Linux
	credentialValue = "bench"

	standinURL    = "http://" + standinAddr
	standinTLSURL = "https://" + standinTLSAddr
	standinH2URL  = "https://" + standinH2Addr
)

// env is the set of running servers.
type env struct {
	bin, facadeBin            string
	pinned                    bool
	childEnv                  []string // for every process started: SSL_CERT_FILE naming the bench's authority
	standin, facade, vanguard *process // facade and vanguard: the current process, nil before the first run
}

// process is a started server and its readiness check.
type process struct {
	*exec.Cmd
	ready func() error
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

// child is command for a process of the bench (not the go build): it
// trusts the bench's authority.
func (e *env) child(ctx context.Context, cpu string, name string, args ...string) *exec.Cmd {
	cmd := command(ctx, cpu, name, args...)
	cmd.Env = append(cmd.Env, e.childEnv...)
	return cmd
}

// memoryVariables are the facade's memory settings: the Go runtime's and
// its own.
var memoryVariables = []string{"GOGC=", "GOMEMLIMIT=", "FACADE_MEMORY_LIMIT=", "FACADE_GC_PERCENT="}

// withGC returns environ with every memory setting replaced by gc's, so a
// variable gc leaves out is unset; a nil gc returns environ unchanged.
func withGC(environ, gc []string) []string {
	if gc == nil {
		return environ
	}
	out := slices.DeleteFunc(slices.Clone(environ), func(kv string) bool {
		return slices.ContainsFunc(memoryVariables, func(v string) bool { return strings.HasPrefix(kv, v) })
	})
	return append(out, gc...)
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

// startEnv writes the bench's certificate authority and the stand-in's
// certificate into bin and starts the stand-in on its three listeners.
func startEnv(ctx context.Context, bin, facade string) (*env, error) {
	for _, addr := range []string{standinAddr, standinTLSAddr, standinH2Addr, facadeGRPCAddr, facadeHTTPAddr, facadeDebugAddr, vanguardAddr} {
		if dialer(addr)() == nil { // a leftover server would be measured instead
			return nil, fmt.Errorf("%s is already in use", addr)
		}
	}
	certs, err := benchca.Write(bin)
	if err != nil {
		return nil, err
	}
	e := &env{bin: bin, facadeBin: facade, pinned: canPin(), childEnv: []string{"SSL_CERT_FILE=" + certs.CA}}
	logf("pinning servers to CPU 0 and load to CPU 1: %v", e.pinned)
	e.standin, err = startServer(e.child(ctx, e.serverCPU(), bin+"/standin", "-addr", standinAddr,
		"-tls-addr", standinTLSAddr, "-h2-addr", standinH2Addr, "-cert", certs.Cert, "-key", certs.Key),
		allOf(dialer(standinAddr), dialer(standinTLSAddr), dialer(standinH2Addr)))
	return e, err
}

// startServer starts cmd and waits until ready succeeds. Its output goes
// where cmd.Stdout says (nowhere unless set); its errors nowhere.
func startServer(cmd *exec.Cmd, ready func() error) (*process, error) {
	cmd.Stderr = nil
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		err := ready()
		if err == nil {
			return &process{Cmd: cmd, ready: ready}, nil
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
// process calling w's upstream, so each run's peak RSS is its own, not a
// high-water mark left by an earlier, heavier run. It returns the new
// process, or nil for the floor.
func (e *env) restart(ctx context.Context, t target, w workload) (*process, error) {
	var err error
	switch t.server {
	case serverFacade:
		stopServer(e.facade)
		cmd := e.child(ctx, e.serverCPU(), e.facadeBin,
			"--pigello-base-url", w.upstream, "--grpc-addr", facadeGRPCAddr, "--http-addr", facadeHTTPAddr,
			"--debug-addr", facadeDebugAddr, "--insecure")
		cmd.Env = withGC(cmd.Env, t.gc)
		// The facade logs as it does by default, a line per call at info,
		// into a pipe that is read and dropped, as a container runtime
		// reads a container's stdout.
		cmd.Stdout = io.Discard
		e.facade, err = startServer(cmd, httpOK("http://"+facadeHTTPAddr+"/readyz"))
		return e.facade, err
	case serverVanguard:
		stopServer(e.vanguard)
		e.vanguard, err = startServer(e.child(ctx, e.serverCPU(), e.bin+"/vanguard", "-addr", vanguardAddr, "-upstream", w.upstream),
			dialer(vanguardAddr))
		return e.vanguard, err
	}
	return nil, nil
}

func (e *env) stop() {
	for _, p := range []*process{e.vanguard, e.facade, e.standin} {
		stopServer(p)
	}
}

// stopServer ends p with SIGTERM, or SIGKILL after 5 s; nil is ignored.
func stopServer(p *process) {
	if p == nil || p.Process == nil || p.ProcessState != nil {
		return
	}
	_ = p.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = p.Process.Kill()
		<-done
	}
}

// allOf is a readiness check that holds when every check does.
func allOf(checks ...func() error) func() error {
	return func() error {
		for _, c := range checks {
			if err := c(); err != nil {
				return err
			}
		}
		return nil
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

func getStandinStats() (standinstats.Stats, error) {
	var s standinstats.Stats
	resp, err := http.Get(standinURL + "/_stats")
	if err != nil {
		return s, err
	}
	defer resp.Body.Close()
	return s, json.NewDecoder(resp.Body).Decode(&s)
}

func setLatency(d time.Duration) error {
	resp, err := http.Post(standinURL+"/_latency?d="+d.String(), "", nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("set latency: %s", resp.Status)
	}
	return nil
}

// defaultGCHelp is how the facade's -h says its default GC percentage, in
// --gc-percent's allowed values: "auto (GOGC when set, else off)".
var defaultGCHelp = regexp.MustCompile(`auto \(GOGC when set, else ([0-9]+|off)\)`)

// defaultGCIn is the default GC percentage the facade's -h output help
// says ("off", "200"); "" when it says none.
func defaultGCIn(help []byte) string {
	if m := defaultGCHelp.FindSubmatch(help); m != nil {
		return string(m[1])
	}
	return ""
}

// facadeDefaultGC is the facade's default GC percentage as its -h says it
// ("off", "200"), for the memory matrix's labels; "" when -h does not say.
func facadeDefaultGC(ctx context.Context, facade string) string {
	help, err := exec.CommandContext(ctx, facade, "-h").CombinedOutput()
	if gc := defaultGCIn(help); err == nil && gc != "" {
		return gc
	}
	logf("the facade's -h names no default GC percentage (%v): the memory matrix's rows say \"facade's default GC\" alone", err)
	return ""
}
