package upstream

import (
	"bytes"
	"encoding/json"
	"regexp"
	"testing"
)

// wellFormedPath is the grammar of FieldError.Field: dotted names and [i]
// indexes (AIP-161), a name that is not an identifier in backticks with
// backticks doubled.
var wellFormedPath = regexp.MustCompile("^(?:(?:[A-Za-z_][A-Za-z0-9_]*|`(?:[^`]|``)*`)|\\[[0-9]+\\])" +
	"(?:\\.(?:[A-Za-z_][A-Za-z0-9_]*|`(?:[^`]|``)*`)|\\[[0-9]+\\])*$")

// FuzzParseDRF: the parser of Pigello's error bodies never panics, never
// finds more messages than the body holds, and names fields only by
// well-formed paths. Seeds are real DRF bodies in testdata/fuzz/FuzzParseDRF.
func FuzzParseDRF(f *testing.F) {
	f.Add([]byte(`{"detail":"Not found."}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		_, fields := parseDRF(body)
		if n := scalarValues(body); len(fields) > n || len(fields) > maxFieldErrors {
			t.Fatalf("parseDRF(%q) returned %d field errors from %d messages", body, len(fields), n)
		}
		for _, fe := range fields {
			if fe.Field != "" && !wellFormedPath.MatchString(fe.Field) {
				t.Errorf("parseDRF(%q) returned the malformed path %q", body, fe.Field)
			}
		}
	})
}

// scalarValues counts the strings, numbers and booleans of body that are
// values, not object keys: every message parseDRF could report. 0 if body
// is not JSON.
func scalarValues(body []byte) int {
	if !json.Valid(body) {
		return 0
	}
	type frame struct{ object, wantKey bool }
	var stack []frame
	afterValue := func() {
		if k := len(stack) - 1; k >= 0 && stack[k].object {
			stack[k].wantKey = true
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // 1e1000 is valid JSON and a message, though no float64
	n := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return n
		}
		if k := len(stack) - 1; k >= 0 && stack[k].wantKey {
			if tok == json.Delim('}') {
				stack = stack[:k]
				afterValue()
			} else {
				stack[k].wantKey = false // tok is a key
			}
			continue
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{object: true, wantKey: true})
			continue
		case json.Delim('['):
			stack = append(stack, frame{})
			continue
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
		case nil:
		default:
			n++
		}
		afterValue()
	}
}
