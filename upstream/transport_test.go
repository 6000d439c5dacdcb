package upstream

import (
	"crypto/tls"
	"net/http"
	"testing"
	"time"
)

func TestNewTransport(t *testing.T) {
	tr := NewTransport()
	t.Cleanup(tr.CloseIdleConnections)
	if tr.Proxy == nil || tr.DialContext == nil {
		t.Error("Proxy or DialContext is nil")
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"ForceAttemptHTTP2", tr.ForceAttemptHTTP2, true},
		{"MaxIdleConns", tr.MaxIdleConns, 1024},
		{"MaxIdleConnsPerHost", tr.MaxIdleConnsPerHost, 256},
		{"IdleConnTimeout", tr.IdleConnTimeout, 90 * time.Second},
		{"TLSHandshakeTimeout", tr.TLSHandshakeTimeout, 10 * time.Second},
		{"ExpectContinueTimeout", tr.ExpectContinueTimeout, time.Second},
		{"TLS MinVersion", tr.TLSClientConfig.MinVersion, uint16(tls.VersionTLS12)},
		{"TLS InsecureSkipVerify", tr.TLSClientConfig.InsecureSkipVerify, false},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestNewHTTPClient(t *testing.T) {
	hc := NewHTTPClient()
	t.Cleanup(hc.CloseIdleConnections)
	if hc.Timeout != 0 {
		t.Errorf("Timeout = %v, want 0 so the context deadline governs", hc.Timeout)
	}
	if _, ok := hc.Transport.(*http.Transport); !ok {
		t.Errorf("Transport is %T, want *http.Transport", hc.Transport)
	}
	// No CheckRedirect: the Client never consults it (TestRedirectNotFollowed).
}
