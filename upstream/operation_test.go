package upstream

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The next operation (a GET with a query that lists) is a request and a
// call to do, as this test-only one is, and inherits the whole path:
// headers, bounds, errors, and the retry policy of its method.

// listForTest is a List operation: a GET of the list path with query q.
func (c *Client) listForTest(ctx context.Context, q url.Values) error {
	req, err := c.newRequest(ctx, "ListForTest", http.MethodGet, workEngagementPath+"list/", nil)
	if err != nil {
		return err
	}
	req.query = q
	var items []json.RawMessage
	return c.do(ctx, req, &items)
}

func TestQueryEncoded(t *testing.T) {
	var path, rawQuery string
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		path, rawQuery = r.URL.Path, r.URL.RawQuery
		_, _ = io.WriteString(w, "[]")
	})
	q := url.Values{"_page": {"2"}, "color_code!": {"a&b=c"}, "_search": {"ö ?#/"}}
	if err := c.listForTest(t.Context(), q); err != nil {
		t.Fatalf("list returned %v", err)
	}
	if path != workEngagementPath+"list/" {
		t.Errorf("path = %q, want %q", path, workEngagementPath+"list/")
	}
	got, err := url.ParseQuery(rawQuery)
	if err != nil {
		t.Fatalf("query %q does not parse: %v", rawQuery, err)
	}
	if diff := cmp.Diff(q, got); diff != "" {
		t.Errorf("query %q mismatch (-want +got):\n%s", rawQuery, diff)
	}
}
