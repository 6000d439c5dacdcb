package app

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/testing/protocmp"
)

// listPage is what one List answered, in short: the names of its items,
// whether it had a next page token, and its total_size.
type listPage struct {
	names []string
	more  bool
	total int32
}

// listAll lists with req, then with each next_page_token, the page sizes
// taken in turn from sizes (the last repeating), until a page has no
// token. It returns the pages and the _page/_page_size Pigello got.
func listAll(t *testing.T, l lister, p *pigelloList, req *accountsv1.ListWorkEngagementsRequest, sizes ...int32) ([]listPage, []string) {
	t.Helper()
	var pages []listPage
	for i := 0; ; i++ {
		if i == 50 {
			t.Fatal("no last page after 50 pages")
		}
		req.PageSize = sizes[min(i, len(sizes)-1)]
		a := l.List(callCtx(t), req)
		if a.err != nil {
			t.Fatalf("page %d: List returned %v", i+1, a.err)
		}
		pg := listPage{more: a.resp.GetNextPageToken() != "", total: a.resp.GetTotalSize()}
		for _, we := range a.resp.GetWorkEngagements() {
			pg.names = append(pg.names, we.GetName())
		}
		if len(pg.names) > int(req.PageSize) {
			t.Errorf("page %d holds %d items, more than page_size %d", i+1, len(pg.names), req.PageSize)
		}
		pages = append(pages, pg)
		if !pg.more {
			break
		}
		req.PageToken = a.resp.GetNextPageToken()
	}
	var asked []string
	for _, q := range p.got() {
		asked = append(asked, q.Get("_page")+"/"+q.Get("_page_size"))
	}
	return pages, asked
}

func itemNames(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, "n"+strconv.Itoa(i))
	}
	return out
}

