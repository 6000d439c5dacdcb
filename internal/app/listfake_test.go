package app

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/grpc/codes"
)

// pigelloList is a Pigello list endpoint on a real listener for what the
// emulator does not do (the List tests against it are in list_test.go and
// the files beside it): answer a page past the last with DRF's 404, or any
// body at all. It records every request and answers a bare array of its
// items, paged by _page and _page_size as Django pages.
type pigelloList struct {
	items []string // Pigello's whole list, as JSON objects
	// notFoundPastEnd answers a page past the last one with 404, as DRF's
	// paginator does; otherwise with an empty page.
	notFoundPastEnd bool
	// body, when set, is every answer's body (status 200).
	body string

	mu       sync.Mutex
	requests []*url.URL
}

// startList starts a facade in front of p.
func startList(t *testing.T, p *pigelloList) *testEnv {
	t.Helper()
	return startScripted(t, p.ServeHTTP)
}

func (p *pigelloList) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	u := *r.URL
	p.requests = append(p.requests, &u)
	p.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if p.body != "" {
		_, _ = io.WriteString(w, p.body)
		return
	}
	page, errPage := strconv.Atoi(r.URL.Query().Get("_page"))
	size, errSize := strconv.Atoi(r.URL.Query().Get("_page_size"))
	if r.URL.Path != pigelloListPath || errPage != nil || errSize != nil || page < 1 || size < 1 {
		http.Error(w, `{"detail": "not a list/ request with _page and _page_size"}`, http.StatusBadRequest)
		return
	}
	start := min((page-1)*size, len(p.items))
	end := min(start+size, len(p.items))
	if page > 1 && start == len(p.items) && p.notFoundPastEnd {
		http.Error(w, `{"detail": "Invalid page."}`, http.StatusNotFound)
		return
	}
	_, _ = io.WriteString(w, "["+strings.Join(p.items[start:end], ", ")+"]")
}

// got returns the queries of the requests so far, and forgets them.
func (p *pigelloList) got() []url.Values {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []url.Values
	for _, u := range p.requests {
		out = append(out, u.Query())
	}
	p.requests = nil
	return out
}

// itemsJSON returns n work engagements as Pigello writes them, with ids
// counting from 1, the name "n<i>".
func itemsJSON(n int) []string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(`{"id": "00000000-0000-4000-8000-%012d", "name": "n%d", "color_code": null}`, i+1, i+1)
	}
	return items
}

// TestListPastEndNotFound: with a bare array, the page after a full last
// page is empty; Django's 404 for a page past the end reads as that empty
// last page, over gRPC and REST.
func TestListPastEndNotFound(t *testing.T) {
	p := &pigelloList{items: itemsJSON(6), notFoundPastEnd: true}
	env := startList(t, p)
	name := func(we *accountsv1.WorkEngagement) string { return we.GetName() }
	want := []listPage{{[]string{"n1", "n2", "n3"}, true, 0}, {[]string{"n4", "n5", "n6"}, true, 0}, {nil, false, 0}}
	for _, tr := range env.transports() {
		t.Run(tr.name, func(t *testing.T) {
			pages := listAll(t, tr, &accountsv1.ListWorkEngagementsRequest{}, name, 3)
			if diff := cmp.Diff(want, pages, cmp.AllowUnexported(listPage{})); diff != "" {
				t.Errorf("pages mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"1/3", "2/3", "3/3"}, pagesAsked(t, p.got())); diff != "" {
				t.Errorf("_page/_page_size asked mismatch (-want +got):\n%s", diff)
			}
		})
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
		for _, tr := range env.transports() {
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
