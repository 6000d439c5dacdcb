package app

import (
	"math"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/grpc/codes"
)

// firstPage is the paging query of a first page of size.
func firstPage(size string, more url.Values) url.Values {
	q := url.Values{"_page": {"1"}, "_page_size": {size}}
	for k, v := range more {
		q[k] = v
	}
	return q
}

// TestListQuery: the exact query Pigello gets for each form of page_size,
// order_by, filter and search, over gRPC and REST.
func TestListQuery(t *testing.T) {
	const when = "2024-01-01T00:00:00Z"
	tests := []struct {
		name string
		req  *accountsv1.ListWorkEngagementsRequest
		want url.Values
	}{
		{"defaults", &accountsv1.ListWorkEngagementsRequest{}, firstPage("50", nil)},
		{"page size", &accountsv1.ListWorkEngagementsRequest{PageSize: 20}, firstPage("20", nil)},
		{"page size 1", &accountsv1.ListWorkEngagementsRequest{PageSize: 1}, firstPage("1", nil)},
		{"page size 500", &accountsv1.ListWorkEngagementsRequest{PageSize: 500}, firstPage("500", nil)},
		{"page size 501", &accountsv1.ListWorkEngagementsRequest{PageSize: 501}, firstPage("500", nil)},
		{"page size max", &accountsv1.ListWorkEngagementsRequest{PageSize: math.MaxInt32}, firstPage("500", nil)},
		{"order by", &accountsv1.ListWorkEngagementsRequest{OrderBy: "created_at desc, name"},
			firstPage("50", url.Values{"_order_by": {"-created_at,name"}})},
		{"order by, loose whitespace", &accountsv1.ListWorkEngagementsRequest{OrderBy: "  custom_id   asc ,color_code\tdesc,id "},
			firstPage("50", url.Values{"_order_by": {"custom_id,-color_code,id"}})},
		{"search as given", &accountsv1.ListWorkEngagementsRequest{Search: " a&b=c ö/?#%20 "},
			firstPage("50", url.Values{"_search": {" a&b=c ö/?#%20 "}})},
		{"search of 255 characters", &accountsv1.ListWorkEngagementsRequest{Search: strings.Repeat("å", 255)},
			firstPage("50", url.Values{"_search": {strings.Repeat("å", 255)}})},
		{"color equal", &accountsv1.ListWorkEngagementsRequest{Filter: `color_code = "abc"`},
			firstPage("50", url.Values{"color_code": {"abc"}})},
		{"color not equal", &accountsv1.ListWorkEngagementsRequest{Filter: `color_code != "abc"`},
			firstPage("50", url.Values{"color_code!": {"abc"}})},
		{"color starts with", &accountsv1.ListWorkEngagementsRequest{Filter: `color_code = "ab*"`},
			firstPage("50", url.Values{"color_code__startswith": {"ab"}})},
		{"color ends with", &accountsv1.ListWorkEngagementsRequest{Filter: `color_code = "*ab"`},
			firstPage("50", url.Values{"color_code__endswith": {"ab"}})},
		{"color contains", &accountsv1.ListWorkEngagementsRequest{Filter: `color_code = "*ab*"`},
			firstPage("50", url.Values{"color_code__contains": {"ab"}})},
		{"color does not start with", &accountsv1.ListWorkEngagementsRequest{Filter: `color_code != "ab*"`},
			firstPage("50", url.Values{"color_code__startswith!": {"ab"}})},
		{"color does not end with", &accountsv1.ListWorkEngagementsRequest{Filter: `color_code != "*ab"`},
			firstPage("50", url.Values{"color_code__endswith!": {"ab"}})},
		{"color does not contain", &accountsv1.ListWorkEngagementsRequest{Filter: `color_code != "*ab*"`},
			firstPage("50", url.Values{"color_code__contains!": {"ab"}})},
		{"created after", &accountsv1.ListWorkEngagementsRequest{Filter: `created_at > "` + when + `"`},
			firstPage("50", url.Values{"created_at__gt": {when}})},
		{"created at or after", &accountsv1.ListWorkEngagementsRequest{Filter: `created_at >= "` + when + `"`},
			firstPage("50", url.Values{"created_at__gte": {when}})},
		{"created before", &accountsv1.ListWorkEngagementsRequest{Filter: `created_at < "` + when + `"`},
			firstPage("50", url.Values{"created_at__lt": {when}})},
		{"created at or before", &accountsv1.ListWorkEngagementsRequest{Filter: `created_at <= "` + when + `"`},
			firstPage("50", url.Values{"created_at__lte": {when}})},
		{"created at", &accountsv1.ListWorkEngagementsRequest{Filter: `created_at = "` + when + `"`},
			firstPage("50", url.Values{"created_at": {when}})},
		{"created at, with an offset", &accountsv1.ListWorkEngagementsRequest{Filter: `created_at >= "2024-01-01T02:00:00+02:00"`},
			firstPage("50", url.Values{"created_at__gte": {when}})},
		{"NOT", &accountsv1.ListWorkEngagementsRequest{Filter: `NOT created_at >= "` + when + `"`},
			firstPage("50", url.Values{"created_at__gte!": {when}})},
		{"NOT of a negation", &accountsv1.ListWorkEngagementsRequest{Filter: `NOT color_code != "abc"`},
			firstPage("50", url.Values{"color_code": {"abc"}})},
		{"everything", &accountsv1.ListWorkEngagementsRequest{
			PageSize: 10, OrderBy: "name desc", Search: "Full",
			Filter: `color_code = "1E9*" AND created_at >= "` + when + `" AND NOT created_at >= "2025-01-01T00:00:00Z"`,
		}, url.Values{
			"_page": {"1"}, "_page_size": {"10"}, "_order_by": {"-name"}, "_search": {"Full"},
			"color_code__startswith": {"1E9"}, "created_at__gte": {when}, "created_at__gte!": {"2025-01-01T00:00:00Z"},
		}},
	}
	p := &pigelloList{}
	env := startList(t, p)
	for _, tr := range env.listers() {
		for _, tt := range tests {
			t.Run(tr.name+"/"+tt.name, func(t *testing.T) {
				if a := tr.List(callCtx(t), tt.req); a.err != nil {
					t.Fatalf("List returned %v", a.err)
				}
				if diff := cmp.Diff(tt.want, p.onlyQuery(t)); diff != "" {
					t.Errorf("Pigello's query mismatch (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestListRefused: every request the rules refuse is INVALID_ARGUMENT with
// a BadRequest on the field at fault, over gRPC and REST, and Pigello is
// not called.
func TestListRefused(t *testing.T) {
	const when = `"2024-01-01T00:00:00Z"`
	tests := []struct {
		name  string
		req   *accountsv1.ListWorkEngagementsRequest
		field string
	}{
		{"negative page size", &accountsv1.ListWorkEngagementsRequest{PageSize: -1}, "page_size"},
		{"search of 256 characters", &accountsv1.ListWorkEngagementsRequest{Search: strings.Repeat("a", 256)}, "search"},
		{"search with a newline", &accountsv1.ListWorkEngagementsRequest{Search: "a\nb"}, "search"},
		{"search with a tab", &accountsv1.ListWorkEngagementsRequest{Search: "a\tb"}, "search"},
		{"search with DEL", &accountsv1.ListWorkEngagementsRequest{Search: "a\x7fb"}, "search"},
		{"page token not ours", &accountsv1.ListWorkEngagementsRequest{PageToken: "bm9wZQ"}, "page_token"},
		{"page token not base64", &accountsv1.ListWorkEngagementsRequest{PageToken: "%%%"}, "page_token"},
		{"page token too long", &accountsv1.ListWorkEngagementsRequest{PageToken: strings.Repeat("a", 1025)}, "page_token"},
		{"order by an unknown field", &accountsv1.ListWorkEngagementsRequest{OrderBy: "nope desc"}, "order_by"},
		{"order by a message", &accountsv1.ListWorkEngagementsRequest{OrderBy: "organization"}, "order_by"},
		{"order by, bad direction", &accountsv1.ListWorkEngagementsRequest{OrderBy: "name down"}, "order_by"},
		{"order by, empty item", &accountsv1.ListWorkEngagementsRequest{OrderBy: "name,,id"}, "order_by"},
		{"filter on a field Pigello does not filter", &accountsv1.ListWorkEngagementsRequest{Filter: `name = "a"`}, "filter"},
		{"filter with OR", &accountsv1.ListWorkEngagementsRequest{Filter: `color_code = "a" OR color_code = "b"`}, "filter"},
		{"filter with a function", &accountsv1.ListWorkEngagementsRequest{Filter: `created_at > timestamp(` + when + `)`}, "filter"},
		{"filter with has", &accountsv1.ListWorkEngagementsRequest{Filter: `color_code:"a"`}, "filter"},
		{"filter value of the wrong type", &accountsv1.ListWorkEngagementsRequest{Filter: `created_at > 2024`}, "filter"},
		{"filter time not RFC 3339", &accountsv1.ListWorkEngagementsRequest{Filter: `created_at > "2024-01-01"`}, "filter"},
		{"filter operator the type lacks", &accountsv1.ListWorkEngagementsRequest{Filter: `color_code < "a"`}, "filter"},
		{"filter with the field on the right", &accountsv1.ListWorkEngagementsRequest{Filter: `"abc" = color_code`}, "filter"},
		{"filter with an empty wildcard", &accountsv1.ListWorkEngagementsRequest{Filter: `color_code = "*"`}, "filter"},
		{"filter with an empty value", &accountsv1.ListWorkEngagementsRequest{Filter: `color_code != ""`}, "filter"},
		{"filter with a wildcard inside", &accountsv1.ListWorkEngagementsRequest{Filter: `color_code = "a*b"`}, "filter"},
		{"filter with one parameter twice", &accountsv1.ListWorkEngagementsRequest{Filter: `created_at > ` + when + ` AND created_at > ` + when}, "filter"},
		{"filter with NOT over AND", &accountsv1.ListWorkEngagementsRequest{Filter: `NOT (color_code = "a" AND color_code = "b")`}, "filter"},
		{"filter syntax", &accountsv1.ListWorkEngagementsRequest{Filter: `color_code = "abc`}, "filter"},
		{"filter too long", &accountsv1.ListWorkEngagementsRequest{Filter: strings.Repeat(" ", 2049)}, "filter"},
	}
	p := &pigelloList{}
	env := startList(t, p)
	for _, tr := range env.listers() {
		for _, tt := range tests {
			t.Run(tr.name+"/"+tt.name, func(t *testing.T) {
				tr.List(callCtx(t), tt.req).assertInvalid(t, tt.field)
				if got := p.got(); len(got) != 0 {
					t.Errorf("Pigello was called: %v", got)
				}
			})
		}
	}
	t.Run("REST/page size not a number", func(t *testing.T) {
		restTransport{env.restURL}.listQuery(callCtx(t), "page_size=ten").assertInvalid(t, "page_size")
		if got := p.got(); len(got) != 0 {
			t.Errorf("Pigello was called: %v", got)
		}
	})
}

// TestListRefusalsNameTheProblem: the BadRequest says what is wrong, in
// the service's words.
func TestListRefusalsNameTheProblem(t *testing.T) {
	env := startList(t, &pigelloList{})
	_, err := env.client.ListWorkEngagements(callCtx(t), &accountsv1.ListWorkEngagementsRequest{
		Filter: `name = "a"`, OrderBy: "nope",
	})
	st := assertStatus(t, err, codes.InvalidArgument, "INVALID_REQUEST")
	want := "invalid request: order_by: cannot order by nope; the fields are id, name, custom_id, color_code, created_at; " +
		"filter: cannot filter on name; the fields a filter takes are color_code and created_at"
	if st.Message() != want {
		t.Errorf("message = %q, want %q", st.Message(), want)
	}
}

// TestListTokenBound: a token is refused with any other filter, order_by
// or search than its own, before Pigello is called; page_size may change.
func TestListTokenBound(t *testing.T) {
	first := &accountsv1.ListWorkEngagementsRequest{
		PageSize: 2, Filter: `color_code = "a*"`, OrderBy: "name", Search: "x",
	}
	p := &pigelloList{items: itemsJSON(5)}
	env := startList(t, p)
	for _, tr := range env.listers() {
		a := tr.List(callCtx(t), first)
		if a.err != nil || a.resp.GetNextPageToken() == "" {
			t.Fatalf("%s: first page returned %v, %v; want a next page token", tr.name, a.resp, a.err)
		}
		token := a.resp.GetNextPageToken()
		p.got()
		tests := []struct {
			name string
			edit func(*accountsv1.ListWorkEngagementsRequest)
		}{
			{"filter", func(r *accountsv1.ListWorkEngagementsRequest) { r.Filter = `color_code = "b*"` }},
			{"filter respelled", func(r *accountsv1.ListWorkEngagementsRequest) { r.Filter = `color_code="a*"` }},
			{"no filter", func(r *accountsv1.ListWorkEngagementsRequest) { r.Filter = "" }},
			{"order_by", func(r *accountsv1.ListWorkEngagementsRequest) { r.OrderBy = "name desc" }},
			{"search", func(r *accountsv1.ListWorkEngagementsRequest) { r.Search = "y" }},
		}
		for _, tt := range tests {
			t.Run(tr.name+"/"+tt.name, func(t *testing.T) {
				next := &accountsv1.ListWorkEngagementsRequest{
					PageSize: first.PageSize, Filter: first.Filter, OrderBy: first.OrderBy, Search: first.Search, PageToken: token,
				}
				tt.edit(next)
				tr.List(callCtx(t), next).assertInvalid(t, "page_token")
				if got := p.got(); len(got) != 0 {
					t.Errorf("Pigello was called: %v", got)
				}
			})
		}
		t.Run(tr.name+"/another page size", func(t *testing.T) {
			next := &accountsv1.ListWorkEngagementsRequest{
				PageSize: 3, Filter: first.Filter, OrderBy: first.OrderBy, Search: first.Search, PageToken: token,
			}
			if a := tr.List(callCtx(t), next); a.err != nil {
				t.Fatalf("List returned %v", a.err)
			}
			want := url.Values{"_page": {"1"}, "_page_size": {"3"}, "color_code__startswith": {"a"}, "_order_by": {"name"}, "_search": {"x"}}
			if diff := cmp.Diff(want, p.onlyQuery(t)); diff != "" {
				t.Errorf("Pigello's query mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
