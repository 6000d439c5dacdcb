package upstream

import (
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestQueryEncoded(t *testing.T) {
	var path, rawQuery string
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		path, rawQuery = r.URL.Path, r.URL.RawQuery
		_, _ = io.WriteString(w, "[]")
	})
	q := url.Values{"_page": {"2"}, "color_code!": {"a&b=c"}, "_search": {"ö ?#/"}}
	if _, err := c.ListWorkEngagements(t.Context(), q, nil); err != nil {
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
