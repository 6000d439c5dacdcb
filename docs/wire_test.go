package docs_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// The embedded emulator's demo records (emulator/seed.go): one with every
// field set, one with every nullable field null, one with empty lists and
// lists holding null.
const (
	fullID    = "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31"
	emptyID   = "8a1c4e7f-2b3d-4f5a-8e6c-9d0b1a2c3e42"
	partialID = "c5d7e9f1-4a6b-4c8d-a0e2-f3b5c7d9e153"
	missingID = "00000000-0000-4000-8000-000000000000"
	acmeID    = "0b7e3c2a-5f1d-4a8e-b6c4-2e9f1a3d5c70" // a demo organization
)

// wireCase is one REST call and what the facade must answer.
type wireCase struct {
	name, method, path, body string
	token                    string // bearer token sent, if any
	status                   int
	// badRequest: the description refuses the request, as the facade does.
	badRequest bool
}

// TestOpenAPIDescribesTheWire makes real REST calls to a facade running on
// its embedded emulator, over real listeners, and checks each request and
// each answer (success, error, delete) against the description that same
// facade serves at /openapi.json, with kin-openapi's openapi3filter. The
// description cannot drift from what the gateway writes: Pigello's nulls,
// free-form templates, tags and columns, partial update bodies, create
// bodies with nulls, list pages, and google.rpc.Status errors.
func TestOpenAPIDescribesTheWire(t *testing.T) {
	const token = "wire-test-token"
	for _, facade := range []struct {
		token string
		calls []wireCase
	}{
		{"", []wireCase{
			{name: "get, every field set", method: "GET", path: "/v1/workEngagements/" + fullID, status: 200},
			{name: "get, every nullable field null", method: "GET", path: "/v1/workEngagements/" + emptyID, status: 200},
			{name: "get, empty lists and lists holding null", method: "GET", path: "/v1/workEngagements/" + partialID, status: 200},
			{name: "get, unknown id", method: "GET", path: "/v1/workEngagements/" + missingID, status: 404},
			{name: "update one field with a mask", method: "PATCH", path: "/v1/workEngagements/" + fullID + "?update_mask=color_code", body: `{"color_code": "0a0"}`, status: 200},
			{name: "clear fields with nulls", method: "PATCH", path: "/v1/workEngagements/" + fullID, body: `{"organization": null, "custom_id": null, "color_code": null}`, status: 200},
			{name: "templates hold any JSON object", method: "PATCH", path: "/v1/workEngagements/" + emptyID + "?update_mask=template_notifications", body: `{"template_notifications": [{"id": "5e0c1f3a-8d2b-4b7e-9f4a-6c1d2e3f4a5b", "channels": ["sms", null, 2]}]}`, status: 200},
			{name: "update a field the mask does not allow", method: "PATCH", path: "/v1/workEngagements/" + fullID + "?update_mask=tags", body: `{}`, status: 400},
			{name: "update with a colour the pattern refuses", method: "PATCH", path: "/v1/workEngagements/" + fullID, body: `{"color_code": "#00f"}`, status: 400, badRequest: true},
			{name: "delete", method: "DELETE", path: "/v1/workEngagements/" + partialID, status: 200},
			{name: "delete a missing one, allowed", method: "DELETE", path: "/v1/workEngagements/" + partialID + "?allow_missing=true", status: 200},
			{name: "delete a missing one", method: "DELETE", path: "/v1/workEngagements/" + partialID, status: 404},
			{name: "create with the writable fields", method: "POST", path: "/v1/workEngagements", body: `{"name": "Contractor", "custom_id": "WE-0042", "color_code": "0a0", "organization": {"id": "` + acmeID + `"}, "template_notifications": [{"id": "5e0c1f3a-8d2b-4b7e-9f4a-6c1d2e3f4a5b"}]}`, status: 200},
			{name: "create with nulls for no value", method: "POST", path: "/v1/workEngagements", body: `{"name": "Temp", "organization": null, "custom_id": null, "color_code": null, "template_notifications": null, "template_sms_notifications": null, "template_email_notifications": null}`, status: 200},
			{name: "create without a name", method: "POST", path: "/v1/workEngagements", body: `{"color_code": "0a0"}`, status: 400, badRequest: true},
			{name: "create with a colour the pattern refuses", method: "POST", path: "/v1/workEngagements", body: `{"name": "Temp", "color_code": "#00f"}`, status: 400, badRequest: true},
			{name: "list a first page", method: "GET", path: "/v1/workEngagements?page_size=2", status: 200},
			{name: "list with a filter, an order and a search", method: "GET", path: "/v1/workEngagements?" + url.Values{"filter": {`color_code = "0a0" AND created_at >= "2024-01-01T00:00:00Z"`}, "order_by": {"created_at desc, name"}, "search": {"Contr"}}.Encode(), status: 200},
			{name: "list an empty page", method: "GET", path: "/v1/workEngagements?" + url.Values{"filter": {`color_code = "fff"`}}.Encode(), status: 200},
			{name: "list with a filter on a field it does not take", method: "GET", path: "/v1/workEngagements?" + url.Values{"filter": {`name = "Temp"`}}.Encode(), status: 400},
			{name: "list with a token that does not parse", method: "GET", path: "/v1/workEngagements?page_token=nope", status: 400},
			{name: "list with a negative page size", method: "GET", path: "/v1/workEngagements?page_size=-1", status: 400, badRequest: true},
		}},
		{token, []wireCase{
			{name: "no token", method: "GET", path: "/v1/workEngagements/" + fullID, status: 401},
			{name: "wrong token", method: "GET", path: "/v1/workEngagements/" + fullID, token: "not-" + token, status: 401},
			{name: "bearer token", method: "GET", path: "/v1/workEngagements/" + fullID, token: token, status: 200},
		}},
	} {
		base := startFacade(t, facade.token)
		router := servedRouter(t, servedDoc(t, base))
		for _, tt := range facade.calls {
			t.Run(tt.name, func(t *testing.T) { checkWire(t, router, base, tt) })
		}
	}
}

