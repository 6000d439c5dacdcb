package schema

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// fullObj is a work engagement as Pigello sends it with every field set.
const fullObj = testkit.FullWorkEngagement

func mustValue(t *testing.T, v any) *structpb.Value {
	t.Helper()
	value, err := structpb.NewValue(v)
	if err != nil {
		t.Fatal(err)
	}
	return value
}

func TestUnmarshal(t *testing.T) {
	tmpl := mustValue(t, map[string]any{"kind": "a", "n": []any{1, 2}}).GetStructValue()
	tests := []struct {
		name, body string
		want       *accountsv1.WorkEngagement
	}{{
		name: "every field set",
		body: fullObj,
		want: &accountsv1.WorkEngagement{
			Id: "497F6ECA-6276-4993-BFEB-53CBBBBA6F08", Name: "Consultant",
			Organization: &accountsv1.Organization{Id: "9b2c6f7e-1d2a-4c3b-8e4f-5a6b7c8d9e0f"},
			CustomId:     proto.String("C-1"), ColorCode: proto.String("ff00aa"),
			// A null item reads as an empty object: a list cannot hold a missing one.
			TemplateNotifications:      []*structpb.Struct{tmpl, {}},
			TemplateEmailNotifications: []*structpb.Struct{{}},
			Tags:                       mustValue(t, []any{"x", map[string]any{"y": 1}}),
			CustomerColumns:            mustValue(t, map[string]any{"col": []any{1, 2.5, "three"}}),
			CreatedAt:                  timestamppb.New(time.Date(2019, 8, 24, 12, 15, 22, 123456000, time.UTC)),
		},
	}, {
		name: "every nullable member null",
		body: `{"id":"` + testID + `","name":"n","organization":null,"custom_id":null,"color_code":null,
			"template_notifications":null,"template_sms_notifications":null,"template_email_notifications":null,
			"tags":null,"customer_columns":null,"created_at":null}`,
		want: &accountsv1.WorkEngagement{Id: testID, Name: "n"},
	}, {
		name: "optional members absent",
		body: `{"id":"` + testID + `"}`,
		want: &accountsv1.WorkEngagement{Id: testID},
	}, {
		name: "JSON scalars in tags and columns pass through",
		body: `{"id":"` + testID + `","tags":"t","customer_columns":false,"created_at":"2019-08-24T14:15:22Z"}`,
		want: &accountsv1.WorkEngagement{Id: testID, Tags: structpb.NewStringValue("t"), CustomerColumns: structpb.NewBoolValue(false),
			CreatedAt: timestamppb.New(time.Date(2019, 8, 24, 14, 15, 22, 0, time.UTC))},
	}, {
		name: "an empty optional string is kept",
		body: `{"id":"` + testID + `","custom_id":""}`,
		want: &accountsv1.WorkEngagement{Id: testID, CustomId: proto.String("")},
	}, {
		name: "documented example",
		body: `{ "id": "497f6eca-6276-4993-bfeb-53cbbbba6f08", "organization": { "id": "497f6eca-6276-4993-bfeb-53cbbbba6f08" }, "custom_id": "string", "template_notifications": [ null ], "tags": null, "color_code": "string", "created_at": "2019-08-24T14:15:22Z", "template_sms_notifications": [ null ], "template_email_notifications": [ null ], "customer_columns": null, "name": "string" }`,
		want: &accountsv1.WorkEngagement{
			Id: "497f6eca-6276-4993-bfeb-53cbbbba6f08", Name: "string",
			Organization: &accountsv1.Organization{Id: "497f6eca-6276-4993-bfeb-53cbbbba6f08"},
			CustomId:     proto.String("string"), ColorCode: proto.String("string"),
			TemplateNotifications:      []*structpb.Struct{{}},
			TemplateSmsNotifications:   []*structpb.Struct{{}},
			TemplateEmailNotifications: []*structpb.Struct{{}},
			CreatedAt:                  timestamppb.New(time.Date(2019, 8, 24, 14, 15, 22, 0, time.UTC)),
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := new(accountsv1.WorkEngagement)
			if err := workEngagements.Unmarshal([]byte(tt.body), got); err != nil {
				t.Fatalf("Unmarshal returned %v", err)
			}
			if diff := cmp.Diff(tt.want, got, protocmp.Transform()); diff != "" {
				t.Errorf("Unmarshal mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestUnmarshalRefuses: what the contract cannot hold is refused, with the
// member at fault named.
func TestUnmarshalRefuses(t *testing.T) {
	obj := func(extra string) string { return `{"id":"` + testID + `","name":"n"` + extra + `}` }
	tests := []struct {
		name, body, want string
	}{
		{"null", `null`, "not a JSON object"},
		{"array", `[` + obj(``) + `]`, "not a JSON object"},
		{"string", `"` + testID + `"`, "not a JSON object"},
		{"trailing garbage", obj(``) + `x`, "more data"},
		{"two objects", obj(``) + obj(``), "more data"},
		{"field given twice", obj(`,"name":"m"`), "name: given twice"},
		{"field given by both its names", obj(`,"color_code":"fff","colorCode":"000"`), "color_code: given twice"},
		{"Struct key given twice", obj(`,"tags":{"a":1,"a":2}`), `tags: key "a" given twice`},
		{"invalid UTF-8", obj(`,"custom_id":"` + "\xff" + `"`), "UTF-8"},
		{"empty object", `{}`, "id: missing"},
		{"empty id", `{"id":""}`, "id: missing"},
		{"null id", `{"id":null}`, "id: missing"},
		{"numeric id", `{"id":5}`, "id: not a string"},
		{"id not a UUID", `{"id":"not-a-uuid"}`, "id: not a UUID"},
		{"name number", `{"id":"` + testID + `","name":5}`, "name: not a string"},
		{"organization string", obj(`,"organization":"` + testID + `"`), "organization: not a JSON object"},
		{"organization without id", obj(`,"organization":{}`), "organization.id: missing"},
		{"organization id number", obj(`,"organization":{"id":1}`), "organization.id: not a string"},
		{"custom_id number", obj(`,"custom_id":1`), "custom_id: not a string"},
		{"color_code bool", obj(`,"color_code":true`), "color_code: not a string"},
		{"template list is object", obj(`,"template_notifications":{}`), "template_notifications: not a JSON array"},
		{"template item is string", obj(`,"template_sms_notifications":["x"]`), "template_sms_notifications[0]: not a JSON object"},
		{"template item is number", obj(`,"template_email_notifications":[{},1]`), "template_email_notifications[1]: not a JSON object"},
		{"template item is a list", obj(`,"template_email_notifications":[[]]`), "template_email_notifications[0]: not a JSON object"},
		{"tags number out of range", obj(`,"tags":[1e400]`), "tags: number 1e400 out of range"},
		{"created_at not a date", obj(`,"created_at":"yesterday"`), "created_at: \"yesterday\" is not an RFC 3339 timestamp"},
		{"created_at number", obj(`,"created_at":1566656122`), "created_at: not an RFC 3339 timestamp"},
		{"created_at without zone", obj(`,"created_at":"2019-08-24T14:15:22"`), "is not an RFC 3339 timestamp"},
		{"created_at date only", obj(`,"created_at":"2019-08-24"`), "is not an RFC 3339 timestamp"},
		{"created_at ten fractional digits", obj(`,"created_at":"2019-08-24T14:15:22.1234567890Z"`), "is not an RFC 3339 timestamp"},
		{"created_at in year 0", obj(`,"created_at":"0000-12-31T00:00:00Z"`), "is not an RFC 3339 timestamp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := workEngagements.Unmarshal([]byte(tt.body), new(accountsv1.WorkEngagement))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Unmarshal returned %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

func TestUnmarshalWrongMessage(t *testing.T) {
	err := workEngagements.Unmarshal([]byte(`{}`), new(accountsv1.Organization))
	if err == nil {
		t.Error("Unmarshal into an Organization succeeded, want an error")
	}
}

// TestUnmarshalThing: kinds the contract does not use yet read as
// protojson reads them, and a nested message's rules hold.
func TestUnmarshalThing(t *testing.T) {
	md := thing(t)
	r := MustNew(md)
	const part = `{"id":"` + testOrg + `","note":"n"}`
	ok := []string{
		`{"id":"` + testID + `","count":"-12","kind":"KIND_A","blob":"aGk=","labels":["a","b"],"text":"t",` +
			`"part":` + part + `,"parts":[` + part + `,{"id":"` + testID + `"}],"wait":"1.5s","flag":true,"extra":{"a":[1]}}`,
		`{"id":"` + testID + `","count":7,"kind":1,"number":2.5,"flag":false,"labels":[]}`,
		`{"id":"` + testID + `","number":"-Infinity","wait":null,"extra":null,"part":null}`,
	}
	for _, body := range ok {
		got := dynamicpb.NewMessage(md)
		if err := r.Unmarshal([]byte(body), got); err != nil {
			t.Errorf("Unmarshal(%s) returned %v", body, err)
			continue
		}
		want := dynamicpb.NewMessage(md)
		if err := protojson.Unmarshal([]byte(body), want); err != nil {
			t.Fatal(err)
		}
		clearNullValues(want)
		if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
			t.Errorf("Unmarshal(%s) differs from protojson (-protojson +got):\n%s", body, diff)
		}
	}
	bad := map[string]string{
		`{"id":"` + testID + `","count":1.5}`:                          "count",
		`{"id":"` + testID + `","kind":"KIND_B"}`:                      "kind",
		`{"id":"` + testID + `","text":"t","number":1}`:                "number: a second member of oneof choice",
		`{"id":"` + testID + `","part":{"note":"n"}}`:                  "part.id: missing",
		`{"id":"` + testID + `","parts":[{"id":"x"}]}`:                 "", // a part's id need only be present
		`{"id":"` + testID + `","parts":[{"id":"` + testID + `"},{}]}`: "parts[1].id: missing",
		`{"id":"` + testID + `","flag":"yes"}`:                         "flag: not true or false",
	}
	for body, want := range bad {
		err := r.Unmarshal([]byte(body), dynamicpb.NewMessage(md))
		if want == "" {
			if err != nil {
				t.Errorf("Unmarshal(%s) returned %v, want success", body, err)
			}
			continue
		}
		var fe *fieldError
		if err == nil || !strings.Contains(err.Error(), want) || !errors.As(err, &fe) {
			t.Errorf("Unmarshal(%s) returned %v, want a field error saying %q", body, err, want)
		}
	}
}

// clearNullValues clears each top-level google.protobuf.Value holding
// null: protojson reads null into such a field as NullValue, Pigello means
// unset.
func clearNullValues(m proto.Message) {
	pm := m.ProtoReflect()
	fields := pm.Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if fd.Message() == nil || fd.Message().FullName() != "google.protobuf.Value" || fd.IsList() || fd.IsMap() || !pm.Has(fd) {
			continue
		}
		kind := fd.Message().Fields().ByName("null_value")
		if v := pm.Get(fd).Message(); v.Has(kind) {
			pm.Clear(fd)
		}
	}
}
