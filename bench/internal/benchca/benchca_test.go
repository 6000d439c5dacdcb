package benchca

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pigello-facade/pigello-facade/upstream"
)

// setup writes a fresh authority and server certificate into a temporary
// directory.
func setup(t *testing.T) Files {
	t.Helper()
	f, err := Write(t.TempDir())
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	return f
}

func TestWriteCertificateVerifiesForLoopbackOnly(t *testing.T) {
	f := setup(t)
	pair, err := tls.LoadX509KeyPair(f.Cert, f.Key)
	if err != nil {
		t.Fatalf("LoadX509KeyPair: %v", err)
	}
	caPEM, err := os.ReadFile(f.CA)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		t.Fatal("ca.pem holds no certificate")
	}
	for _, tc := range []struct {
		host string
		ok   bool
	}{
		{"127.0.0.1", true},
		{"::1", true},
		{"localhost", true},
		{"api.pigello.io", false},
	} {
		t.Run(tc.host, func(t *testing.T) {
			_, err := pair.Leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: tc.host})
			if (err == nil) != tc.ok {
				t.Errorf("Verify for %s returned %v, want ok=%v", tc.host, err, tc.ok)
			}
		})
	}
}

// childURL, when set, makes TestFacadeTransportTrustsSSLCertFile the child
// process: it makes one GET with the facade's own client and prints the
// protocol. Go reads SSL_CERT_FILE once per process, hence a child.
const childURL = "BENCHCA_CHILD_URL"

// TestFacadeTransportTrustsSSLCertFile shows what the TLS workloads of the
// bench rely on: the facade's Pigello client (upstream.NewHTTPClient, as
// internal/app builds it) trusts an authority named by SSL_CERT_FILE, with
// no change to the facade, and negotiates HTTP/2 by ALPN when the server
// offers it.
func TestFacadeTransportTrustsSSLCertFile(t *testing.T) {
	if u := os.Getenv(childURL); u != "" {
		resp, err := upstream.NewHTTPClient().Get(u)
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		resp.Body.Close()
		fmt.Println(resp.Proto)
		return
	}
	f := setup(t)
	empty := filepath.Join(t.TempDir(), "empty.pem")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		h2     bool
		caFile string
		want   string
	}{
		{"HTTP/1.1 server", false, f.CA, "HTTP/1.1"},
		{"server offering h2", true, f.CA, "HTTP/2.0"},
		{"authority not trusted", true, empty, "error: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := serveTLS(t, f, tc.h2)
			cmd := exec.Command(os.Args[0], "-test.run=^TestFacadeTransportTrustsSSLCertFile$")
			cmd.Env = append(os.Environ(), childURL+"="+url, "SSL_CERT_FILE="+tc.caFile, "SSL_CERT_DIR=")
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("child: %v", err)
			}
			if got := strings.SplitN(string(out), "\n", 2)[0]; !strings.HasPrefix(got, tc.want) {
				t.Errorf("GET with SSL_CERT_FILE=%s answered %q, want %q", filepath.Base(tc.caFile), got, tc.want)
			}
		})
	}
}

// serveTLS starts an HTTPS server with f's certificate, offering h2 by
// ALPN when h2 is set, and returns its URL.
func serveTLS(t *testing.T, f Files, h2 bool) string {
	t.Helper()
	pair, err := tls.LoadX509KeyPair(f.Cert, f.Key)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
	srv.EnableHTTP2 = h2
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.URL
}
