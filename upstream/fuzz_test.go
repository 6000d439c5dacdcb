package upstream

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"testing"
	"unicode/utf8"
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

// FuzzPatchMarshal: a PATCH body is always valid JSON holding exactly the
// set fields, in order, with null for nil.
func FuzzPatchMarshal(f *testing.F) {
	f.Add(uint16(0x1ff), "Consultant", "9b2c6f7e-1d2a-4c3b-8e4f-5a6b7c8d9e0f", "x", "fff", []byte(`{"a":1}`), []byte(`null`))
	f.Add(uint16(0), "", "", "", "", []byte(`{}`), []byte(`[`))
	f.Fuzz(func(t *testing.T, flags uint16, name, org, custom, color string, item1, item2 []byte) {
		p, want, valid := buildPatch(flags, name, org, custom, color, []json.RawMessage{item1, item2})
		out, err := p.MarshalJSON()
		if err != nil {
			if valid {
				t.Fatalf("MarshalJSON returned %v for valid items", err)
			}
			return
		}
		if !valid {
			t.Fatalf("MarshalJSON accepted an invalid item: %s", out)
		}
		if !json.Valid(out) {
			t.Fatalf("MarshalJSON returned invalid JSON %q", out)
		}
		if got := topLevelKeys(t, out); !slices.Equal(got, want) {
			t.Fatalf("MarshalJSON keys = %q, want %q (%s)", got, want, out)
		}
		var m map[string]json.RawMessage
		_ = json.Unmarshal(out, &m)
		if n, ok := m["name"]; ok && utf8.ValidString(name) {
			var got string
			if json.Unmarshal(n, &got) != nil || got != name {
				t.Errorf("name = %s, want %q", n, name)
			}
		}
	})
}

// buildPatch sets the Patch fields chosen by flags (two bits a field: set,
// and nil) and returns the keys expected and whether every list item sent
// is valid JSON.
func buildPatch(flags uint16, name, org, custom, color string, items []json.RawMessage) (Patch, []string, bool) {
	var p Patch
	var keys []string
	valid := true
	bit := func(i uint) bool { return flags&(1<<i) != 0 }
	pick := func(i uint, key string) bool {
		if bit(2 * i) {
			keys = append(keys, key)
			return true
		}
		return false
	}
	if pick(0, "name") {
		p.Name = Set(name)
	}
	if pick(1, "organization") {
		p.Organization = Set(map[bool]*Reference{false: {ID: org}, true: nil}[bit(3)])
	}
	if pick(2, "custom_id") {
		p.CustomID = Set(map[bool]*string{false: &custom, true: nil}[bit(5)])
	}
	if pick(3, "color_code") {
		p.ColorCode = Set(map[bool]*string{false: &color, true: nil}[bit(7)])
	}
	lists := []*Field[[]json.RawMessage]{&p.TemplateNotifications, &p.TemplateSMSNotifications, &p.TemplateEmailNotifications}
	for i, key := range []string{"template_notifications", "template_sms_notifications", "template_email_notifications"} {
		if !pick(uint(4+i), key) {
			continue
		}
		if bit(uint(2*(4+i) + 1)) {
			*lists[i] = Set[[]json.RawMessage](nil)
			continue
		}
		*lists[i] = Set(items)
		for _, it := range items {
			valid = valid && (it == nil || json.Valid(it))
		}
	}
	return p, keys, valid
}

// topLevelKeys returns the member names of a JSON object, duplicates kept.
func topLevelKeys(t *testing.T, obj []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(obj))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}
