package emulator_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/pigello-facade/pigello-facade/emulator"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
)

// freshClient opens a new connection for every request, so that Go's
// transport never replays a request whose connection a fault dropped.
func freshClient(t *testing.T) *http.Client {
	t.Helper()
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

func TestFaultReset(t *testing.T) {
	tests := []struct {
		name       string
		fault      emulator.Fault
		status     int
		retryAfter string
	}{
		{"normal answer", emulator.Fault{Reset: true}, 200, ""},
		{"status answer", emulator.Fault{Reset: true, Status: 503, RetryAfter: "1"}, 503, "1"},
		{"oversized answer", emulator.Fault{Reset: true, Oversized: 1 << 20}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t, emulator.Config{})
			f.emu.Script(emulator.Match{}, tt.fault)
			resp, err := f.send(freshClient(t), "GET", firstDemo(f), "")
			if err != nil {
				t.Fatalf("want the headers before the reset: %v", err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.status || resp.Header.Get("Retry-After") != tt.retryAfter {
				t.Errorf("answer = %d (Retry-After %q), want %d (%q)", resp.StatusCode, resp.Header.Get("Retry-After"), tt.status, tt.retryAfter)
			}
			if data, err := io.ReadAll(resp.Body); !errors.Is(err, io.ErrUnexpectedEOF) || len(data) == 0 {
				t.Errorf("reading the body returned %d bytes and %v, want part of it and %v", len(data), err, io.ErrUnexpectedEOF)
			}
			if resp := f.call(t, "GET", firstDemo(f), ""); resp.status != 200 {
				t.Errorf("GET after the reset = %d, want 200", resp.status)
			}
		})
	}
}

// Reset without an answer of its own serves the request for real first: the
// write is applied and its answer lost.
func TestFaultResetAppliesWrites(t *testing.T) {
	f := setup(t, emulator.Config{})
	f.emu.Script(emulator.Match{Method: "PATCH"}, emulator.Fault{Reset: true})
	f.emu.Script(emulator.Match{Method: "DELETE"}, emulator.Fault{Reset: true})
	resp, err := f.send(freshClient(t), "PATCH", firstDemo(f), `{"name": "Cut off"}`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("reading the PATCH answer returned %v, want %v", err, io.ErrUnexpectedEOF)
	}
	if got := f.call(t, "GET", firstDemo(f), "").object(t)["name"]; got != "Cut off" {
		t.Errorf("name after a reset PATCH = %v, want the PATCH applied", got)
	}

	// A 204 has no body to cut: nothing is sent, the DELETE is done.
	if resp, err := f.send(freshClient(t), "DELETE", firstDemo(f), ""); err == nil {
		resp.Body.Close()
		t.Errorf("reset DELETE answered %d, want no answer", resp.StatusCode)
	}
	f.call(t, "GET", firstDemo(f), "").check(t, 404, notFound)
}

// ServeThenClose applies a write and drops the connection before a byte of
// its answer: the client sees the connection end, Pigello has the change.
func TestFaultServeThenCloseAppliesWrites(t *testing.T) {
	f := setup(t, emulator.Config{})
	f.emu.Script(emulator.Match{Method: "PATCH"}, emulator.Fault{ServeThenClose: true})
	resp, err := f.send(freshClient(t), "PATCH", firstDemo(f), `{"name": "Applied, unheard"}`)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("PATCH answered %d, want the connection dropped before any answer", resp.StatusCode)
	}
	if got := f.call(t, "GET", firstDemo(f), "").object(t)["name"]; got != "Applied, unheard" {
		t.Errorf("name after a PATCH served then closed = %v, want the PATCH applied", got)
	}
}

func TestFaultClose(t *testing.T) {
	f := setup(t, emulator.Config{})
	f.emu.Script(emulator.Match{}, emulator.Fault{Close: true})
	resp, err := f.send(freshClient(t), "GET", firstDemo(f), "")
	if err == nil {
		resp.Body.Close()
		t.Fatalf("GET answered %d, want an error and no answer", resp.StatusCode)
	}
	if timeout := new(url.Error); errors.As(err, &timeout) && timeout.Timeout() {
		t.Errorf("GET returned %v, want the connection closed, not a timeout", err)
	}
	if n := f.emu.Count(emulator.Match{}); n != 1 {
		t.Errorf("Count = %d after one closed request, want 1", n)
	}
	if resp := f.call(t, "GET", firstDemo(f), ""); resp.status != 200 {
		t.Errorf("GET after the close = %d, want 200", resp.status)
	}
}

// Go's transport replays a GET whose reused connection closes before any
// answer: the reason Fault.Close's documentation points at fresh connections.
func TestFaultCloseOnReusedConnection(t *testing.T) {
	f := setup(t, emulator.Config{})
	f.call(t, "GET", firstDemo(f), "") // leaves an idle connection to reuse
	f.emu.Script(emulator.Match{}, emulator.Fault{Close: true})
	if resp := f.call(t, "GET", firstDemo(f), ""); resp.status != 200 {
		t.Errorf("GET = %d, want 200 from the transport's own retry", resp.status)
	}
	if n := f.emu.Count(emulator.Match{}); n != 3 {
		t.Errorf("Count = %d, want 3 (the warm-up, the closed attempt, the retry)", n)
	}
}

