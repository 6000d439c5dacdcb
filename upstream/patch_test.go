package upstream

import (
	"encoding/json"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
)

func ptr[T any](v T) *T { return &v }

func TestPatchBody(t *testing.T) {
	org := "9b2c6f7e-1d2a-4c3b-8e4f-5a6b7c8d9e0f"
	tests := []struct {
		name  string
		patch Patch
		want  string
	}{
		{"empty", Patch{}, `{}`},
		{"name", Patch{Name: Set("Consultant")}, `{"name":"Consultant"}`},
		{"empty name is still sent", Patch{Name: Set("")}, `{"name":""}`},
		{"unset fields carry values that are not sent", Patch{Name: Field[string]{Value: "x"}, ColorCode: Field[*string]{Value: ptr("fff")}}, `{}`},
		{"nulls", Patch{
			Organization:               Set[*Reference](nil),
			CustomID:                   Set[*string](nil),
			ColorCode:                  Set[*string](nil),
			TemplateNotifications:      Set[[]json.RawMessage](nil),
			TemplateSMSNotifications:   Set[[]json.RawMessage](nil),
			TemplateEmailNotifications: Set[[]json.RawMessage](nil),
		}, `{"organization":null,"custom_id":null,"color_code":null,"template_notifications":null,"template_sms_notifications":null,"template_email_notifications":null}`},
		{"nested organization", Patch{Organization: Set(&Reference{ID: org})}, `{"organization":{"id":"` + org + `"}}`},
		{"strings", Patch{CustomID: Set(ptr("C-1")), ColorCode: Set(ptr("ff00aa"))}, `{"custom_id":"C-1","color_code":"ff00aa"}`},
		{"template arrays with null items", Patch{
			TemplateNotifications:      Set([]json.RawMessage{json.RawMessage(`{ "kind" : "a" }`), nil, json.RawMessage(`null`)}),
			TemplateSMSNotifications:   Set([]json.RawMessage{}),
			TemplateEmailNotifications: Set([]json.RawMessage{json.RawMessage(`{"x":[1,{"y":null}]}`)}),
		}, `{"template_notifications":[{"kind":"a"},null,null],"template_sms_notifications":[],"template_email_notifications":[{"x":[1,{"y":null}]}]}`},
		{"all fields keep documented order", Patch{
			TemplateEmailNotifications: Set([]json.RawMessage{}),
			TemplateSMSNotifications:   Set([]json.RawMessage{}),
			TemplateNotifications:      Set([]json.RawMessage{}),
			ColorCode:                  Set(ptr("abc")),
			CustomID:                   Set(ptr("c")),
			Organization:               Set(&Reference{ID: org}),
			Name:                       Set("n"),
		}, `{"name":"n","organization":{"id":"` + org + `"},"custom_id":"c","color_code":"abc","template_notifications":[],"template_sms_notifications":[],"template_email_notifications":[]}`},
		{"escaping as encoding/json does", Patch{Name: Set("\"q\" <b> & é\n\u2028")}, `{"name":"\"q\" \u003cb\u003e \u0026 é\n\u2028"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.patch.MarshalJSON()
			if err != nil {
				t.Fatalf("MarshalJSON returned %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("MarshalJSON = %s, want %s", got, tt.want)
			}

			c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
				body, err := io.ReadAll(r.Body)
				if err != nil {
					t.Errorf("reading request body: %v", err)
				}
				if string(body) != tt.want {
					t.Errorf("server received %s, want %s", body, tt.want)
				}
				if r.ContentLength != int64(len(tt.want)) {
					t.Errorf("Content-Length = %d, want %d", r.ContentLength, len(tt.want))
				}
				okFor(w, r)
			})
			if _, err := c.UpdateWorkEngagement(t.Context(), testID, tt.patch); err != nil {
				t.Fatalf("UpdateWorkEngagement returned %v", err)
			}
		})
	}
}

func TestPatchInvalidRawItemIsNotSent(t *testing.T) {
	var calls atomic.Int32
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) { calls.Add(1) })
	p := Patch{TemplateNotifications: Set([]json.RawMessage{json.RawMessage(`{not json`)})}
	if _, err := p.MarshalJSON(); err == nil {
		t.Error("MarshalJSON succeeded, want error")
	}
	_, err := c.UpdateWorkEngagement(t.Context(), testID, p)
	if err == nil {
		t.Fatal("UpdateWorkEngagement succeeded, want error")
	}
	if calls.Load() != 0 {
		t.Errorf("server saw %d requests, want 0", calls.Load())
	}
}
