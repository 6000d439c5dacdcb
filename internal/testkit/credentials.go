package testkit

import (
	"strings"
	"testing"
)

// CredentialValue returns a test value for the credential Pigello reads from
// header (X-PIGELLO-CLIENT-SECRET): distinct for each header and each set,
// a word saying whose the values are ("SECRET" for the ones a test's
// Pigello accepts, "WRONG" for ones it refuses), so a leak of any one of
// them shows, and which one it was. It takes the header rather than a
// Credentials so that upstream's own tests can use it too.
func CredentialValue(set, header string) string {
	return set + "-" + strings.ToLower(strings.TrimPrefix(header, "X-PIGELLO-"))
}

// AssertNoSecret fails if s, described by what, contains any of secrets.
func AssertNoSecret(t testing.TB, what, s string, secrets []string) {
	t.Helper()
	for _, v := range secrets {
		if strings.Contains(s, v) {
			t.Errorf("%s contains the credential value %q:\n%s", what, v, s)
		}
	}
}
