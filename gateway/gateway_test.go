package gateway

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/protobuf/proto"
)

// setup serves the gateway over a real listener in front of a service that
// implements nothing: these tests cover what the gateway answers by itself,
// before any call would reach the service.
func setup(t *testing.T, ready func() bool) *httptest.Server {
	t.Helper()
	h, err := New(context.Background(), unimplemented{}, Options{MaxBodyBytes: 1024, Ready: ready})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// unimplemented answers every call with UNIMPLEMENTED.
type unimplemented struct {
	accountsv1.UnimplementedWorkEngagementServiceServer
}

func TestHealthEndpoints(t *testing.T) {
	var ready atomic.Bool
	srv := setup(t, ready.Load)
	tests := []struct {
		path  string
		ready bool
		want  int
	}{
		{"/healthz", false, http.StatusOK},
		{"/readyz", false, http.StatusServiceUnavailable},
		{"/readyz", true, http.StatusOK},
	}
	for _, tt := range tests {
		ready.Store(tt.ready)
		resp, err := http.Get(srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("GET %s (ready=%v) = %d, want %d", tt.path, tt.ready, resp.StatusCode, tt.want)
		}
	}
}

func TestBodyTooLarge(t *testing.T) {
	srv := setup(t, nil)
	body := `{"name": "` + strings.Repeat("a", 2048) + `"}`
	for _, chunked := range []bool{false, true} {
		var r io.Reader = strings.NewReader(body)
		if chunked {
			r = io.MultiReader(r) // hides the length: sent chunked
		}
		req, _ := http.NewRequest(http.MethodPatch, srv.URL+"/v1/workEngagements/3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31", r)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var st struct {
			Code    int
			Details []map[string]any
		}
		err = json.NewDecoder(resp.Body).Decode(&st)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge || err != nil || len(st.Details) == 0 || st.Details[0]["domain"] != "pigello.io" {
			t.Errorf("oversized PATCH (chunked=%v) = %d %+v (%v), want 413 with ErrorInfo", chunked, resp.StatusCode, st, err)
		}
	}
}

func TestUnknownRouteHasErrorInfo(t *testing.T) {
	srv := setup(t, nil)
	resp, err := http.Get(srv.URL + "/v1/nothing")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(b), `"reason":"NOT_FOUND"`) {
		t.Errorf("GET /v1/nothing = %d %s, want 404 with an ErrorInfo", resp.StatusCode, b)
	}
}

func TestBodyMask(t *testing.T) {
	tests := []struct {
		body   string
		want   []string
		wantOK bool
	}{
		{`{"color_code": null}`, []string{"color_code"}, true},
		{`{"colorCode": "fff", "customId": "x"}`, []string{"color_code", "custom_id"}, true},
		{`{"organization": {"id": "x"}}`, []string{"organization"}, true},
		{`{"id": "x", "name": "n", "tags": [], "customer_columns": {}, "created_at": "t", "createdAt": "t"}`, []string{"name"}, true},
		{`{"id": "x"}`, nil, true},
		{`{}`, nil, true},
		{`{"nmae": 1}`, []string{"nmae"}, true},
		{`[]`, nil, false},
		{`null`, nil, false},
		{`{`, nil, false},
	}
	for _, tt := range tests {
		got, ok := bodyMask([]byte(tt.body))
		slices.Sort(got)
		if ok != tt.wantOK || !slices.Equal(got, tt.want) {
			t.Errorf("bodyMask(%s) = %v, %v; want %v, %v", tt.body, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestMarshalPrintsPigellosNulls(t *testing.T) {
	tests := []struct {
		name string
		msg  *accountsv1.WorkEngagement
		want map[string]any
	}{
		{"all unset", &accountsv1.WorkEngagement{}, map[string]any{
			"id": "", "name": "", "organization": nil, "custom_id": nil, "color_code": nil,
			"template_notifications": []any{}, "template_sms_notifications": []any{}, "template_email_notifications": []any{},
			"tags": nil, "customer_columns": nil, "created_at": nil,
		}},
		{"optionals set", &accountsv1.WorkEngagement{Id: "i", Name: "n", CustomId: proto.String(""), ColorCode: proto.String("fff")}, map[string]any{
			"id": "i", "name": "n", "organization": nil, "custom_id": "", "color_code": "fff",
			"template_notifications": []any{}, "template_sms_notifications": []any{}, "template_email_notifications": []any{},
			"tags": nil, "customer_columns": nil, "created_at": nil,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := marshaler.Marshal(tt.msg)
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("output %s is not JSON: %v", b, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("JSON mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
