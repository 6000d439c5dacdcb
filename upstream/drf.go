package upstream

// ASSUMPTION: Pigello's error bodies are Django REST framework's.
//
// Pigello documents no error body (nor which statuses it answers with).
// Its API is a Django one (trailing slashes, lower-case UUIDs in paths), so
// this file reads a non-2xx body as DRF writes errors. It is the only place
// that assumes a shape: checkResponse calls parseDRF once, and nothing else
// looks inside an error body. Should the assumption be wrong, Error.Detail
// and Error.FieldErrors stay empty (the status alone then decides what the
// caller gets) and Error.Body still holds the body as read.

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

const (
	// maxFieldErrors caps how many messages are extracted from one body;
	// the rest stay available in Error.Body.
	maxFieldErrors = 256
	// maxErrorDepth caps recursion. Each level re-reads its subtree, so
	// without a cap a deeply nested 1 MiB body would cost quadratic time.
	maxErrorDepth = 32
)

// parseDRF extracts the messages of an error body in the assumed DRF shape:
// {"detail": "..."}, field-keyed lists of messages, nested objects, ListField
// index dicts ({"1": [...]}) and lists aligned with items ([{}, {...}]),
// non_field_errors, a top-level list of messages, or a bare string. A body
// that is not JSON (an HTML 502 page, say) yields nothing.
func parseDRF(body []byte) (detail string, fields []FieldError) {
	body = bytes.Trim(body, " \t\r\n") // JSON's whitespace only: "\f0" is not JSON
	if len(body) == 0 || !json.Valid(body) {
		return "", nil
	}
	p := &drfParser{}
	if body[0] == '"' {
		_ = json.Unmarshal(body, &p.detail)
	} else {
		p.walk("", body, 0)
	}
	return p.detail, p.fields
}

type drfParser struct {
	detail string
	fields []FieldError
}

func (p *drfParser) add(path, msg string) {
	if len(p.fields) < maxFieldErrors {
		p.fields = append(p.fields, FieldError{Field: path, Description: msg})
	}
}

// walk records the messages in raw, a valid JSON value, under path.
func (p *drfParser) walk(path string, raw []byte, depth int) {
	if len(p.fields) >= maxFieldErrors || depth > maxErrorDepth {
		return
	}
	switch raw[0] {
	case '"':
		var s string
		_ = json.Unmarshal(raw, &s)
		p.add(path, s)
	case '[':
		p.walkList(path, raw, depth)
	case '{':
		p.walkObject(path, raw, depth)
	case 'n': // null carries no message
	default: // a number or boolean: keep its text rather than lose it
		p.add(path, string(raw))
	}
}

// walkList treats strings as messages about path itself and objects or
// lists as the errors of the item at that index (DRF aligns a ListSerializer's
// errors with its items, using {} for items without errors).
func (p *drfParser) walkList(path string, raw []byte, depth int) {
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return
	}
	for i, item := range items {
		if item[0] == '{' || item[0] == '[' {
			p.walk(path+"["+strconv.Itoa(i)+"]", item, depth+1)
		} else {
			p.walk(path, item, depth+1)
		}
	}
}

// walkObject reads members in body order, which json.Unmarshal into a map
// would lose.
func (p *drfParser) walkObject(path string, raw []byte, depth int) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // {
		return
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		key, _ := tok.(string)
		var val json.RawMessage
		if dec.Decode(&val) != nil {
			return
		}
		if depth == 0 && key == "detail" && val[0] == '"' {
			_ = json.Unmarshal(val, &p.detail)
			continue
		}
		p.walk(childPath(path, key), val, depth+1)
	}
}

// childPath names a member of path: an index dict key becomes [i],
// non_field_errors belongs to path itself, anything else is a dotted name.
// A key that is not an identifier (DRF's are field names, so only a broken
// or hostile body has one) is quoted in backticks as AIP-161 does for map
// keys, so a key like "a.b" or "" cannot forge or break a path.
func childPath(path, key string) string {
	switch {
	case isDigits(key):
		return path + "[" + key + "]"
	case key == "non_field_errors":
		return path
	case !isIdentifier(key):
		key = "`" + strings.ReplaceAll(key, "`", "``") + "`"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// isIdentifier reports whether s is an ASCII identifier: a letter or
// underscore, then letters, digits and underscores.
func isIdentifier(s string) bool {
	for i := 0; i < len(s); i++ {
		b := s[i]
		letter := b == '_' || ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z')
		if !letter && (i == 0 || b < '0' || b > '9') {
			return false
		}
	}
	return s != ""
}
