// Package benchca makes, at bench time, a throwaway certificate authority
// and a server certificate for 127.0.0.1 signed by it, so the stand-in can
// serve HTTPS and the facade can trust it the way a user behind a
// TLS-inspecting proxy trusts that proxy's authority: through a CA file
// (SSL_CERT_FILE), with no change to the facade. No openssl is needed.
package benchca

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Files are the PEM files Write wrote.
type Files struct {
	CA   string // the authority's certificate: what a client trusts
	Cert string // the server's certificate (127.0.0.1, ::1, localhost), signed by CA
	Key  string // the server's private key
}

// Write creates the authority and the server certificate, both valid from
// an hour ago for validFor, and writes them into dir as ca.pem, cert.pem and
// key.pem. The keys are ECDSA P-256. The authority's key is never written:
// nothing else can be signed with it once Write returns.
func Write(dir string, validFor time.Duration) (Files, error) {
	f := Files{CA: filepath.Join(dir, "ca.pem"), Cert: filepath.Join(dir, "cert.pem"), Key: filepath.Join(dir, "key.pem")}
	notBefore := time.Now().Add(-time.Hour)
	notAfter := time.Now().Add(validFor)
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return f, fmt.Errorf("benchca: %w", err)
	}
	caTmpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: "pigello-facade bench CA"},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := sign(caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return f, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return f, fmt.Errorf("benchca: %w", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return f, fmt.Errorf("benchca: %w", err)
	}
	leafDER, err := sign(&x509.Certificate{
		Subject:     pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:   notBefore,
		NotAfter:    notAfter,
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:    []string{"localhost"},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, ca, &key.PublicKey, caKey)
	if err != nil {
		return f, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return f, fmt.Errorf("benchca: %w", err)
	}
	if err := writePEM(f.CA, "CERTIFICATE", caDER, 0o644); err != nil {
		return f, err
	}
	if err := writePEM(f.Cert, "CERTIFICATE", leafDER, 0o644); err != nil {
		return f, err
	}
	return f, writePEM(f.Key, "PRIVATE KEY", keyDER, 0o600)
}

// sign issues tmpl, with a random serial number, signed by parent's key.
func sign(tmpl, parent *x509.Certificate, pub *ecdsa.PublicKey, parentKey *ecdsa.PrivateKey) ([]byte, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, fmt.Errorf("benchca: %w", err)
	}
	tmpl.SerialNumber = serial
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, parentKey)
	if err != nil {
		return nil, fmt.Errorf("benchca: %w", err)
	}
	return der, nil
}

func writePEM(path, blockType string, der []byte, perm os.FileMode) error {
	b := pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der})
	if err := os.WriteFile(path, b, perm); err != nil {
		return fmt.Errorf("benchca: %w", err)
	}
	return nil
}
