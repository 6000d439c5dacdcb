package auth

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"sync/atomic"
)

// ServerTLSConfig returns a server configuration that serves r's current
// certificate, negotiates TLS 1.2 or later and offers h2 and http/1.1.
//
// With a clientCAFile, every client must present a certificate that
// verifies against the PEM certificates in that file (mutual TLS). The file
// is then reloaded along with r's certificate pair, by r.Watch, and each
// handshake uses the CAs in force: the Config carries
// GetConfigForClient, which returns a copy of it built when the CA file was
// last loaded. Changes made to the returned Config afterwards are therefore
// not seen by mTLS handshakes; call ServerTLSConfig again instead. Sessions
// resumed after the CAs changed are verified against the new CAs (Go does
// this since 1.24.13 and 1.25.7).
func ServerTLSConfig(r *CertReloader, clientCAFile string) (*tls.Config, error) {
	if r == nil {
		return nil, errors.New("auth: ServerTLSConfig needs a CertReloader")
	}
	base := &tls.Config{
		MinVersion:     tls.VersionTLS12,
		GetCertificate: r.GetCertificate,
		NextProtos:     []string{"h2", "http/1.1"},
	}
	if clientCAFile == "" {
		return base, nil
	}
	ca := &clientCAs{path: clientCAFile, base: base}
	src := &source{
		what: "client CA file", logAttrs: []any{"file", clientCAFile},
		paths: []string{clientCAFile}, limit: pemFileLimit, apply: ca.apply,
	}
	if err := src.reload(); err != nil {
		return nil, err
	}
	r.watchAlso(src)
	cfg := ca.cfg.Load().Clone()
	cfg.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) { return ca.cfg.Load(), nil }
	return cfg, nil
}

// clientCAs holds the configuration for the client CAs in force.
type clientCAs struct {
	path string
	base *tls.Config // without client authentication
	cfg  atomic.Pointer[tls.Config]
}

// apply installs a configuration for the CAs in a client CA file.
func (c *clientCAs) apply(data [][]byte) error {
	pool, err := parseCAs(data[0])
	if err != nil {
		return fmt.Errorf("auth: client CA file %s: %w", c.path, err)
	}
	cfg := c.base.Clone()
	cfg.ClientAuth = tls.RequireAndVerifyClientCert
	cfg.ClientCAs = pool
	c.cfg.Store(cfg)
	return nil
}

// parseCAs parses PEM certificates. Unlike CertPool.AppendCertsFromPEM it
// fails on a block it cannot use rather than skipping it, so a damaged
// bundle cannot quietly drop a CA; text between blocks is allowed.
func parseCAs(data []byte) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	for n := 1; ; n++ {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			if n == 1 {
				return nil, errors.New("no PEM certificate found")
			}
			return pool, nil
		}
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("PEM block %d: type %q, want CERTIFICATE", n, block.Type)
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("PEM block %d: %w", n, err)
		}
		pool.AddCert(c)
	}
}