// A held request ends when its client gives up: its handler returns, so
// srv.Close does too, and nothing is left running. emu.Close is not called.
func TestFaultHoldEndsWithTheClient(t *testing.T) {
	for name, fault := range map[string]emulator.Fault{"hang": {Hang: true}, "latency": {Latency: time.Hour}} {
		t.Run(name, func(t *testing.T) {
			ignore := goleak.IgnoreCurrent()
			emu := emulator.New(emulator.Config{})
			srv := httptest.NewServer(emu)
			emu.Script(emulator.Match{}, fault)
			tr := &http.Transport{}
			client := &http.Client{Transport: tr, Timeout: 100 * time.Millisecond}
			if resp, err := client.Get(srv.URL + collection); err == nil {
				resp.Body.Close()
				t.Errorf("GET answered %d, want the client to give up", resp.StatusCode)
			}
			tr.CloseIdleConnections()
			closeWithin(t, srv, emu, 5*time.Second)
			if n := emu.Count(emulator.Match{}); n != 1 {
				t.Errorf("Count = %d, want the held request recorded", n)
			}
			goleak.VerifyNone(t, ignore)
		})
	}
}

// Close drops the connections of held requests whose clients would wait
// forever, and every later hold ends at once.
func TestCloseReleasesHeldRequests(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	emu := emulator.New(emulator.Config{})
	srv := httptest.NewServer(emu)
	emu.Script(emulator.Match{}, emulator.Fault{Hang: true}, emulator.Fault{Latency: time.Hour})
	tr := &http.Transport{DisableKeepAlives: true}
	// The timeout only keeps a broken Close from hanging the test binary:
	// the requests must end well before it.
	client := &http.Client{Transport: tr, Timeout: 20 * time.Second}
	errs := make(chan error, 2)
	for range 2 {
		go func() { errs <- get(client, srv.URL+collection) }()
	}
	testkit.Eventually(t, "both requests at the emulator", func() bool { return emu.Count(emulator.Match{}) == 2 })
	emu.Close()
	for range 2 {
		select {
		case err := <-errs:
			if err == nil {
				t.Errorf("a held request was answered, want its connection dropped")
			}
		case <-time.After(5 * time.Second):
			t.Fatal("a held request was not released by Close")
		}
	}

	emu.Script(emulator.Match{}, emulator.Fault{Hang: true})
	start := time.Now()
	if err := get(client, srv.URL+collection); err == nil || time.Since(start) > 2*time.Second {
		t.Errorf("Hang after Close returned %v after %v, want an error at once", err, time.Since(start))
	}
	if err := get(client, srv.URL+collection); err != nil {
		t.Errorf("an unfaulted request after Close returned %v, want an answer", err)
	}
	closeWithin(t, srv, emu, 5*time.Second)
	goleak.VerifyNone(t, ignore)
}

// Over HTTP/2 a connection cannot be hijacked, so the stream is aborted.
func TestFaultsOverHTTP2(t *testing.T) {
	emu := emulator.New(emulator.Config{})
	srv := httptest.NewUnstartedServer(emu)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	t.Cleanup(emu.Close)
	f := &fixture{emu: emu, srv: srv, creds: emulator.DemoCredentials()}
	client := srv.Client()
	client.Timeout = 20 * time.Second // see TestCloseReleasesHeldRequests

	resp, err := f.send(client, "GET", firstDemo(f), "")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Fatalf("Proto = %s, want HTTP/2", resp.Proto)
	}

	emu.Script(emulator.Match{}, emulator.Fault{Close: true}, emulator.Fault{Reset: true}, emulator.Fault{Hang: true})
	if resp, err := f.send(client, "GET", firstDemo(f), ""); err == nil {
		resp.Body.Close()
		t.Errorf("Close: GET answered %d, want an error", resp.StatusCode)
	}
	resp, err = f.send(client, "GET", firstDemo(f), "")
	if err != nil {
		t.Fatalf("Reset: want the headers first: %v", err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(data) == 0 || err == nil {
		t.Errorf("Reset: %d, read %d bytes and %v, want 200, part of the body and an error", resp.StatusCode, len(data), err)
	}
	errs := make(chan error, 1)
	go func() { errs <- get(client, srv.URL+collection) }()
	testkit.Eventually(t, "four requests at the emulator", func() bool { return emu.Count(emulator.Match{}) == 4 })
	emu.Close()
	select {
	case err := <-errs:
		if err == nil {
			t.Errorf("Hang: the request was answered after Close, want it aborted")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Hang: Close did not release the request")
	}
}

// get sends an unauthenticated GET and returns its error, if any.
func get(client *http.Client, url string) error {
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return err
}

// closeWithin fails t unless srv.Close returns within d; it then releases
// held requests so that the test can end.
func closeWithin(t *testing.T, srv *httptest.Server, emu *emulator.Emulator, d time.Duration) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		srv.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Errorf("srv.Close did not return within %v: a handler is still held", d)
		emu.Close()
		<-done
	}
}
