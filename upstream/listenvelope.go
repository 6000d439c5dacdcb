package upstream

// ASSUMPTION: Pigello's list answer is a bare JSON array of objects, or
// Django REST framework's paginated object {"count", "next", "previous",
// "results"}.
//
// Pigello documents the list endpoint's query (_page, _page_size, filters)
// but not its answer's envelope. Its API is a Django one, so the answer is
// read as one of the two shapes DRF writes: a bare array (no paginator, as
// Pigello's bulk writes answer) or a PageNumberPagination page. This file
// is the only place that assumes a shape: ListWorkEngagements hands it the
// body, and nothing else looks inside. Anything else is ErrMalformedResponse,
// whose *EnvelopeError names the top-level keys the answer had (never their
// values), so that the first real answer of another shape tells an operator,
// in the call's log line, what Pigello sends.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Members of DRF's paginated object.
const (
	memberCount    = "count"
	memberNext     = "next"
	memberPrevious = "previous"
	memberResults  = "results"
)

const (
	// maxEnvelopeKeys bounds how many keys an EnvelopeError names, and
	// maxEnvelopeKeyLen how much of each, so a hostile body cannot make a
	// long log line.
	maxEnvelopeKeys   = 16
	maxEnvelopeKeyLen = 64
)

// EnvelopeError is a list answer in neither assumed envelope. It is wrapped,
// with ErrMalformedResponse, by the error ListWorkEngagements returns.
type EnvelopeError struct {
	// Keys are the top-level member names of an object answer, in body
	// order, at most 16, each cut to 64 characters; nil for an answer that
	// is not an object.
	Keys []string
	// Problem says what does not fit, naming members and JSON kinds only.
	Problem string
}

func (e *EnvelopeError) Error() string {
	if e.Keys == nil {
		return "list answer: " + e.Problem
	}
	quoted := make([]string, len(e.Keys))
	for i, k := range e.Keys {
		quoted[i] = strconv.Quote(k)
	}
	return fmt.Sprintf("list answer: %s (top-level keys: %s)", e.Problem, strings.Join(quoted, ", "))
}

// listEnvelope reads a list answer: each item goes to item, raw, and what
// the envelope says besides goes to page. It is decode's target.
type listEnvelope struct {
	page *Page
	item func(json.RawMessage) error
}

var _ json.Unmarshaler = (*listEnvelope)(nil)

// UnmarshalJSON implements json.Unmarshaler. The envelope is checked whole
// before any item is handed on, so an item's error cannot hide a wrong
// envelope.
func (e *listEnvelope) UnmarshalJSON(data []byte) error {
	var top json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return err // not JSON: its own syntax error says more
	}
	results := top
	switch top[0] {
	case '[':
	case '{':
		var err error
		if results, err = e.paginated(top); err != nil {
			return err
		}
		e.page.Paginated = true
	default:
		return &EnvelopeError{Problem: "is " + kindName(top) + ", neither an array nor a paginated object"}
	}
	return e.items(results)
}

// paginated reads DRF's paginated object, a valid JSON object, and returns
// its results array. It reads every member, in body order, before judging,
// so that an EnvelopeError names all the keys.
func (e *listEnvelope) paginated(object []byte) (json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(object))
	_, _ = dec.Token() // {, as object is valid
	keys := []string{}
	seen := map[string]bool{}
	var results json.RawMessage
	var problems []string
	note := func(problem string) {
		if problem != "" && !slices.Contains(problems, problem) {
			problems = append(problems, problem)
		}
	}
	for dec.More() {
		tok, _ := dec.Token()
		key, _ := tok.(string)
		var value json.RawMessage
		_ = dec.Decode(&value)
		if seen[key] {
			note("a member given twice")
		}
		keys, seen[key] = appendKey(keys, key), true
		note(e.member(key, value))
		if key == memberResults {
			results = value
		}
	}
	for _, required := range []string{memberNext, memberResults} {
		if !seen[required] {
			note("no " + required)
		}
	}
	if len(problems) > 0 {
		return nil, &EnvelopeError{Keys: keys, Problem: "is not a paginated object: " + strings.Join(problems, "; ")}
	}
	return results, nil
}

// member checks one member of the paginated object, noting what it says
// in e.page, and returns what is wrong with it, or "". "next" and
// "results" are required: without "next" there is no telling whether a
// next page exists.
func (e *listEnvelope) member(name string, value json.RawMessage) string {
	switch name {
	case memberResults:
		if value[0] != '[' {
			return memberResults + " is " + kindName(value) + ", not an array"
		}
	case memberNext, memberPrevious:
		if value[0] != 'n' && value[0] != '"' {
			return name + " is " + kindName(value) + ", not a string or null"
		}
		if name == memberNext {
			e.page.Next = value[0] == '"'
		}
	case memberCount:
		n, err := strconv.ParseInt(string(value), 10, 64)
		if err != nil || n < 0 {
			return memberCount + " is " + kindName(value) + ", not a whole number of at least 0"
		}
		e.page.Count, e.page.HasCount = n, true
	default:
		return "a member other than " + strings.Join([]string{memberCount, memberNext, memberPrevious, memberResults}, ", ")
	}
	return ""
}

// items hands each item of array, a valid JSON array, to e.item, in order.
func (e *listEnvelope) items(array json.RawMessage) error {
	var items []json.RawMessage
	_ = json.Unmarshal(array, &items) // valid, so it cannot fail
	for i, item := range items {
		if item[0] != '{' {
			return &EnvelopeError{Problem: fmt.Sprintf("item %d is %s, not an object", i, kindName(item))}
		}
		if err := e.item(item); err != nil {
			return fmt.Errorf("item %d: %w", i, err)
		}
		e.page.Items++
	}
	return nil
}

// appendKey notes a top-level key for an EnvelopeError, within its bounds.
func appendKey(keys []string, k string) []string {
	if len(keys) >= maxEnvelopeKeys {
		return keys
	}
	if r := []rune(k); len(r) > maxEnvelopeKeyLen {
		k = string(r[:maxEnvelopeKeyLen]) + "…"
	}
	return append(keys, k)
}

// kindName names the kind of value, a valid JSON value, for an error,
// never the value itself.
func kindName(value []byte) string {
	switch value[0] {
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	}
	return "a number"
}
