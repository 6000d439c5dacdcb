package app

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pigello-facade/pigello-facade/emulator"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// pigelloListPath is Pigello's list endpoint.
const pigelloListPath = "/accounts/users/organization/workengagement/list/"

// listAnswer is how one List ended: answer's error, or the response.
type listAnswer struct {
	answer
	resp *accountsv1.ListWorkEngagementsResponse
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
	ans, body := r.exchange(ctx, http.MethodGet, "/v1/workEngagements?"+rawQuery, nil)
	a := listAnswer{answer: ans}
	if a.err != nil {
		return a
	}
	a.resp = new(accountsv1.ListWorkEngagementsResponse)
	if err := protojson.Unmarshal(body, a.resp); err != nil {
		a.err = fmt.Errorf("REST answered 200 with %q, not a list response: %v", body, err)
	}
	return a
}

// The emulator's demo records, by name, in the order they were created.
const (
	fullName    = "Full-time employment" // created_at 2024-01-15T09:30:00.123456Z, color 1E90ff, custom_id WE-0001
	emptyName   = "Internship"           // created_at 2024-03-01T08:00:00Z, no color, no custom_id
	partialName = "Part-time, 50 %"      // created_at 2025-06-30T12:45:10.5Z, no color, custom_id ""
)

// listed are the work engagements setupList creates through the facade,
// one after the other (so their created_at, the emulator's clock, rises),
// after the demo records. The colours and custom ids are chosen for the
// filter and search forms: "ab" starts, ends and is inside some, and
// upper case tells a case-sensitive lookup from another.
var listed = []*accountsv1.WorkEngagement{
	{Name: "Alpha", ColorCode: proto.String("abc"), CustomId: proto.String("X-1")},
	{Name: "Bravo", ColorCode: proto.String("ab0ab0"), CustomId: proto.String("X-2")},
	{Name: "Charlie", ColorCode: proto.String("0ab")},
	{Name: "Delta", ColorCode: proto.String("1ab2c3"), CustomId: proto.String("Y-ab")},
	{Name: "Echo"},
	{Name: "Foxtrot", ColorCode: proto.String("ABC"), CustomId: proto.String("")},
}

// allListed is every work engagement of a listEnv by name, in the default
// order (created_at, then id).
var allListed = []string{fullName, emptyName, partialName, "Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"}

// listEnv is a facade in front of an emulator answering list/ in one
// envelope, holding the demo records and listed.
type listEnv struct {
	*testEnv
	envelope emulator.ListEnvelope
	names    map[string]string // by id, of every work engagement created
}

// setupList starts a listEnv and creates listed through the facade's
// Create. The emulator's request log is then empty.
func setupList(t *testing.T, envelope emulator.ListEnvelope) *listEnv {
	t.Helper()
	env := &listEnv{testEnv: setupEmulator(t, emulator.Config{ListEnvelope: envelope}), envelope: envelope, names: map[string]string{}}
	tr := grpcTransport{env.client}
	var last *accountsv1.WorkEngagement // the newest so far
	for _, id := range env.emu.DemoIDs() {
		a := tr.Get(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: id})
		if a.err != nil {
			t.Fatalf("Get(%s) returned %v", id, a.err)
		}
		env.names[id], last = a.we.GetName(), a.we
	}
	for _, we := range listed {
		a := create(t, tr, we)
		if a.err != nil {
			t.Fatalf("Create(%s) returned %v", we.GetName(), a.err)
		}
		if !a.we.GetCreatedAt().AsTime().After(last.GetCreatedAt().AsTime()) {
			t.Fatalf("%s was created at %v, not after %s at %v: the orders below assume a clock past the demo's and rising",
				a.we.GetName(), a.we.GetCreatedAt().AsTime(), last.GetName(), last.GetCreatedAt().AsTime())
		}
		env.names[a.we.GetId()], last = a.we.GetName(), a.we
	}
	env.emu.ResetRequests()
	return env
}

// label names a listed work engagement by its name, checking its id is
// the one Create (or the demo) gave that name; an unknown id is shown.
func (e *listEnv) label(we *accountsv1.WorkEngagement) string {
	if name, ok := e.names[we.GetId()]; ok && name == we.GetName() {
		return name
	}
	return fmt.Sprintf("%s (unknown id %s)", we.GetName(), we.GetId())
}

func (e *listEnv) labels(resp *accountsv1.ListWorkEngagementsResponse) []string {
	var out []string
	for _, we := range resp.GetWorkEngagements() {
		out = append(out, e.label(we))
	}
	return out
}

// totalSize is the total_size of a list of n matches: Pigello's count
// with the paginated envelope; unknown, 0, with a bare array.
func (e *listEnv) totalSize(n int) int32 {
	if e.envelope == emulator.ListPaginated {
		return int32(n)
	}
	return 0
}

// listCase is one List, the exact query the emulator must receive for it,
// and the work engagements, by name and in order, its page must hold.
type listCase struct {
	name  string
	req   *accountsv1.ListWorkEngagementsRequest
	query string
	want  []string
	// matches is how many work engagements the query matches, when more
	// than want: the page is then not the last.
	matches int
}

// eachListTarget runs body once for each list envelope and transport, as
// the subtest envelope/transport, on an emulator answering with that
// envelope (setupList, made once per envelope).
func eachListTarget(t *testing.T, body func(t *testing.T, env *listEnv, tr namedTransport)) {
	t.Helper()
	for _, envelope := range emulator.ListEnvelopes() {
		t.Run(string(envelope), func(t *testing.T) {
			env := setupList(t, envelope)
			for _, tr := range env.transports() {
				t.Run(tr.name, func(t *testing.T) { body(t, env, tr) })
			}
		})
	}
}

// runListCases runs each case with each envelope, over gRPC and REST.
func runListCases(t *testing.T, cases []listCase) {
	eachListTarget(t, func(t *testing.T, env *listEnv, tr namedTransport) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				env.assertListCase(t, tr, tc)
			})
		}
	})
}

func (e *listEnv) assertListCase(t *testing.T, tr transport, tc listCase) {
	t.Helper()
	resp := e.listOnce(t, tr, tc.req, tc.query)
	if diff := cmp.Diff(tc.want, e.labels(resp)); diff != "" {
		t.Errorf("List mismatch (-want +got):\n%s", diff)
	}
	matches := max(tc.matches, len(tc.want))
	if more := resp.GetNextPageToken() != ""; more != (matches > len(tc.want)) {
		t.Errorf("next_page_token = %q, want one only if more than %d match", resp.GetNextPageToken(), len(tc.want))
	}
	if got, want := resp.GetTotalSize(), e.totalSize(matches); got != want {
		t.Errorf("total_size = %d, want %d", got, want)
	}
}

// listOnce makes req over tr, checks the one request the emulator then
// received was GET list/ with exactly query, and returns the response.
func (e *listEnv) listOnce(t *testing.T, tr transport, req *accountsv1.ListWorkEngagementsRequest, query string) *accountsv1.ListWorkEngagementsResponse {
	t.Helper()
	e.emu.ResetRequests()
	a := tr.List(callCtx(t), req)
	if a.err != nil {
		t.Fatalf("List returned %v", a.err)
	}
	got := e.onlyRequest(t)
	if got.Method != http.MethodGet || got.Path != pigelloListPath || got.RawQuery != query {
		t.Errorf("emulator received %s %s?%s, want GET %s?%s", got.Method, got.Path, got.RawQuery, pigelloListPath, query)
	}
	return a.resp
}
