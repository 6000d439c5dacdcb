package app

import (
	"bytes"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// TestHTTPServerBounds: the HTTP server bounds slow headers, slow bodies,
// idle connections and header size. (Waiting out the real timeouts would
// make the suite slow; the values are what is checked.)
func TestHTTPServerBounds(t *testing.T) {
	s := newHTTPServer(http.NotFoundHandler(), slog.New(slog.DiscardHandler))
	if s.ReadHeaderTimeout <= 0 || s.ReadHeaderTimeout > 30*time.Second {
		t.Errorf("ReadHeaderTimeout = %v, want a bound of at most 30s", s.ReadHeaderTimeout)
	}
	if s.ReadTimeout <= 0 || s.IdleTimeout <= 0 {
		t.Errorf("ReadTimeout = %v, IdleTimeout = %v, want both bounded", s.ReadTimeout, s.IdleTimeout)
	}
	if s.MaxHeaderBytes <= 0 || s.MaxHeaderBytes > 1<<20 {
		t.Errorf("MaxHeaderBytes = %d, want a bound under 1 MiB", s.MaxHeaderBytes)
	}
}

// TestGRPCKeepaliveEnforcement speaks raw HTTP/2 to the gRPC port and pings
// far more often than the enforcement policy allows: the server must end
// the connection with GOAWAY ENHANCE_YOUR_CALM ("too_many_pings").
func TestGRPCKeepaliveEnforcement(t *testing.T) {
	env := setup(t)
	conn, err := net.Dial("tcp", env.grpcAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, http2.ClientPreface); err != nil {
		t.Fatal(err)
	}
	fr := http2.NewFramer(conn, conn)
	if err := fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if err := fr.WritePing(false, [8]byte{byte(i)}); err != nil {
			break // the server may already have hung up
		}
	}
	if err := conn.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatalf("connection ended (%v) without GOAWAY ENHANCE_YOUR_CALM", err)
		}
		if ga, ok := f.(*http2.GoAwayFrame); ok {
			if ga.ErrCode != http2.ErrCodeEnhanceYourCalm || !bytes.Contains(ga.DebugData(), []byte("too_many_pings")) {
				t.Errorf("GOAWAY %v %q, want ENHANCE_YOUR_CALM too_many_pings", ga.ErrCode, ga.DebugData())
			}
			return
		}
	}
}
