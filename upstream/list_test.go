package upstream

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// list calls ListWorkEngagements on a server answering body, and returns
// the page, the items handed to the item function, and the error.
func list(t *testing.T, body string) (Page, []string, error) {
	t.Helper()
	c, _ := setup(t, respond(http.StatusOK, body))
	var items []string
	page, err := c.ListWorkEngagements(t.Context(), url.Values{"_page": {"1"}}, func(raw json.RawMessage) error {
		items = append(items, string(raw))
		return nil
	})
	return page, items, err
}

func TestListEnvelopes(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		page  Page
		items []string
	}{
		{name: "empty array", body: `[]`},
		{name: "array", body: ` [ {"id": "a"}, {} ] `, page: Page{Items: 2}, items: []string{`{"id": "a"}`, `{}`}},
		{
			name:  "paginated, more to come",
			body:  `{"count": 3, "next": "https://x/list/?_page=2", "previous": null, "results": [{"id": "a"}]}`,
			page:  Page{Items: 1, Paginated: true, Next: true, Count: 3, HasCount: true},
			items: []string{`{"id": "a"}`},
		},
		{
			name: "paginated, last page, results first",
			body: `{"results": [], "previous": "https://x/list/?_page=1", "next": null, "count": 0}`,
			page: Page{Paginated: true, HasCount: true},
		},
		{name: "paginated without count", body: `{"next": null, "results": [{}]}`, page: Page{Items: 1, Paginated: true}, items: []string{`{}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, items, err := list(t, tt.body)
			if err != nil {
				t.Fatalf("ListWorkEngagements returned %v, want nil", err)
			}
			if diff := cmp.Diff(tt.page, page); diff != "" {
				t.Errorf("page mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.items, items); diff != "" {
				t.Errorf("items mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestListMalformedEnvelopes: an answer of neither shape is
// ErrMalformedResponse; an object's keys are named, its values never, and
// no item is handed on.
func TestListMalformedEnvelopes(t *testing.T) {
	const value = "VALUE-NOT-FOR-LOGS"
	tests := []struct {
		name string
		body string
		keys []string // nil: not an *EnvelopeError (not JSON at all)
	}{
		{"another object", `{"data": [{"id": "` + value + `"}], "meta": {"total": "` + value + `"}}`, []string{"data", "meta"}},
		{"an extra member", `{"count": 1, "next": null, "previous": null, "results": [{}], "page": "` + value + `"}`, []string{"count", "next", "previous", "results", "page"}},
		{"no results", `{"count": 1, "next": null}`, []string{"count", "next"}},
		{"no next", `{"count": 1, "results": [{}]}`, []string{"count", "results"}},
		{"empty object", `{}`, []string{}},
		{"count a string", `{"count": "` + value + `", "next": null, "results": []}`, []string{"count", "next", "results"}},
		{"count negative", `{"count": -1, "next": null, "results": []}`, []string{"count", "next", "results"}},
		{"count a fraction", `{"count": 1.5, "next": null, "results": []}`, []string{"count", "next", "results"}},
		{"next a number", `{"next": 2, "results": []}`, []string{"next", "results"}},
		{"previous an object", `{"next": null, "previous": {}, "results": []}`, []string{"next", "previous", "results"}},
		{"results an object", `{"next": null, "results": {"a": "` + value + `"}}`, []string{"next", "results"}},
		{"a string", `"` + value + `"`, nil},
		{"null", `null`, nil},
		{"a number", `42`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, items, err := list(t, tt.body)
			assertMalformedWithout(t, err, value)
			var env *EnvelopeError
			if !errors.As(err, &env) {
				t.Fatalf("error %v is not an *EnvelopeError", err)
			}
			if diff := cmp.Diff(tt.keys, env.Keys); diff != "" {
				t.Errorf("keys mismatch (-want +got):\n%s", diff)
			}
			if len(items) != 0 {
				t.Errorf("items %v were handed on from a malformed answer", items)
			}
		})
	}
}

// TestListMalformedItems: an item that is no object, a syntax error, or
// an item the caller refuses make the whole answer malformed.
func TestListMalformedItems(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"a string item", `[{}, "VALUE"]`, "item 1 is a string, not an object"},
		{"a null item in results", `{"next": null, "results": [null]}`, "item 0 is null, not an object"},
		{"not JSON", `<html>`, "invalid character"},
		{"cut short", `[{}`, "unexpected end of JSON input"},
		{"data after the array", `[] []`, "after top-level value"},
		{"a key given twice", `{"next": null, "next": null, "results": []}`, "a member given twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := list(t, tt.body)
			assertMalformedWithout(t, err, "VALUE")
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
	t.Run("refused by the caller", func(t *testing.T) {
		c, _ := setup(t, respond(http.StatusOK, `[{"n": 1}, {"n": 2}]`))
		_, err := c.ListWorkEngagements(t.Context(), nil, func(raw json.RawMessage) error {
			if string(raw) == `{"n": 2}` {
				return errors.New("not a work engagement")
			}
			return nil
		})
		assertMalformed(t, err)
		if want := "item 1: not a work engagement"; !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	})
}

// assertMalformedWithout is assertMalformed, and checks the error does not
// hold value, a value of the answer.
func assertMalformedWithout(t *testing.T, err error, value string) {
	t.Helper()
	assertMalformed(t, err)
	if value != "" && strings.Contains(err.Error(), value) {
		t.Errorf("error %q holds a value of the answer", err)
	}
}

// TestListEnvelopeKeysBounded: a hostile answer cannot make a long error.
func TestListEnvelopeKeysBounded(t *testing.T) {
	var members []string
	for i := range 20 {
		members = append(members, fmt.Sprintf("%q: %d", fmt.Sprint(i, strings.Repeat("k", 100)), i))
	}
	_, _, err := list(t, "{"+strings.Join(members, ", ")+"}")
	var env *EnvelopeError
	if !errors.As(err, &env) {
		t.Fatalf("ListWorkEngagements returned %v, want an *EnvelopeError", err)
	}
	if len(env.Keys) != maxEnvelopeKeys {
		t.Errorf("error names %d keys, want %d", len(env.Keys), maxEnvelopeKeys)
	}
	if want := "0" + strings.Repeat("k", maxEnvelopeKeyLen-1) + "…"; env.Keys[0] != want {
		t.Errorf("first key = %q, want %q", env.Keys[0], want)
	}
}

// TestListRetried: a list is a GET, retried as Get is, and reported under
// its own operation name.
func TestListRetried(t *testing.T) {
	s, rec, events := newScript(respond(http.StatusServiceUnavailable, ""), respond(http.StatusOK, `[{}]`)), &recorder{}, &eventLog{}
	c, _ := setup(t, s.ServeHTTP, retrying(rec, WithObserver(events.observe))...)
	n := 0
	page, err := c.ListWorkEngagements(t.Context(), nil, func(json.RawMessage) error { n++; return nil })
	if err != nil || page.Items != 1 || n != 1 {
		t.Fatalf("ListWorkEngagements returned %+v, %v after %d items, want one item", page, err, n)
	}
	if s.requests() != 2 {
		t.Errorf("server saw %d requests, want 2", s.requests())
	}
	got := events.got()
	if len(got) != 2 {
		t.Errorf("observer saw %d events, want one per attempt, 2", len(got))
	}
	for _, e := range got {
		if e.Operation != "ListWorkEngagements" || e.Method != http.MethodGet {
			t.Errorf("event %+v, want operation ListWorkEngagements, GET", e)
		}
	}
}
