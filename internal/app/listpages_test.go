package app

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pigello-facade/pigello-facade/emulator"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
)

// listPage is what one List answered, in short: its items, each as label
// names it, whether it had a next page token, and its total_size.
type listPage struct {
	items []string
	more  bool
	total int32
}

// listAll lists with req, then with each next_page_token, the page sizes
// taken in turn from sizes (the last repeating), until a page has no
// token, and returns the pages.
func listAll(t *testing.T, tr transport, req *accountsv1.ListWorkEngagementsRequest, label func(*accountsv1.WorkEngagement) string, sizes ...int32) []listPage {
	t.Helper()
	req = proto.CloneOf(req)
	var pages []listPage
	for i := 0; ; i++ {
		if i == 50 {
			t.Fatal("no last page after 50 pages")
		}
		req.PageSize = sizes[min(i, len(sizes)-1)]
		a := tr.List(callCtx(t), req)
		if a.err != nil {
			t.Fatalf("page %d: List returned %v", i+1, a.err)
		}
		pg := listPage{more: a.resp.GetNextPageToken() != "", total: a.resp.GetTotalSize()}
		for _, we := range a.resp.GetWorkEngagements() {
			pg.items = append(pg.items, label(we))
		}
		if len(pg.items) > int(req.PageSize) {
			t.Errorf("page %d holds %d items, more than page_size %d", i+1, len(pg.items), req.PageSize)
		}
		pages = append(pages, pg)
		if !pg.more {
			return pages
		}
		req.PageToken = a.resp.GetNextPageToken()
	}
}

// pagesAsked returns the _page/_page_size of each query, checking that
// each holds the same other parameters as the first: the filter, order
// and search do not change from page to page.
func pagesAsked(t *testing.T, queries []url.Values) []string {
	t.Helper()
	var asked []string
	for i, q := range queries {
		asked = append(asked, q.Get("_page")+"/"+q.Get("_page_size"))
		if diff := cmp.Diff(withoutPage(queries[0]), withoutPage(q)); diff != "" {
			t.Errorf("query %d changed parameters besides the page (-first +this):\n%s", i+1, diff)
		}
	}
	return asked
}

func withoutPage(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		if k != "_page" && k != "_page_size" {
			out[k] = v
		}
	}
	return out
}

// queries returns the queries of the emulator's requests, which must all
// have gone to list/.
func (e *listEnv) queries(t *testing.T) []url.Values {
	t.Helper()
	var out []url.Values
	for _, r := range e.emu.Requests() {
		q, err := url.ParseQuery(r.RawQuery)
		if r.Path != pigelloListPath || err != nil {
			t.Fatalf("emulator received %s %s?%s, want a list/ query", r.Method, r.Path, r.RawQuery)
		}
		out = append(out, q)
	}
	return out
}

// flatten returns the items of pages, in order.
func flatten(pages []listPage) []string {
	var out []string
	for _, pg := range pages {
		out = append(out, pg.items...)
	}
	return out
}

// TestListWalk: pages of 2 to the end, with each envelope, over gRPC and
// REST. Every work engagement comes exactly once, in order, and only the
// last page has no next_page_token. The paginated envelope's next says
// which is the last and its count is total_size; with a bare array a short
// page is the last, so a full last page is followed by one empty page, and
// total_size is 0.
func TestListWalk(t *testing.T) {
	newestFirst := []string{"Foxtrot", "Echo", "Delta", "Charlie", "Bravo", "Alpha", partialName, emptyName, fullName}
	tests := []struct {
		name string
		req  *accountsv1.ListWorkEngagementsRequest
		want []string
		// The items on each page, with each envelope.
		array, paginated []int
	}{
		{"all, a short last page", &accountsv1.ListWorkEngagementsRequest{}, allListed, []int{2, 2, 2, 2, 1}, []int{2, 2, 2, 2, 1}},
		{"ordered", &accountsv1.ListWorkEngagementsRequest{OrderBy: "created_at desc, name"}, newestFirst, []int{2, 2, 2, 2, 1}, []int{2, 2, 2, 2, 1}},
		{"filtered, a full last page", listFilter(`color_code = "*ab*"`), []string{"Alpha", "Bravo", "Charlie", "Delta"}, []int{2, 2, 0}, []int{2, 2}},
		{"searched, one full page", &accountsv1.ListWorkEngagementsRequest{Search: "X-"}, []string{"Alpha", "Bravo"}, []int{2, 0}, []int{2}},
		{"none", &accountsv1.ListWorkEngagementsRequest{Search: "zzz"}, nil, []int{0}, []int{0}},
	}
	eachListTarget(t, func(t *testing.T, env *listEnv, tr namedTransport) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				env.emu.ResetRequests()
				sizes := tt.array
				if env.envelope == emulator.ListPaginated {
					sizes = tt.paginated
				}
				want := splitPages(tt.want, sizes, env.totalSize(len(tt.want)))
				if diff := cmp.Diff(want, listAll(t, tr, tt.req, env.label, 2), cmp.AllowUnexported(listPage{})); diff != "" {
					t.Errorf("pages mismatch (-want +got):\n%s", diff)
				}
				var asked []string
				for i := range sizes {
					asked = append(asked, fmt.Sprintf("%d/2", i+1))
				}
				if diff := cmp.Diff(asked, pagesAsked(t, env.queries(t))); diff != "" {
					t.Errorf("_page/_page_size asked mismatch (-want +got):\n%s", diff)
				}
			})
		}
	})
}

