package upstream

import (
	"crypto/tls"
	"net"
	"net/http"
	"time"
)

// NewTransport returns an http.Transport tuned for a facade that sends many
// concurrent requests to one host.
//
// MaxIdleConnsPerHost is raised from net/http's default of 2: with only two
// idle connections kept per host, every burst of concurrent calls opens and
// then discards connections (and TLS handshakes) to Pigello.
func NewTransport() *http.Transport {
	dialer := &net.Dialer{
		Timeout:   5 * time.Second,
		KeepAlive: 30 * time.Second,
	}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true, // a custom DialContext/TLS config otherwise disables HTTP/2
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
	}
}

// NewHTTPClient returns the http.Client to pass to New.
//
// It has no Timeout: the caller's context deadline governs each call, so a
// gRPC deadline propagates instead of being cut short or outlived by a fixed
// client timeout.
//
// It sets no redirect policy: the Client sends with its transport alone and
// never follows a redirect, whatever the policy (see New).
func NewHTTPClient() *http.Client {
	return &http.Client{Transport: NewTransport()}
}