// TestListLastPage: the last page has no token. With the paginated
// envelope Pigello's next says so and its count is total_size; with a bare
// array a short page is the last, and a full last page is followed by one
// empty page (or Django's 404 for a page past the end, read as that empty
// page).
func TestListLastPage(t *testing.T) {
	tests := []struct {
		name  string
		p     *pigelloList
		pages []listPage
		asked []string
	}{
		{"array, short last page", &pigelloList{items: itemsJSON(7)},
			[]listPage{{itemNames(1, 3), true, 0}, {itemNames(4, 6), true, 0}, {itemNames(7, 7), false, 0}}, []string{"1/3", "2/3", "3/3"}},
		{"array, full last page", &pigelloList{items: itemsJSON(6)},
			[]listPage{{itemNames(1, 3), true, 0}, {itemNames(4, 6), true, 0}, {nil, false, 0}}, []string{"1/3", "2/3", "3/3"}},
		{"array, full last page, then 404", &pigelloList{items: itemsJSON(6), notFoundPastEnd: true},
			[]listPage{{itemNames(1, 3), true, 0}, {itemNames(4, 6), true, 0}, {nil, false, 0}}, []string{"1/3", "2/3", "3/3"}},
		{"array, empty", &pigelloList{}, []listPage{{nil, false, 0}}, []string{"1/3"}},
		{"paginated, short last page", &pigelloList{items: itemsJSON(7), paginated: true},
			[]listPage{{itemNames(1, 3), true, 7}, {itemNames(4, 6), true, 7}, {itemNames(7, 7), false, 7}}, []string{"1/3", "2/3", "3/3"}},
		{"paginated, full last page: next is null", &pigelloList{items: itemsJSON(6), paginated: true},
			[]listPage{{itemNames(1, 3), true, 6}, {itemNames(4, 6), false, 6}}, []string{"1/3", "2/3"}},
		{"paginated, empty", &pigelloList{paginated: true}, []listPage{{nil, false, 0}}, []string{"1/3"}},
	}
	for _, tt := range tests {
		env := startList(t, tt.p)
		for _, tr := range env.listers() {
			t.Run(tr.name+"/"+tt.name, func(t *testing.T) {
				pages, asked := listAll(t, tr, tt.p, &accountsv1.ListWorkEngagementsRequest{}, 3)
				if diff := cmp.Diff(tt.pages, pages, cmp.AllowUnexported(listPage{})); diff != "" {
					t.Errorf("pages mismatch (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tt.asked, asked); diff != "" {
					t.Errorf("_page/_page_size asked mismatch (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestListPageSizeChanges: page_size may change from page to page; every
// item comes once, in order, and no page is larger than asked.
func TestListPageSizeChanges(t *testing.T) {
	sizes := [][]int32{{3, 5, 2, 7, 4}, {5, 3}, {1, 2, 3, 4, 5, 6}, {7, 1, 500}, {4, 4, 6, 9}}
	for _, paginated := range []bool{false, true} {
		p := &pigelloList{items: itemsJSON(23), paginated: paginated}
		env := startList(t, p)
		for _, tr := range env.listers() {
			for _, s := range sizes {
				t.Run(fmt.Sprintf("%s/paginated %v/%v", tr.name, paginated, s), func(t *testing.T) {
					pages, asked := listAll(t, tr, p, &accountsv1.ListWorkEngagementsRequest{}, s...)
					var got []string
					for _, pg := range pages {
						got = append(got, pg.names...)
					}
					if diff := cmp.Diff(itemNames(1, 23), got); diff != "" {
						t.Errorf("items mismatch (-want +got), Pigello asked %v:\n%s", asked, diff)
					}
				})
			}
		}
	}
	t.Run("the page asked for", func(t *testing.T) {
		// After 3 items, a page of 5 is Pigello's first page of 5 with
		// its first 3 skipped; then pages of 5 line up again.
		p := &pigelloList{items: itemsJSON(23)}
		env := startList(t, p)
		pages, asked := listAll(t, grpcTransport{env.client}, p, &accountsv1.ListWorkEngagementsRequest{}, 3, 5)
		if diff := cmp.Diff([]string{"1/3", "1/5", "2/5", "3/5", "4/5", "5/5"}, asked); diff != "" {
			t.Errorf("_page/_page_size asked mismatch (-want +got):\n%s", diff)
		}
		if len(pages[1].names) != 2 || pages[1].names[0] != "n4" {
			t.Errorf("second page = %v, want n4 and n5", pages[1].names)
		}
	})
}

// TestListItemsMappedAsGet: each item of a list reads exactly as Get reads
// the same object.
func TestListItemsMappedAsGet(t *testing.T) {
	p := &pigelloList{items: []string{testkit.FullWorkEngagement}}
	env := startList(t, p)
	we, err := env.client.GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: missingID})
	if err != nil {
		t.Fatalf("Get returned %v", err)
	}
	for _, tr := range env.listers() {
		a := tr.List(callCtx(t), &accountsv1.ListWorkEngagementsRequest{})
		if a.err != nil {
			t.Fatalf("%s: List returned %v", tr.name, a.err)
		}
		want := &accountsv1.ListWorkEngagementsResponse{WorkEngagements: []*accountsv1.WorkEngagement{we}}
		if diff := cmp.Diff(want, a.resp, protocmp.Transform()); diff != "" {
			t.Errorf("%s: List mismatch (-want +got):\n%s", tr.name, diff)
		}
	}
}

// TestListMalformed: an answer in neither envelope, or with one item the
// contract cannot hold, or more items than asked for, fails the call with
// INTERNAL PIGELLO_MALFORMED_RESPONSE. Of an unknown envelope, the log
// line names the top-level keys and no value.
func TestListMalformed(t *testing.T) {
	const value = "VALUE-NOT-FOR-LOGS"
	item := `{"id": "` + missingID + `", "name": "n"}`
	tests := []struct {
		name string
		body string
		logs []string // what the call's log line must say
	}{
		{"another envelope", `{"data": [` + item + `], "meta": {"total": "` + value + `"}}`, []string{`top-level keys: \"data\", \"meta\"`}},
		{"paginated plus a member", `{"count": 1, "next": null, "results": [], "page_info": "` + value + `"}`, []string{`\"page_info\"`}},
		{"a string", `"` + value + `"`, []string{"is a string, neither an array nor a paginated object"}},
		{"an item that is no object", `[` + item + `, "` + value + `"]`, []string{"item 1 is a string"}},
		{"one item without an id", `[` + item + `, {"name": "` + value + `"}]`, []string{"item 1: schema: read pigello.accounts.v1.WorkEngagement: id: missing"}},
		{"more items than asked for", `[` + item + `, ` + item + `, ` + item + `]`, []string{"item 2: more items than _page_size asked for"}},
	}
	for _, tt := range tests {
		p := &pigelloList{body: tt.body}
		env := startList(t, p)
		for _, tr := range env.listers() {
			t.Run(tr.name+"/"+tt.name, func(t *testing.T) {
				a := tr.List(callCtx(t), &accountsv1.ListWorkEngagementsRequest{PageSize: 2})
				a.assertError(t, wantError{code: codes.Internal, http: http.StatusInternalServerError, reason: "PIGELLO_MALFORMED_RESPONSE", upstream: "200"})
			})
		}
		logs := env.logs.String()
		for _, want := range tt.logs {
			if n := strings.Count(logs, want); n != 2 {
				t.Errorf("%s: the log says %q %d times, want once per call (2):\n%s", tt.name, want, n, logs)
			}
		}
		if strings.Contains(logs, value) {
			t.Errorf("%s: the log holds a value of Pigello's answer:\n%s", tt.name, logs)
		}
	}
}
