// Package testpki makes throwaway certificate authorities and certificates
// in memory, for tests that need real TLS handshakes and for the bench's
// HTTPS stand-in (bench/internal/benchca). It is not for production use:
// keys are fresh ECDSA P-256 and certificates live a day.
//
// New, Server and Client return errors, for programs; NewCA, ServerCert,
// ClientCert and TLSCertificate stop the test instead.
package testpki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"testing"
	"time"
)

// lifetime is how long a certificate is valid, from an hour before it is
// made (so a clock a little behind still accepts it).
const lifetime = 24 * time.Hour

// CA is an in-memory certificate authority. Its key never leaves it.
type CA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	// PEM is the CA certificate, for a client CA file or a RootCAs pool.
	PEM []byte
}

// KeyPair is a PEM certificate and its PEM private key.
type KeyPair struct{ Cert, Key []byte }

// New creates a self-signed CA named cn.
func New(cn string) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("testpki: %w", err)
	}
	tmpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: cn},
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := sign(tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("testpki: %w", err)
	}
	return &CA{cert: cert, key: key, PEM: pemBlock("CERTIFICATE", der)}, nil
}

// Pool returns a pool holding only ca.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

// Server issues a certificate for the loopback host: localhost, 127.0.0.1
// and ::1.
func (ca *CA) Server(cn string) (KeyPair, error) {
	return ca.issue(&x509.Certificate{
		Subject:     pkix.Name{CommonName: cn},
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
}

// Client issues a certificate for client authentication.
func (ca *CA) Client(cn string) (KeyPair, error) {
	return ca.issue(&x509.Certificate{
		Subject:     pkix.Name{CommonName: cn},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
}

func (ca *CA) issue(tmpl *x509.Certificate) (KeyPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return KeyPair{}, fmt.Errorf("testpki: %w", err)
	}
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	der, err := sign(tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return KeyPair{}, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return KeyPair{}, fmt.Errorf("testpki: %w", err)
	}
	return KeyPair{Cert: pemBlock("CERTIFICATE", der), Key: pemBlock("PRIVATE KEY", keyDER)}, nil
}

// sign issues tmpl with a random serial number and the package's lifetime,
// signed by parentKey as parent.
func sign(tmpl, parent *x509.Certificate, pub *ecdsa.PublicKey, parentKey *ecdsa.PrivateKey) ([]byte, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("testpki: %w", err)
	}
	tmpl.SerialNumber = serial
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = tmpl.NotBefore.Add(lifetime)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, parentKey)
	if err != nil {
		return nil, fmt.Errorf("testpki: %w", err)
	}
	return der, nil
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// NewCA is New for tests: it stops t on an error.
func NewCA(t testing.TB, cn string) *CA {
	t.Helper()
	ca, err := New(cn)
	stopOn(t, err)
	return ca
}

// ServerCert is Server for tests: it stops t on an error.
func (ca *CA) ServerCert(t testing.TB, cn string) KeyPair {
	t.Helper()
	kp, err := ca.Server(cn)
	stopOn(t, err)
	return kp
}

// ClientCert is Client for tests: it stops t on an error.
func (ca *CA) ClientCert(t testing.TB, cn string) KeyPair {
	t.Helper()
	kp, err := ca.Client(cn)
	stopOn(t, err)
	return kp
}

// TLSCertificate returns the pair for a tls.Config.
func (kp KeyPair) TLSCertificate(t testing.TB) tls.Certificate {
	t.Helper()
	c, err := tls.X509KeyPair(kp.Cert, kp.Key)
	stopOn(t, err)
	return c
}

func stopOn(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