// splitPages returns the pages that hold items, in pages of sizes, each
// but the last with a next page token, each with total.
func splitPages(items []string, sizes []int, total int32) []listPage {
	var pages []listPage
	for i, n := range sizes {
		pg := listPage{more: i < len(sizes)-1, total: total}
		if n > 0 {
			pg.items, items = items[:n:n], items[n:]
		}
		pages = append(pages, pg)
	}
	return pages
}

// TestListPageSizeChanges: page_size may change from page to page, with
// each envelope; every work engagement comes once, in order, and no page
// is larger than asked (listAll).
func TestListPageSizeChanges(t *testing.T) {
	tests := []struct {
		sizes []int32
		// asked is the _page/_page_size the emulator must get, when given:
		// after 3 items, a page of 5 is the first page of 5 with its
		// first 3 left out; then pages of 5 line up again.
		asked []string
	}{
		{[]int32{3, 5}, []string{"1/3", "1/5", "2/5"}},
		{[]int32{3, 5, 2, 7, 4}, []string{"1/3", "1/5", "3/2", "1/7", "2/4", "3/4"}},
		{[]int32{1, 2, 3, 4, 5, 6}, nil},
		{[]int32{2, 3, 1, 4}, nil},
		{[]int32{7, 1, 500}, nil},
		{[]int32{4, 4, 6, 9}, nil},
	}
	eachListTarget(t, func(t *testing.T, env *listEnv, tr namedTransport) {
		for _, tt := range tests {
			t.Run(fmt.Sprint(tt.sizes), func(t *testing.T) {
				env.emu.ResetRequests()
				pages := listAll(t, tr, &accountsv1.ListWorkEngagementsRequest{}, env.label, tt.sizes...)
				asked := pagesAsked(t, env.queries(t))
				if diff := cmp.Diff(allListed, flatten(pages)); diff != "" {
					t.Errorf("items mismatch (-want +got), the emulator was asked for %v:\n%s", asked, diff)
				}
				if diff := cmp.Diff(tt.asked, asked); tt.asked != nil && diff != "" {
					t.Errorf("_page/_page_size asked mismatch (-want +got):\n%s", diff)
				}
			})
		}
	})
}

// TestListShowsCreated: a work engagement created through the facade is
// listed as Create answered it, with each envelope, over gRPC and REST.
func TestListShowsCreated(t *testing.T) {
	eachListTarget(t, func(t *testing.T, env *listEnv, tr namedTransport) {
		name := "Golf " + tr.name
		created := create(t, tr, &accountsv1.WorkEngagement{Name: name, ColorCode: proto.String("777"), CustomId: proto.String("G-1")})
		if created.err != nil {
			t.Fatalf("Create returned %v", created.err)
		}
		a := tr.List(callCtx(t), &accountsv1.ListWorkEngagementsRequest{Search: name})
		if a.err != nil {
			t.Fatalf("List returned %v", a.err)
		}
		if diff := cmp.Diff([]*accountsv1.WorkEngagement{created.we}, a.resp.GetWorkEngagements(), protocmp.Transform()); diff != "" {
			t.Errorf("List after Create mismatch (-created +listed):\n%s", diff)
		}
	})
}

// TestListItemsMappedAsGet: each listed work engagement reads exactly as
// Get reads it, with each envelope, over gRPC and REST.
func TestListItemsMappedAsGet(t *testing.T) {
	eachListTarget(t, func(t *testing.T, env *listEnv, tr namedTransport) {
		a := tr.List(callCtx(t), &accountsv1.ListWorkEngagementsRequest{})
		if a.err != nil || len(a.resp.GetWorkEngagements()) != len(allListed) {
			t.Fatalf("List returned %v, %v; want %d work engagements", a.resp, a.err, len(allListed))
		}
		for _, listed := range a.resp.GetWorkEngagements() {
			got := tr.Get(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: listed.GetId()})
			if got.err != nil {
				t.Fatalf("Get(%s) returned %v", listed.GetId(), got.err)
			}
			if diff := cmp.Diff(got.we, listed, protocmp.Transform()); diff != "" {
				t.Errorf("%s: List mismatch (-get +list):\n%s", listed.GetName(), diff)
			}
		}
	})
}
