package emulator

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestPyStrip(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  a b  ", "a b"},
		{"\t\n\v\f\r a \r\n", "a"},
		{"\x1c\x1d\x1e\x1fa\x1f", "a"}, // Python's isspace, not Go's
		{"\u0085\u00a0\u1680\u2000a\u200a\u2028\u2029\u202f\u205f\u3000", "a"},
		{"\u200ba\u180e", "\u200ba\u180e"}, // not whitespace in Python either
		{"\x00a\x00", "\x00a\x00"},
	}
	for _, tt := range tests {
		if got := pyStrip(tt.in); got != tt.want {
			t.Errorf("pyStrip(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatTime(t *testing.T) {
	stockholm := time.FixedZone("CET", 3600)
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 11, 27, 15, 11, 15, 123456789, time.UTC), "2026-11-27T15:11:15.123456Z"},
		{time.Date(2026, 11, 27, 16, 11, 15, 5000, stockholm), "2026-11-27T15:11:15.000005Z"},
		{time.Date(2026, 11, 27, 15, 11, 15, 0, time.UTC), "2026-11-27T15:11:15Z"},
		{time.Date(2026, 11, 27, 15, 11, 15, 999, time.UTC), "2026-11-27T15:11:15Z"}, // below a microsecond
	}
	for _, tt := range tests {
		if got := formatTime(tt.in); got != tt.want {
			t.Errorf("formatTime(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNewUUID(t *testing.T) {
	v4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 1000 {
		id := newUUID()
		if !v4.MatchString(id) || !pkPattern.MatchString(id) {
			t.Fatalf("newUUID() = %q, want a lower-case v4 UUID", id)
		}
		if seen[id] {
			t.Fatalf("newUUID() repeated %q", id)
		}
		seen[id] = true
	}
}

func TestLoneSurrogate(t *testing.T) {
	tests := []struct {
		lit  string
		want rune // 0 for none
	}{
		{`"plain"`, 0},
		{`"\ud83d\ude00"`, 0},
		{`"\ud800"`, 0xd800},
		{`"a\udfffb"`, 0xdfff},
		{`"\ud83d\u0041"`, 0xd83d},
		{`"\ud83d\ud83d\ude00"`, 0xd83d},
		{`"\ude00\ud83d"`, 0xde00},
		{`"\\ud800"`, 0},            // an escaped backslash, then text
		{`"\ud800\\udc00"`, 0xd800}, // not a pair: the second is text
		{`"\n\u00e9\"\ud83d\ude00"`, 0},
	}
	for _, tt := range tests {
		got, ok := loneSurrogate([]byte(tt.lit))
		if !ok {
			got = 0
		}
		if got != tt.want {
			t.Errorf("loneSurrogate(%s) = %U, want %U", tt.lit, got, tt.want)
		}
	}
}

func TestCredentialsFormatRedacts(t *testing.T) {
	c := DemoCredentials()
	c.ServiceID = ""
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		got := fmt.Sprintf(verb, c)
		if strings.Contains(got, "demo") || got != "emulator.Credentials{6 of 7 set, redacted}" {
			t.Errorf("Sprintf(%q, credentials) = %q, want the redacted form", verb, got)
		}
	}
}
