package upstream

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseDRFOddKeys: keys that are not field names cannot forge a path.
func TestParseDRFOddKeys(t *testing.T) {
	body := "{\"\":[\"e\"],\"a.b\":[\"d\"],\"x`y\":[\"t\"],\"1a\":[\"f\"],\"org\":{\"a[0]\":[\"i\"],\"id\":[\"ok\"]}}"
	want := []FieldError{
		{"``", "e"}, {"`a.b`", "d"}, {"`x``y`", "t"}, {"`1a`", "f"}, {"org.`a[0]`", "i"}, {"org.id", "ok"},
	}
	_, got := parseDRF([]byte(body))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parseDRF mismatch (-want +got):\n%s", diff)
	}
	for _, notJSON := range []string{"\f0", "\v\"x\"", "\u00a0[\"x\"]"} {
		if detail, fields := parseDRF([]byte(notJSON)); detail != "" || fields != nil {
			t.Errorf("parseDRF(%q) = %q, %v; want nothing from a body that is not JSON", notJSON, detail, fields)
		}
	}
}
