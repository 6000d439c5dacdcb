package docs_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestOpenAPIExamplesWork makes each operation's call from the examples
// the served description gives, as /docs pre-fills Try it out, against a
// facade on its embedded emulator: path and query parameters from their
// examples, the body from its example. Each must succeed, in an order
// where each can: the create's example makes a work engagement the list's
// example parameters then find, and the delete comes last.
func TestOpenAPIExamplesWork(t *testing.T) {
	base := startFacade(t, "")
	doc := servedDoc(t, base)
	router := servedRouter(t, doc)
	calls := []struct{ method, path string }{
		{http.MethodPost, "/v1/workEngagements"},
		{http.MethodGet, "/v1/workEngagements"},
		{http.MethodGet, "/v1/workEngagements/{id}"},
		{http.MethodPatch, "/v1/workEngagements/{id}"},
		{http.MethodDelete, "/v1/workEngagements/{id}"},
	}
	operations := 0
	for _, item := range doc.Paths.Map() {
		operations += len(item.Operations())
	}
	if operations != len(calls) {
		t.Fatalf("the description has %d operations, want the %d this test calls", operations, len(calls))
	}
	var created struct{ ID string }
	for _, c := range calls {
		op := doc.Paths.Value(c.path).GetOperation(c.method)
		tt := exampleCall(t, c.method, c.path, op)
		body := checkWire(t, router, base, tt)
		switch op.OperationID {
		case "WorkEngagementService_CreateWorkEngagement":
			if err := json.Unmarshal(body, &created); err != nil || created.ID == "" {
				t.Fatalf("create answered %s, want a work engagement with an id", body)
			}
		case "WorkEngagementService_ListWorkEngagements":
			var page struct {
				WorkEngagements []struct{ ID string } `json:"work_engagements"`
			}
			if err := json.Unmarshal(body, &page); err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(page.WorkEngagements, func(we struct{ ID string }) bool { return we.ID == created.ID }) {
				t.Errorf("%s %s answered %s, want a page holding %s, which the create example made", tt.method, tt.path, body, created.ID)
			}
		}
	}
}

// exampleCall is the call op's examples make: Swagger UI's Try it out as
// it is pre-filled.
func exampleCall(t *testing.T, method, template string, op *openapi3.Operation) wireCase {
	t.Helper()
	path, query := template, url.Values{}
	for _, p := range op.Parameters {
		example := p.Value.Example
		if example == nil {
			continue
		}
		switch p.Value.In {
		case "path":
			path = strings.ReplaceAll(path, "{"+p.Value.Name+"}", url.PathEscape(fmt.Sprint(example)))
		case "query":
			query.Set(p.Value.Name, fmt.Sprint(example))
		}
	}
	if strings.Contains(path, "{") {
		t.Fatalf("%s %s: a path parameter has no example", method, template)
	}
	if len(query) > 0 {
		path += "?" + query.Encode()
	}
	tt := wireCase{name: op.OperationID, method: method, path: path, status: http.StatusOK}
	if op.RequestBody != nil {
		example := op.RequestBody.Value.Content.Get("application/json").Example
		if example == nil {
			t.Fatalf("%s %s: the body has no example", method, template)
		}
		b, err := json.Marshal(example)
		if err != nil {
			t.Fatal(err)
		}
		tt.body = string(b)
	}
	return tt
}
