// Package benchca writes, at bench time, a throwaway certificate authority
// and a server certificate for the loopback host signed by it (made by
// internal/testpki), so the stand-in can serve HTTPS and the facade can
// trust it the way a user behind a TLS-inspecting proxy trusts that proxy's
// authority: through a CA file (SSL_CERT_FILE), with no change to the
// facade. No openssl is needed.
package benchca

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/pigello-facade/pigello-facade/internal/testpki"
)

// Files are the PEM files Write wrote.
type Files struct {
	CA   string // the authority's certificate: what a client trusts
	Cert string // the server's certificate (127.0.0.1, ::1, localhost), signed by CA
	Key  string // the server's private key
}

// Write creates the authority and the server certificate (valid for a day,
// testpki's lifetime) and writes them into dir as ca.pem, cert.pem and
// key.pem. The authority's key is never written: nothing else can be signed
// with it once Write returns.
func Write(dir string) (Files, error) {
	f := Files{CA: filepath.Join(dir, "ca.pem"), Cert: filepath.Join(dir, "cert.pem"), Key: filepath.Join(dir, "key.pem")}
	ca, err := testpki.New("pigello-facade bench CA")
	if err != nil {
		return f, fmt.Errorf("benchca: %w", err)
	}
	server, err := ca.Server("127.0.0.1")
	if err != nil {
		return f, fmt.Errorf("benchca: %w", err)
	}
	for _, file := range []struct {
		path string
		pem  []byte
		perm os.FileMode
	}{{f.CA, ca.PEM, 0o644}, {f.Cert, server.Cert, 0o644}, {f.Key, server.Key, 0o600}} {
		if err := os.WriteFile(file.path, file.pem, file.perm); err != nil {
			return f, fmt.Errorf("benchca: %w", err)
		}
	}
	return f, nil
}
