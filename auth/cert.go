package auth

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// pemFileLimit is the largest certificate, key or CA file read.
const pemFileLimit = 1 << 20

// CertReloader serves a certificate and key pair read from files, reloading
// them when they change. Its methods are safe for concurrent use.
//
// Reloading is done by Watch, never on the handshake path: GetCertificate
// only loads a pointer, so a slow or broken disk cannot slow or fail a
// handshake, and failures have a place to be reported.
type CertReloader struct {
	certFile, keyFile string
	pair              *source
	cert              atomic.Pointer[tls.Certificate]

	mu  sync.Mutex
	cas []*source // client CA files of configs from ServerTLSConfig
}

// NewCertReloader reads the PEM certificate chain in certFile and the PEM
// private key in keyFile. It fails if either cannot be read, does not parse,
// or the key does not match the certificate.
func NewCertReloader(certFile, keyFile string) (*CertReloader, error) {
	r := &CertReloader{certFile: certFile, keyFile: keyFile}
	r.pair = &source{
		what: "TLS certificate", logAttrs: []any{"file", certFile, "key_file", keyFile},
		paths: []string{certFile, keyFile}, limit: pemFileLimit, apply: r.apply,
	}
	if err := r.pair.reload(); err != nil {
		return nil, err
	}
	return r, nil
}

// apply installs a certificate and key from their PEM contents.
func (r *CertReloader) apply(data [][]byte) error {
	c, err := tls.X509KeyPair(data[0], data[1])
	if err != nil {
		return fmt.Errorf("auth: certificate %s with key %s: %w", r.certFile, r.keyFile, err)
	}
	r.cert.Store(&c)
	return nil
}

// GetCertificate returns the certificate in force, for tls.Config's field
// of the same name.
func (r *CertReloader) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return r.cert.Load(), nil
}

// Watch reloads the certificate and key files, and any client CA file of a
// config from ServerTLSConfig, when they change, in the ways Tokens.Watch
// describes, and logs each reload in one line on logger (nil discards).
// It blocks until ctx is done, so run it in its own goroutine.
//
// A pair that does not load (unreadable, unparsable, or a key that does not
// match the certificate) keeps the old one in force. A certificate and key
// written one after the other, rather than swapped together, may be refused
// as mismatched once in between; the second write loads the pair.
func (r *CertReloader) Watch(ctx context.Context, interval time.Duration, logger *slog.Logger) {
	watch(ctx, interval, logger, r.sources)
}

// sources returns the pair and the client CA files.
func (r *CertReloader) sources() []*source {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*source{r.pair}, r.cas...)
}

// watchAlso adds a client CA file to what Watch covers.
func (r *CertReloader) watchAlso(s *source) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cas = append(r.cas, s)
}
