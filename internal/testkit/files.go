package testkit

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"testing"
)

// WriteFile writes data to path in place (an existing file keeps its inode)
// and returns path.
func WriteFile(t testing.TB, path string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TokenDigest is the line of a tokens file that accepts token: the hex
// SHA-256 of it.
func TokenDigest(token string) string {
	d := sha256.Sum256([]byte(token))
	return hex.EncodeToString(d[:])
}

// TokensFile is the content of a tokens file accepting tokens, after a
// comment line.
func TokensFile(tokens ...string) []byte {
	s := "# test tokens\n"
	for _, tok := range tokens {
		s += TokenDigest(tok) + "\n"
	}
	return []byte(s)
}
