package gateway

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
)

// writes answers a create or an update with the work engagement it got,
// counting the calls that got past the gateway.
type writes struct {
	accountsv1.UnimplementedWorkEngagementServiceServer
	calls *atomic.Int32
}

func (s writes) CreateWorkEngagement(_ context.Context, req *accountsv1.CreateWorkEngagementRequest) (*accountsv1.WorkEngagement, error) {
	s.calls.Add(1)
	return req.GetWorkEngagement(), nil
}

func (s writes) UpdateWorkEngagement(_ context.Context, req *accountsv1.UpdateWorkEngagementRequest) (*accountsv1.WorkEngagement, error) {
	s.calls.Add(1)
	return req.GetWorkEngagement(), nil
}

// TestCreateBodyReadLikeUpdateBody: the gateway reads a POST body as it
// reads a PATCH body, since both fill work_engagement: read-only keys pass
// to the service (which ignores them), and a body it cannot read is
// refused before the service, with the same status and fields.
func TestCreateBodyReadLikeUpdateBody(t *testing.T) {
	tests := []struct {
		name        string
		body        string
		contentType string // application/json when ""
		status      int
		fields      []string // of the BadRequest
	}{
		{name: "read-only keys", body: `{"name": "n", "id": "junk", "tags": [1], "customer_columns": {"a": 1}, "created_at": "2024-01-01T00:00:00Z"}`, status: 200},
		{name: "lowerCamel keys", body: `{"name": "n", "colorCode": "abc", "customId": "c"}`, status: 200},
		{name: "unknown key", body: `{"name": "n", "nope": 1}`, status: 400, fields: []string{"work_engagement.nope"}},
		{name: "unknown nested key", body: `{"name": "n", "organization": {"uuid": "x"}}`, status: 400, fields: []string{"work_engagement.organization.uuid"}},
		{name: "wrong type", body: `{"name": 5}`, status: 400, fields: []string{"work_engagement.name"}},
		{name: "wrong type in a template", body: `{"name": "n", "template_notifications": [{}, 5]}`, status: 400, fields: []string{"work_engagement.template_notifications[1]"}},
		{name: "read-only timestamp not a timestamp", body: `{"name": "n", "created_at": "yesterday"}`, status: 400, fields: []string{"work_engagement.created_at"}},
		{name: "key twice", body: `{"name": "a", "name": "b"}`, status: 400, fields: []string{"work_engagement.name"}},
		{name: "not JSON", body: `name=n`, status: 400, fields: []string{"work_engagement"}},
		{name: "not an object", body: `["n"]`, status: 400, fields: []string{"work_engagement"}},
		{name: "plain text", body: `{"name": "n"}`, contentType: "text/plain", status: 415},
		{name: "over the limit", body: `{"name": "` + strings.Repeat("n", 2048) + `"}`, status: 413},
	}
	var calls atomic.Int32
	h, err := New(context.Background(), writes{calls: &calls}, Options{MaxBodyBytes: 1024})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	for _, tt := range tests {
		for _, write := range []struct{ method, path string }{
			{http.MethodPost, "/v1/workEngagements"},
			{http.MethodPatch, "/v1/workEngagements/3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31"},
		} {
			t.Run(tt.name+"/"+write.method, func(t *testing.T) {
				calls.Store(0)
				req, err := http.NewRequest(write.method, srv.URL+write.path, strings.NewReader(tt.body))
				if err != nil {
					t.Fatal(err)
				}
				contentType := tt.contentType
				if contentType == "" {
					contentType = "application/json"
				}
				req.Header.Set("Content-Type", contentType)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != tt.status {
					t.Fatalf("%s = %d %s, want %d", write.method, resp.StatusCode, b, tt.status)
				}
				wantCalls := int32(0)
				if tt.status == http.StatusOK {
					wantCalls = 1 // only a body it can read reaches the service
				}
				if calls.Load() != wantCalls {
					t.Errorf("the service was called %d times, want %d", calls.Load(), wantCalls)
				}
				if tt.status != http.StatusOK {
					if diff := cmp.Diff(tt.fields, violationFields(t, b)); diff != "" {
						t.Errorf("BadRequest fields (-want +got):\n%s", diff)
					}
				}
			})
		}
	}
}

// violationFields lists the fields of the BadRequest in a google.rpc.Status
// body, nil if it has none.
func violationFields(t *testing.T, body []byte) []string {
	t.Helper()
	var st struct {
		Details []struct {
			FieldViolations []struct{ Field string } `json:"field_violations"`
		}
	}
	if err := json.Unmarshal(body, &st); err != nil {
		t.Fatalf("body %s is not a google.rpc.Status: %v", body, err)
	}
	var fields []string
	for _, d := range st.Details {
		for _, v := range d.FieldViolations {
			fields = append(fields, v.Field)
		}
	}
	return fields
}
