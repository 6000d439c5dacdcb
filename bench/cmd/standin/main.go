// Command standin is a minimal HTTP stand-in for Pigello's work-engagement
// endpoints: it answers GET, PATCH and DELETE on
// /accounts/users/organization/workengagement/{pk}/ with pre-serialised JSON,
// optionally after an injected latency, and counts the TCP connections it
// accepted (GET /_stats; POST /_latency?d=20ms changes the latency), so a benchmark can see connection churn. It checks
// that the seven X-PIGELLO-* headers are present and nothing more.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

const pathPrefix = "/accounts/users/organization/workengagement/"

// The record around the pk, split so an answer is two appends, no encoding.
const (
	bodyHead = `{"id":"`
	bodyTail = `","name":"Full-time employment","organization":{"id":"0b7e3c2a-5f1d-4a8e-b6c4-2e9f1a3d5c70"},` +
		`"custom_id":"WE-0001","color_code":"1E90ff",` +
		`"template_notifications":[{"id":"5e0c1f3a-8d2b-4b7e-9f4a-6c1d2e3f4a5b"},{"id":"7a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d"}],` +
		`"template_sms_notifications":[{"id":"9b8a7c6d-5e4f-4d3c-a2b1-0f9e8d7c6b5a"}],"template_email_notifications":[],` +
		`"tags":[{"id":"2c4e6a8b-1d3f-4e5a-b7c9-0a2b4c6d8e0f","name":"Priority"}],` +
		`"customer_columns":{"cost_center":"4100","headcount":12},"created_at":"2024-01-15T09:30:00.123456Z"}`
)

var credentialHeaders = [...]string{
	"X-Pigello-Application-Id", "X-Pigello-Client-Ct", "X-Pigello-Client-Entity", "X-Pigello-Client-Secret",
	"X-Pigello-Customer-Id", "X-Pigello-Service-Id", "X-Pigello-Service-Version-Id",
}

// countingListener counts accepted connections.
type countingListener struct {
	net.Listener
	accepted *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.accepted.Add(1)
	}
	return c, err
}

type server struct {
	latency  atomic.Int64 // nanoseconds
	accepted atomic.Int64
	requests atomic.Int64

	// overshoot estimates by how much time.Sleep oversleeps (Go's timers
	// wake up to a millisecond late when the process idles in epoll_wait,
	// which counts milliseconds); hold subtracts it, so answers are held
	// for the injected latency on average, not 0.7 ms more.
	overshoot atomic.Int64 // nanoseconds
	// held and heldCount measure what was actually injected.
	held, heldCount atomic.Int64
}

// hold delays an answer by d on average.
func (s *server) hold(d time.Duration) {
	start := time.Now()
	time.Sleep(d - time.Duration(s.overshoot.Load()))
	took := time.Since(start)
	// An exponentially weighted mean of the error, over about 64 answers.
	err := took - d
	s.overshoot.Add(int64(err) / 64)
	s.held.Add(int64(took))
	s.heldCount.Add(1)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:18000", "listen address")
	latency := flag.Duration("latency", 0, "latency added before every answer on the API paths")
	flag.Parse()
	if err := run(*addr, *latency); err != nil {
		fmt.Fprintln(os.Stderr, "standin:", err)
		os.Exit(1)
	}
}

func run(addr string, latency time.Duration) error {
	s := &server{}
	s.latency.Store(int64(latency))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/_stats", s.stats)
	mux.HandleFunc("POST /_latency", s.setLatency)
	mux.HandleFunc(pathPrefix, s.workEngagement)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	return srv.Serve(countingListener{Listener: ln, accepted: &s.accepted})
}

func (s *server) stats(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]int64{
		"connections_accepted": s.accepted.Load(),
		"requests":             s.requests.Load(),
		"held_ns":              s.held.Load(),
		"held_count":           s.heldCount.Load(),
	})
}

// setLatency changes the injected latency: POST /_latency?d=20ms.
func (s *server) setLatency(w http.ResponseWriter, r *http.Request) {
	d, err := time.ParseDuration(r.URL.Query().Get("d"))
	if err != nil || d < 0 {
		http.Error(w, "bad d", http.StatusBadRequest)
		return
	}
	s.latency.Store(int64(d))
	s.held.Store(0)
	s.heldCount.Store(0)
	w.WriteHeader(http.StatusNoContent)
}

func (s *server) workEngagement(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	pk, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, pathPrefix), "/")
	if !ok || !isLowerUUID(pk) {
		http.Error(w, `{"detail":"Not found."}`, http.StatusNotFound)
		return
	}
	for _, h := range credentialHeaders {
		if r.Header.Get(h) == "" {
			http.Error(w, `{"detail":"Authentication credentials were not provided."}`, http.StatusUnauthorized)
			return
		}
	}
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
	}
	if d := time.Duration(s.latency.Load()); d > 0 {
		s.hold(d)
	}
	switch r.Method {
	case http.MethodGet, http.MethodPatch:
		b := make([]byte, 0, len(bodyHead)+len(pk)+len(bodyTail))
		b = append(append(append(b, bodyHead...), pk...), bodyTail...)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	case http.MethodDelete:
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", "GET, PATCH, DELETE")
		http.Error(w, `{"detail":"Method not allowed."}`, http.StatusMethodNotAllowed)
	}
}

// isLowerUUID reports whether s is a UUID in lowercase hex.
func isLowerUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
	}
	return true
}
