package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pigello-facade/pigello-facade/bench/internal/standinstats"
)

const (
	pathPrefix = "/accounts/users/organization/workengagement/"
	listPath   = pathPrefix + "list/"
	// maxPageSize is the largest _page_size list/ answers, as the
	// facade's emulator: a larger one is a 400.
	maxPageSize = 1000
)

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
	latency    atomic.Int64 // nanoseconds
	accepted   atomic.Int64 // TCP connections, every listener
	handshakes atomic.Int64 // TLS ClientHellos
	requests   atomic.Int64 // on the API paths
	requestsH2 atomic.Int64 // of those, over HTTP/2

	// overshoot estimates by how much time.Sleep oversleeps (Go's timers
	// wake up to a millisecond late when the process idles in epoll_wait,
	// which counts milliseconds); hold subtracts it, so answers are held
	// for the injected latency on average, not 0.7 ms more.
	overshoot atomic.Int64 // nanoseconds
	// held and heldCount measure what was actually injected.
	held, heldCount atomic.Int64

	pages sync.Map // page size → its list answer, serialised once
}

func newServer(latency time.Duration) *server {
	s := &server{}
	s.latency.Store(int64(latency))
	return s
}

func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/_stats", s.stats)
	mux.HandleFunc("POST /_latency", s.setLatency)
	mux.HandleFunc(pathPrefix, s.workEngagement)
	mux.HandleFunc("GET "+listPath+"{$}", s.list)
	return mux
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

func (s *server) stats(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(standinstats.Stats{
		Connections: s.accepted.Load(), Handshakes: s.handshakes.Load(),
		Requests: s.requests.Load(), RequestsH2: s.requestsH2.Load(),
		HeldNs: s.held.Load(), HeldCount: s.heldCount.Load(),
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

// admit counts an API request, checks its credentials, drains its body
// and holds it for the injected latency. It answers 401 and returns false
// when a credential header is missing.
func (s *server) admit(w http.ResponseWriter, r *http.Request) bool {
	s.requests.Add(1)
	if r.ProtoMajor == 2 {
		s.requestsH2.Add(1)
	}
	for _, h := range credentialHeaders {
		if r.Header.Get(h) == "" {
			http.Error(w, `{"detail":"Authentication credentials were not provided."}`, http.StatusUnauthorized)
			return false
		}
	}
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
	}
	if d := time.Duration(s.latency.Load()); d > 0 {
		s.hold(d)
	}
	return true
}

func (s *server) workEngagement(w http.ResponseWriter, r *http.Request) {
	pk, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, pathPrefix), "/")
	if !ok || !isLowerUUID(pk) {
		http.Error(w, `{"detail":"Not found."}`, http.StatusNotFound)
		return
	}
	if !s.admit(w, r) {
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodPatch:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(appendRecord(make([]byte, 0, len(bodyHead)+len(pk)+len(bodyTail)), pk))
	case http.MethodDelete:
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", "GET, PATCH, DELETE")
		http.Error(w, `{"detail":"Method not allowed."}`, http.StatusMethodNotAllowed)
	}
}

// list answers GET list/?_page=P&_page_size=N with N records as a bare
// JSON array, the cheaper of the two envelopes the facade accepts. Every
// page is full and holds the same records (ids differ within a page), so
// the answer for each page size is serialised once. Other parameters are
// ignored.
func (s *server) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, errPage := strconv.Atoi(q.Get("_page"))
	size, errSize := strconv.Atoi(q.Get("_page_size"))
	if errPage != nil || errSize != nil || page < 1 || size < 1 || size > maxPageSize {
		http.Error(w, `{"detail":"_page and _page_size must be set together, as whole numbers of at least 1 (_page_size at most 1000)."}`, http.StatusBadRequest)
		return
	}
	if !s.admit(w, r) {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(s.listBody(size))
}

// listBody returns the list answer of size records.
func (s *server) listBody(size int) []byte {
	if b, ok := s.pages.Load(size); ok {
		return b.([]byte)
	}
	b := append(make([]byte, 0, size*(len(bodyHead)+36+len(bodyTail)+1)+2), '[')
	for i := range size {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendRecord(b, listID(i))
	}
	b = append(b, ']')
	s.pages.Store(size, b)
	return b
}

func appendRecord(b []byte, pk string) []byte {
	return append(append(append(b, bodyHead...), pk...), bodyTail...)
}

// listID is the pk of the i-th record of a list page: a lowercase UUID.
func listID(i int) string {
	hex := strconv.FormatInt(int64(i), 16)
	return "3f2b8c1e-7a4d-4e6b-9c2a-" + strings.Repeat("0", 12-len(hex)) + hex
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
