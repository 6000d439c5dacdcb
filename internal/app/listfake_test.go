package app

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

// pigelloListPath is Pigello's list endpoint.
const pigelloListPath = "/accounts/users/organization/workengagement/list/"

// pigelloList is a Pigello list endpoint on a real listener, for tests that
// must see the exact query the facade sends: it records every request and
// answers from its items, paged by _page and _page_size as Django pages,
// in the envelope it is set to, and any other path with its first item,
// as Get would. (The emulator serves list/ too; this one can also answer
// with any body.)
type pigelloList struct {
	items []string // Pigello's whole list, as JSON objects
	// paginated answers DRF's {"count", "next", "previous", "results"};
	// otherwise a bare array.
	paginated bool
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
	if r.URL.Path != pigelloListPath && len(p.items) > 0 {
		_, _ = io.WriteString(w, p.items[0]) // a Get, for comparing
		return
	}
	page, errPage := strconv.Atoi(r.URL.Query().Get("_page"))
	size, errSize := strconv.Atoi(r.URL.Query().Get("_page_size"))
	if errPage != nil || errSize != nil || page < 1 || size < 1 {
		http.Error(w, `{"detail": "_page and _page_size must be set together"}`, http.StatusBadRequest)
		return
	}
	start := min((page-1)*size, len(p.items))
	end := min(start+size, len(p.items))
	if page > 1 && start == len(p.items) && p.notFoundPastEnd {
		http.Error(w, `{"detail": "Invalid page."}`, http.StatusNotFound)
		return
	}
	_, _ = io.WriteString(w, p.envelope(r, page, end, "["+strings.Join(p.items[start:end], ", ")+"]"))
}

// envelope wraps results as p answers, for a page ending at item end.
func (p *pigelloList) envelope(r *http.Request, page, end int, results string) string {
	if !p.paginated {
		return results
	}
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("_page", strconv.Itoa(n))
		return strconv.Quote("http://pigello.test" + pigelloListPath + "?" + q.Encode())
	}
	next, previous := "null", "null"
	if end < len(p.items) {
		next = link(page + 1)
	}
	if page > 1 {
		previous = link(page - 1)
	}
	return fmt.Sprintf(`{"count": %d, "next": %s, "previous": %s, "results": %s}`, len(p.items), next, previous, results)
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

// onlyQuery returns the query of the one request since the last look,
// which must have gone to the list path.
func (p *pigelloList) onlyQuery(t *testing.T) url.Values {
	t.Helper()
	p.mu.Lock()
	reqs := p.requests
	p.requests = nil
	p.mu.Unlock()
	if len(reqs) != 1 {
		t.Fatalf("Pigello received %d requests, want 1: %v", len(reqs), reqs)
	}
	if reqs[0].Path != pigelloListPath {
		t.Errorf("Pigello was asked for %s, want %s", reqs[0].Path, pigelloListPath)
	}
	return reqs[0].Query()
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

// lister makes ListWorkEngagements over one protocol.
type lister interface {
	List(context.Context, *accountsv1.ListWorkEngagementsRequest) listAnswer
}

// listAnswer is how one List ended: answer's error, or the response.
type listAnswer struct {
	answer
	resp *accountsv1.ListWorkEngagementsResponse
}

// listers are the facade's two faces, as lister.
func (e *testEnv) listers() []struct {
	name string
	lister
} {
	return []struct {
		name string
		lister
	}{
		{"gRPC", grpcTransport{e.client}},
		{"REST", restTransport{e.restURL}},
	}
}

func (g grpcTransport) List(ctx context.Context, req *accountsv1.ListWorkEngagementsRequest) listAnswer {
	resp, err := g.client.ListWorkEngagements(ctx, req)
	return listAnswer{answer: answer{err: err}, resp: resp}
}

// List sends the request's fields as the query parameters of GET
// /v1/workEngagements, leaving out those at their zero value.
func (r restTransport) List(ctx context.Context, req *accountsv1.ListWorkEngagementsRequest) listAnswer {
	q := url.Values{}
	for k, v := range map[string]string{
		"page_token": req.GetPageToken(), "filter": req.GetFilter(), "order_by": req.GetOrderBy(), "search": req.GetSearch(),
	} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if req.GetPageSize() != 0 {
		q.Set("page_size", strconv.Itoa(int(req.GetPageSize())))
	}
	return r.listQuery(ctx, q.Encode())
}

// listQuery makes GET /v1/workEngagements with rawQuery.
func (r restTransport) listQuery(ctx context.Context, rawQuery string) listAnswer {
	code, header, body, err := roundTrip(ctx, http.MethodGet, r.baseURL+"/v1/workEngagements?"+rawQuery, http.Header{}, nil)
	if err != nil {
		return listAnswer{answer: answer{err: err}}
	}
	a := listAnswer{answer: answer{http: code, header: header}}
	if code != http.StatusOK {
		a.err = statusFromJSON(code, body)
		return a
	}
	a.resp = new(accountsv1.ListWorkEngagementsResponse)
	if err := protojson.Unmarshal(body, a.resp); err != nil {
		a.err = fmt.Errorf("REST answered 200 with %q, not a list response: %v", body, err)
	}
	return a
}
