package auth

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
)

// sortedHex lists a digest set as sorted lower-case hex, for comparison.
func sortedHex(set digestSet) []string {
	var out []string
	for d := range set {
		out = append(out, hex.EncodeToString(d[:]))
	}
	sort.Strings(out)
	return out
}

func TestParseDigests(t *testing.T) {
	a, b := testkit.TokenDigest("token-a"), testkit.TokenDigest("token-b")
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"one", a + "\n", []string{a}},
		{"no final newline", a, []string{a}},
		{"empty", "", nil},
		{"only comments and blanks", "# nothing yet\n\n   \n\t# still nothing\n", nil},
		{"comments", "# header\n" + a + "\n\n# b follows\n" + b + "\n", sortedPair(a, b)},
		{"trailing comment", a + "  # ci pipeline\n" + b + "# no space\n", sortedPair(a, b)},
		{"upper case", strings.ToUpper(a) + "\n", []string{a}},
		{"surrounding spaces", "  \t" + a + " \t\n", []string{a}},
		{"CRLF", a + "\r\n" + b + "\r\n", sortedPair(a, b)},
		{"byte order mark", "\ufeff" + a + "\n", []string{a}},
		{"duplicates count once", a + "\n" + strings.ToUpper(a) + "\n", []string{a}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := parseDigests([]byte(tt.in))
			if err != nil {
				t.Fatalf("parseDigests returned %v", err)
			}
			if diff := cmp.Diff(tt.want, sortedHex(set)); diff != "" {
				t.Errorf("digests (-want +got):\n%s", diff)
			}
		})
	}
}

func sortedPair(x, y string) []string {
	s := []string{x, y}
	sort.Strings(s)
	return s
}

func TestParseDigestsRejectsLineWithoutShowingIt(t *testing.T) {
	a := testkit.TokenDigest("token-a")
	const secret = "s3cr3t-PLAIN-token"
	tests := []struct {
		name, in, bad string
		line          int
	}{
		{"plain token", a + "\n" + secret + "\n", secret, 2},
		{"short", "# c\n\n" + a[:63] + "\n", a[:63], 3},
		{"long", a + "0\n", a + "0", 1},
		{"not hex", strings.Repeat("g", 64) + "\n", strings.Repeat("g", 64), 1},
		{"two on a line", a + " " + a + "\n", a + " " + a, 1},
		{"prefixed", "sha256:" + a + "\n", "sha256:", 1},
		{"secret after valid lines", a + "\n" + a + "\n# x\n" + secret + " # comment\n", secret, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseDigests([]byte(tt.in))
			if err == nil {
				t.Fatal("parseDigests returned nil error")
			}
			if want := "line " + strconv.Itoa(tt.line) + ":"; !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not name %q", err, want)
			}
			if strings.Contains(err.Error(), tt.bad) {
				t.Errorf("error %q shows the line's content", err)
			}
		})
	}
}

func TestLoadTokens(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tokens")

	t.Run("valid", func(t *testing.T) {
		testkit.WriteFile(t, path, testkit.TokensFile("a", "b"))
		tok, err := LoadTokens(path)
		if err != nil {
			t.Fatalf("LoadTokens returned %v", err)
		}
		if got := tok.Count(); got != 2 {
			t.Errorf("Count returned %d, want 2", got)
		}
	})
	t.Run("empty file admits nobody", func(t *testing.T) {
		testkit.WriteFile(t, path, nil)
		tok, err := LoadTokens(path)
		if err != nil {
			t.Fatalf("LoadTokens returned %v", err)
		}
		if got := tok.Count(); got != 0 {
			t.Errorf("Count returned %d, want 0", got)
		}
		if err := tok.Check("Bearer anything"); !errors.Is(err, ErrInvalidToken) {
			t.Errorf("Check returned %v, want %v", err, ErrInvalidToken)
		}
	})
	t.Run("missing", func(t *testing.T) {
		_, err := LoadTokens(filepath.Join(dir, "nope"))
		if !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "auth: ") {
			t.Errorf("LoadTokens returned %v, want an auth: error wrapping fs.ErrNotExist", err)
		}
	})
	t.Run("malformed", func(t *testing.T) {
		testkit.WriteFile(t, path, []byte("# ok\nplain-token\n"))
		_, err := LoadTokens(path)
		if err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), path) ||
			strings.Contains(err.Error(), "plain-token") {
			t.Errorf("LoadTokens returned %v, want an error naming the file and line 2 only", err)
		}
	})
	t.Run("directory", func(t *testing.T) {
		if _, err := LoadTokens(dir); err == nil {
			t.Error("LoadTokens of a directory returned nil error")
		}
	})
	t.Run("too large", func(t *testing.T) {
		// Comment lines only: nothing but the size is wrong with it.
		testkit.WriteFile(t, path, bytes.Repeat([]byte("#\n"), tokenFileLimit/2+1))
		if _, err := LoadTokens(path); err == nil {
			t.Error("LoadTokens of a file over 1 MiB returned nil error")
		}
	})
	t.Run("largest", func(t *testing.T) {
		testkit.WriteFile(t, path, bytes.Repeat([]byte("#\n"), tokenFileLimit/2))
		if _, err := LoadTokens(path); err != nil {
			t.Errorf("LoadTokens of a 1 MiB file returned %v", err)
		}
	})
	t.Run("unreadable", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads anything")
		}
		testkit.WriteFile(t, path, testkit.TokensFile("a"))
		if err := os.Chmod(path, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadTokens(path); !errors.Is(err, fs.ErrPermission) {
			t.Errorf("LoadTokens returned %v, want fs.ErrPermission", err)
		}
	})
}

// TestExampleTokenFile keeps testdata/tokens, the documented format, valid.
func TestExampleTokenFile(t *testing.T) {
	tok, err := LoadTokens(filepath.Join("testdata", "tokens"))
	if err != nil {
		t.Fatalf("LoadTokens returned %v", err)
	}
	if got := tok.Count(); got != 2 {
		t.Errorf("Count returned %d, want 2", got)
	}
	for _, token := range []string{"example-ci-token", "example-ops-token"} {
		if err := tok.Check("Bearer " + token); err != nil {
			t.Errorf("Check(%q) returned %v", token, err)
		}
	}
}