// servedDoc loads and validates the description the facade at base serves.
func servedDoc(t *testing.T, base string) *openapi3.T {
	t.Helper()
	resp, body := call(t, mustRequest(t, "GET", base+"/openapi.json", "", ""))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /openapi.json: %d", resp.StatusCode)
	}
	doc, err := openapi3.NewLoader().LoadFromData(body)
	if err != nil {
		t.Fatalf("load /openapi.json: %v", err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatalf("/openapi.json is not valid OpenAPI: %v", err)
	}
	return doc
}

// servedRouter routes requests to the operations of doc.
func servedRouter(t *testing.T, doc *openapi3.T) routers.Router {
	t.Helper()
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("route /openapi.json: %v", err)
	}
	return router
}

// checkWire validates tt's request against the description, makes the call,
// validates the answer and returns its body.
func checkWire(t *testing.T, router routers.Router, base string, tt wireCase) []byte {
	req := mustRequest(t, tt.method, base+tt.path, tt.body, tt.token)
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s %s: no operation in the description: %v", tt.method, tt.path, err)
	}
	input := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true},
	}
	err = openapi3filter.ValidateRequest(t.Context(), input)
	switch {
	case tt.badRequest && err == nil:
		t.Errorf("%s %s %s: the description accepts the request, want it refused", tt.method, tt.path, tt.body)
	case !tt.badRequest && err != nil:
		t.Errorf("%s %s %s: the description refuses the request: %v", tt.method, tt.path, tt.body, err)
	}
	resp, body := call(t, mustRequest(t, tt.method, base+tt.path, tt.body, tt.token))
	if resp.StatusCode != tt.status {
		t.Fatalf("%s %s: status %d, want %d; body %s", tt.method, tt.path, resp.StatusCode, tt.status, body)
	}
	err = openapi3filter.ValidateResponse(t.Context(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input,
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	})
	if err != nil {
		t.Errorf("%s %s: the answer does not match the description: %v\nanswer: %d %s", tt.method, tt.path, err, resp.StatusCode, body)
	}
	return body
}

func mustRequest(t *testing.T, method, url, body, token string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

func call(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	client := &http.Client{}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		t.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	return resp, body
}
