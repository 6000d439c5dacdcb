package upstream

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const fullObj = `{
  "id": "497F6ECA-6276-4993-BFEB-53CBBBBA6F08",
  "organization": {"id": "9b2c6f7e-1d2a-4c3b-8e4f-5a6b7c8d9e0f", "str_representation": "Org"},
  "custom_id": "C-1",
  "template_notifications": [{"kind": "a", "n": [1, 2]}, null],
  "tags": ["x", {"y": 1}],
  "color_code": "ff00aa",
  "created_at": "2019-08-24T14:15:22.123456+02:00",
  "template_sms_notifications": [],
  "template_email_notifications": [null],
  "customer_columns": {"col": [1, 2.5, "three"]},
  "name": "Consultant",
  "field_added_later": {"a": 1}
}`

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		body string
		want *WorkEngagement
	}{
		{"full object", fullObj, &WorkEngagement{
			ID:                         "497F6ECA-6276-4993-BFEB-53CBBBBA6F08",
			Name:                       "Consultant",
			Organization:               &Reference{ID: "9b2c6f7e-1d2a-4c3b-8e4f-5a6b7c8d9e0f"},
			CustomID:                   ptr("C-1"),
			ColorCode:                  ptr("ff00aa"),
			TemplateNotifications:      []json.RawMessage{json.RawMessage(`{"kind": "a", "n": [1, 2]}`), json.RawMessage(`null`)},
			TemplateSMSNotifications:   []json.RawMessage{},
			TemplateEmailNotifications: []json.RawMessage{json.RawMessage(`null`)},
			Tags:                       json.RawMessage(`["x", {"y": 1}]`),
			CustomerColumns:            json.RawMessage(`{"col": [1, 2.5, "three"]}`),
			CreatedAt:                  time.Date(2019, 8, 24, 12, 15, 22, 123456000, time.UTC),
		}},
		{"all null", `{"id":"` + testID + `","name":"n","organization":null,"custom_id":null,"color_code":null,
			"template_notifications":null,"template_sms_notifications":null,"template_email_notifications":null,
			"tags":null,"customer_columns":null,"created_at":null}`,
			&WorkEngagement{ID: testID, Name: "n"}},
		{"optional members absent", `{"id":"` + testID + `"}`, &WorkEngagement{ID: testID}},
		{"scalar tags and columns pass through", `{"id":"` + testID + `","tags":"t","customer_columns":0,"created_at":"2019-08-24T14:15:22Z"}`,
			&WorkEngagement{ID: testID, Tags: json.RawMessage(`"t"`), CustomerColumns: json.RawMessage(`0`),
				CreatedAt: time.Date(2019, 8, 24, 14, 15, 22, 0, time.UTC)}},
		{"documented example", `{ "id": "497f6eca-6276-4993-bfeb-53cbbbba6f08", "organization": { "id": "497f6eca-6276-4993-bfeb-53cbbbba6f08" }, "custom_id": "string", "template_notifications": [ null ], "tags": null, "color_code": "string", "created_at": "2019-08-24T14:15:22Z", "template_sms_notifications": [ null ], "template_email_notifications": [ null ], "customer_columns": null, "name": "string" }`,
			&WorkEngagement{
				ID: testID, Name: "string", Organization: &Reference{ID: testID}, CustomID: ptr("string"), ColorCode: ptr("string"),
				TemplateNotifications:      []json.RawMessage{json.RawMessage(`null`)},
				TemplateSMSNotifications:   []json.RawMessage{json.RawMessage(`null`)},
				TemplateEmailNotifications: []json.RawMessage{json.RawMessage(`null`)},
				CreatedAt:                  time.Date(2019, 8, 24, 14, 15, 22, 0, time.UTC),
			}},
	}
	for _, tt := range tests {
		for _, method := range []string{http.MethodGet, http.MethodPatch} {
			t.Run(tt.name+"/"+method, func(t *testing.T) {
				c, _ := setup(t, respond(http.StatusOK, tt.body))
				var got *WorkEngagement
				var err error
				if method == http.MethodGet {
					got, err = c.GetWorkEngagement(t.Context(), testID)
				} else {
					got, err = c.UpdateWorkEngagement(t.Context(), testID, Patch{Name: Set("n")})
				}
				if err != nil {
					t.Fatalf("%s returned %v", method, err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("%s mismatch (-want +got):\n%s", method, diff)
				}
			})
		}
	}
}

func TestDecodeMalformed(t *testing.T) {
	obj := func(extra string) string { return `{"id":"` + testID + `","name":"n"` + extra + `}` }
	tests := []struct {
		name, body string
	}{
		{"empty body", ``},
		{"not JSON", `Service temporarily unavailable`},
		{"HTML", `<html><body>OK</body></html>`},
		{"truncated", `{"id":"` + testID},
		{"trailing garbage", obj(``) + `x`},
		{"two objects", obj(``) + obj(``)},
		{"array", `[` + obj(``) + `]`},
		{"string", `"` + testID + `"`},
		{"null", `null`},
		{"empty object", `{}`},
		{"empty id", `{"id":""}`},
		{"null id", `{"id":null}`},
		{"numeric id", `{"id":5}`},
		{"id not a UUID", `{"id":"not-a-uuid"}`},
		{"name number", obj(`,"name":5`)},
		{"organization string", obj(`,"organization":"` + testID + `"`)},
		{"organization without id", obj(`,"organization":{}`)},
		{"organization id number", obj(`,"organization":{"id":1}`)},
		{"custom_id number", obj(`,"custom_id":1`)},
		{"color_code bool", obj(`,"color_code":true`)},
		{"template list is object", obj(`,"template_notifications":{}`)},
		{"template item is string", obj(`,"template_sms_notifications":["x"]`)},
		{"template item is number", obj(`,"template_email_notifications":[{},1]`)},
		{"created_at not a date", obj(`,"created_at":"yesterday"`)},
		{"created_at number", obj(`,"created_at":1566656122`)},
		{"created_at without zone", obj(`,"created_at":"2019-08-24T14:15:22"`)},
		{"created_at date only", obj(`,"created_at":"2019-08-24"`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := setup(t, respond(http.StatusOK, tt.body))
			got, err := c.GetWorkEngagement(t.Context(), testID)
			if !errors.Is(err, ErrMalformedResponse) {
				t.Fatalf("GetWorkEngagement returned %v, %v; want ErrMalformedResponse", got, err)
			}
			if got != nil {
				t.Errorf("GetWorkEngagement returned %+v with the error, want nil", got)
			}
			if _, ok := errors.AsType[*Error](err); ok {
				t.Errorf("error %v is an *Error; a 2xx answer is not an API error", err)
			}
			if be, ok := errors.AsType[*BodyError](err); !ok || be.StatusCode != http.StatusOK {
				t.Errorf("error %v is not a *BodyError with status 200", err)
			}
			if !strings.HasPrefix(err.Error(), "upstream: malformed response") {
				t.Errorf("error = %q, want prefix %q", err, "upstream: malformed response")
			}
		})
	}
}

func TestDeleteIgnoresBody(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
	}{
		{"204 empty", http.StatusNoContent, ""},
		{"200 with object", http.StatusOK, minimalObj},
		{"200 with garbage", http.StatusOK, "<html>gone</html>"},
		{"202 with a large body", http.StatusAccepted, strings.Repeat("x", 3<<20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := setup(t, respond(tt.status, tt.body))
			if err := c.DeleteWorkEngagement(t.Context(), testID); err != nil {
				t.Errorf("DeleteWorkEngagement returned %v, want nil", err)
			}
		})
	}
}
