package app

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/grpc/codes"
)

// TestListRefused: every List the rules refuse is INVALID_ARGUMENT with a
// BadRequest on the field at fault, over gRPC and REST, and the emulator
// receives no request.
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
		// Django would drop the 7th digit and list what was created at .123456.
		{"filter time finer than a microsecond", &accountsv1.ListWorkEngagementsRequest{Filter: `created_at >= "2024-01-15T09:30:00.1234561Z"`}, "filter"},
		{"filter operator the type lacks", &accountsv1.ListWorkEngagementsRequest{Filter: `color_code < "a"`}, "filter"},
		{"filter with the field on the right", &accountsv1.ListWorkEngagementsRequest{Filter: `"abc" = color_code`}, "filter"},
		{"filter with an empty wildcard", &accountsv1.ListWorkEngagementsRequest{Filter: `color_code = "*"`}, "filter"},
		{"filter with an empty value", &accountsv1.ListWorkEngagementsRequest{Filter: `color_code != ""`}, "filter"},
		// Django refuses a NUL, and trims whitespace: " abc " would list "abc".
		{"filter value with a NUL", &accountsv1.ListWorkEngagementsRequest{Filter: "color_code = \"abc\x00\""}, "filter"},
		{"filter value with whitespace around", &accountsv1.ListWorkEngagementsRequest{Filter: `color_code = " abc "`}, "filter"},
		{"filter value with whitespace inside a wildcard", &accountsv1.ListWorkEngagementsRequest{Filter: `color_code = "ab *"`}, "filter"},
		{"filter with a wildcard inside", &accountsv1.ListWorkEngagementsRequest{Filter: `color_code = "a*b"`}, "filter"},
		{"filter with one parameter twice", &accountsv1.ListWorkEngagementsRequest{Filter: `created_at > ` + when + ` AND created_at > ` + when}, "filter"},
		{"filter with NOT over AND", &accountsv1.ListWorkEngagementsRequest{Filter: `NOT (color_code = "a" AND color_code = "b")`}, "filter"},
		{"filter syntax", &accountsv1.ListWorkEngagementsRequest{Filter: `color_code = "abc`}, "filter"},
		{"filter too long", &accountsv1.ListWorkEngagementsRequest{Filter: strings.Repeat(" ", 2049)}, "filter"},
	}
	eachListTarget(t, func(t *testing.T, env *listEnv, tr namedTransport) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				env.emu.ResetRequests()
				tr.List(callCtx(t), tt.req).assertInvalid(t, tt.field)
				env.assertNoUpstream(t)
			})
		}
		if rest, ok := tr.transport.(restTransport); ok {
			t.Run("page size not a number", func(t *testing.T) {
				env.emu.ResetRequests()
				rest.listQuery(callCtx(t), "page_size=ten").assertInvalid(t, "page_size")
				env.assertNoUpstream(t)
			})
		}
	})
}

// TestListRefusalsNameTheProblem: the BadRequest says what is wrong, in
// the service's words.
func TestListRefusalsNameTheProblem(t *testing.T) {
	env := setup(t)
	_, err := env.client.ListWorkEngagements(callCtx(t), &accountsv1.ListWorkEngagementsRequest{
		Filter: `name = "a"`, OrderBy: "nope",
	})
	st := assertStatus(t, err, codes.InvalidArgument, "INVALID_REQUEST")
	want := "invalid request: order_by: cannot order by nope; the fields are id, name, custom_id, color_code, created_at; " +
		"filter: cannot filter on name; the fields a filter takes are color_code and created_at"
	if st.Message() != want {
		t.Errorf("message = %q, want %q", st.Message(), want)
	}
	env.assertNoUpstream(t)
}

// TestListTokenBound: a token is refused with any other filter, order_by
// or search than its own, before the emulator is called; with its own it
// gives the next page, whatever the page_size.
func TestListTokenBound(t *testing.T) {
	first := &accountsv1.ListWorkEngagementsRequest{
		PageSize: 2, Filter: `color_code = "*ab*"`, OrderBy: "name", Search: "a",
	}
	const query = "_order_by=name&_page=%d&_page_size=%d&_search=a&color_code__contains=ab"
	refused := []struct {
		name string
		edit func(*accountsv1.ListWorkEngagementsRequest)
	}{
		{"filter", func(r *accountsv1.ListWorkEngagementsRequest) { r.Filter = `color_code = "*b*"` }},
		{"filter respelled", func(r *accountsv1.ListWorkEngagementsRequest) { r.Filter = `color_code="*ab*"` }},
		{"no filter", func(r *accountsv1.ListWorkEngagementsRequest) { r.Filter = "" }},
		{"order_by", func(r *accountsv1.ListWorkEngagementsRequest) { r.OrderBy = "name desc" }},
		{"search", func(r *accountsv1.ListWorkEngagementsRequest) { r.Search = "b" }},
	}
	next := func(token string, size int32) *accountsv1.ListWorkEngagementsRequest {
		return &accountsv1.ListWorkEngagementsRequest{
			PageSize: size, Filter: first.Filter, OrderBy: first.OrderBy, Search: first.Search, PageToken: token,
		}
	}
	eachListTarget(t, func(t *testing.T, env *listEnv, tr namedTransport) {
		a := tr.List(callCtx(t), first)
		if a.err != nil || a.resp.GetNextPageToken() == "" {
			t.Fatalf("first page returned %v, %v; want a next page token", a.resp, a.err)
		}
		token := a.resp.GetNextPageToken()
		for _, tt := range refused {
			t.Run(tt.name, func(t *testing.T) {
				env.emu.ResetRequests()
				req := next(token, first.PageSize)
				tt.edit(req)
				tr.List(callCtx(t), req).assertInvalid(t, "page_token")
				env.assertNoUpstream(t)
			})
		}
		tests := []struct {
			name  string
			size  int32
			query string
			want  []string
		}{
			{"the same request", 2, fmt.Sprintf(query, 2, 2), []string{"Charlie", "Delta"}},
			// Two items had: the first page of 3, less those two.
			{"another page size", 3, fmt.Sprintf(query, 1, 3), []string{"Charlie"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resp := env.listOnce(t, tr, next(token, tt.size), tt.query)
				if diff := cmp.Diff(tt.want, env.labels(resp)); diff != "" {
					t.Errorf("List mismatch (-want +got):\n%s", diff)
				}
			})
		}
	})
}
