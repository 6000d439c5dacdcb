package main

import (
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pigello-facade/pigello-facade/bench/internal/benchca"
	"github.com/pigello-facade/pigello-facade/bench/internal/standinstats"
	"github.com/pigello-facade/pigello-facade/upstream"
)

const getPath = pathPrefix + "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31/"

// testEnv is a stand-in serving on three loopback listeners.
type testEnv struct {
	s                    *server
	plain, tlsURL, h2URL string // base URLs
	roots                *x509.CertPool
}

func setup(t *testing.T) *testEnv {
	t.Helper()
	files, err := benchca.Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	caPEM, err := os.ReadFile(files.CA)
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{s: newServer(0), roots: x509.NewCertPool()}
	e.roots.AppendCertsFromPEM(caPEM)
	// The listeners as the flags bind them (listen), in their order.
	ls, err := listen(config{addr: "127.0.0.1:0", tlsAddr: "127.0.0.1:0", h2Addr: "127.0.0.1:0", cert: files.Cert, key: files.Key})
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, l := range ls {
		t.Cleanup(func() { l.Close() })
		go func() { _ = e.s.serve(l, l.cert, l.h2) }()
		scheme := "http"
		if l.cert != nil {
			scheme = "https"
		}
		urls = append(urls, scheme+"://"+l.Addr().String())
	}
	if len(urls) != 3 {
		t.Fatalf("listen bound %d listeners, want 3", len(urls))
	}
	e.plain, e.tlsURL, e.h2URL = urls[0], urls[1], urls[2]
	return e
}

// client is the facade's own transport (upstream.NewTransport), trusting
// the test's authority.
func (e *testEnv) client(t *testing.T) *http.Client {
	tr := upstream.NewTransport()
	tr.TLSClientConfig.RootCAs = e.roots
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// get makes a GET with the seven credential headers and returns the
// status and body.
func get(t *testing.T, c *http.Client, url string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range credentialHeaders {
		req.Header.Set(h, "bench")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

func (e *testEnv) stats(t *testing.T) standinstats.Stats {
	t.Helper()
	// A connection of its own each time, so the deltas are exact.
	noPool := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	_, body := get(t, noPool, e.plain+"/_stats")
	var s standinstats.Stats
	if err := json.Unmarshal(body, &s); err != nil {
		t.Fatalf("/_stats: %v", err)
	}
	return s
}

func TestList(t *testing.T) {
	e := setup(t)
	for _, tc := range []struct {
		query      string
		wantStatus int
		wantItems  int
	}{
		{"?_page=1&_page_size=50", http.StatusOK, 50},
		{"?_page=7&_page_size=3", http.StatusOK, 3},
		{"?_page=1&_page_size=1000", http.StatusOK, 1000},
		{"?_page_size=50", http.StatusBadRequest, 0},
		{"?_page=1", http.StatusBadRequest, 0},
		{"?_page=0&_page_size=50", http.StatusBadRequest, 0},
		{"?_page=1&_page_size=1001", http.StatusBadRequest, 0},
		{"?_page=99999999999999999999&_page_size=5", http.StatusBadRequest, 0},
		{"?_page=one&_page_size=5", http.StatusBadRequest, 0},
	} {
		t.Run(tc.query, func(t *testing.T) {
			status, body := get(t, e.client(t), e.plain+listPath+tc.query)
			if status != tc.wantStatus {
				t.Fatalf("GET list/%s answered %d, want %d: %s", tc.query, status, tc.wantStatus, body)
			}
			if status != http.StatusOK {
				return
			}
			var items []struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(body, &items); err != nil {
				t.Fatalf("list answer is not a JSON array of objects: %v", err)
			}
			ids := map[string]bool{}
			for _, it := range items {
				if !isLowerUUID(it.ID) || ids[it.ID] {
					t.Fatalf("item id %q: not a lowercase UUID, or repeated", it.ID)
				}
				ids[it.ID] = true
			}
			if len(items) != tc.wantItems {
				t.Errorf("GET list/%s answered %d items, want %d", tc.query, len(items), tc.wantItems)
			}
		})
	}
}

func TestListNeedsCredentials(t *testing.T) {
	e := setup(t)
	resp, err := http.Get(e.plain + listPath + "?_page=1&_page_size=5")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("list/ without credentials answered %d, want 401", resp.StatusCode)
	}
}

// TestCountsConnectionsHandshakesAndHTTP2 checks the counters the bench
// reads after warm-up: with the facade's transport, pooled calls open one
// connection and one TLS handshake, HTTP/2 is used when the listener
// offers it, and a fresh client per call shows as one of each per call.
func TestCountsConnectionsHandshakesAndHTTP2(t *testing.T) {
	const calls = 5
	e := setup(t)
	for _, tc := range []struct {
		name  string
		base  string
		fresh bool // a new client, so a new connection, per call
		want  standinstats.Stats
	}{
		{"plaintext pooled", e.plain, false, standinstats.Stats{Connections: 1, Requests: calls}},
		{"TLS pooled", e.tlsURL, false, standinstats.Stats{Connections: 1, Handshakes: 1, Requests: calls}},
		{"TLS h2 pooled", e.h2URL, false, standinstats.Stats{Connections: 1, Handshakes: 1, Requests: calls, RequestsH2: calls}},
		{"TLS new client per call", e.tlsURL, true, standinstats.Stats{Connections: calls, Handshakes: calls, Requests: calls}},
		{"TLS h2 new client per call", e.h2URL, true, standinstats.Stats{Connections: calls, Handshakes: calls, Requests: calls, RequestsH2: calls}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.stats(t)
			c := e.client(t)
			for range calls {
				if tc.fresh {
					c = e.client(t)
				}
				if status, body := get(t, c, tc.base+getPath); status != http.StatusOK {
					t.Fatalf("GET answered %d: %s", status, body)
				}
			}
			after := e.stats(t)
			got := after.Minus(before)
			got.HeldNs, got.HeldCount = 0, 0 // latency bookkeeping, not compared
			// The /_stats call after the run has a connection of its own
			// (plaintext, outside the API paths): take it out.
			got.Connections--
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("stats delta over %d calls (-want +got):\n%s", calls, diff)
			}
		})
	}
}
