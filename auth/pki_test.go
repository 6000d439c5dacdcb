package auth

import (
	"path/filepath"
	"testing"

	"github.com/pigello-facade/pigello-facade/internal/testkit"
	"github.com/pigello-facade/pigello-facade/internal/testpki"
)

// testCA and keyPair name testpki's types the way these tests read them.
type (
	testCA  = testpki.CA
	keyPair = testpki.KeyPair
)

func newCA(t *testing.T, cn string) *testCA { return testpki.NewCA(t, cn) }

// writeKeyPair writes kp to certFile and keyFile in place.
func writeKeyPair(t *testing.T, kp keyPair, certFile, keyFile string) {
	t.Helper()
	testkit.WriteFile(t, certFile, kp.Cert)
	testkit.WriteFile(t, keyFile, kp.Key)
}

// writePair writes kp into a new directory and returns the paths.
func writePair(t *testing.T, kp keyPair) (certFile, keyFile string) {
	t.Helper()
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	writeKeyPair(t, kp, certFile, keyFile)
	return certFile, keyFile
}
