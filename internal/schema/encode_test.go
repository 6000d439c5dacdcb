package schema

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// full is a work engagement with every field set, read-only ones included,
// as a caller would send back what Get returned; its organization id is in
// upper case.
func full(t *testing.T) *accountsv1.WorkEngagement {
	t.Helper()
	tmpl := mustValue(t, map[string]any{"kind": "welcome", "days": 3}).GetStructValue()
	return &accountsv1.WorkEngagement{
		Id:                         testID,
		Name:                       "Full-time",
		Organization:               &accountsv1.Organization{Id: strings.ToUpper(testOrg)},
		CustomId:                   proto.String("WE-1"),
		ColorCode:                  proto.String("fff"),
		TemplateNotifications:      []*structpb.Struct{tmpl},
		TemplateSmsNotifications:   []*structpb.Struct{tmpl, {}},
		TemplateEmailNotifications: []*structpb.Struct{tmpl},
		Tags:                       structpb.NewStringValue("x"),
		CustomerColumns:            structpb.NewNumberValue(1),
		CreatedAt:                  timestamppb.New(time.Date(2024, 1, 15, 9, 30, 0, 500000000, time.UTC)),
	}
}

// TestMarshal: Pigello's JSON form, byte for byte: every field in
// declaration order, compact, null for unset nullable ones.
func TestMarshal(t *testing.T) {
	tests := []struct {
		name string
		msg  proto.Message
		want string
	}{{
		name: "all unset",
		msg:  &accountsv1.WorkEngagement{},
		want: `{"id":"","name":"","organization":null,"custom_id":null,"color_code":null,"template_notifications":[],` +
			`"template_sms_notifications":[],"template_email_notifications":[],"tags":null,"customer_columns":null,"created_at":null}`,
	}, {
		name: "every field set",
		msg:  full(t),
		want: `{"id":"` + testID + `","name":"Full-time","organization":{"id":"` + strings.ToUpper(testOrg) + `"},"custom_id":"WE-1","color_code":"fff",` +
			`"template_notifications":[{"days":3,"kind":"welcome"}],"template_sms_notifications":[{"days":3,"kind":"welcome"},{}],` +
			`"template_email_notifications":[{"days":3,"kind":"welcome"}],"tags":"x","customer_columns":1,"created_at":"2024-01-15T09:30:00.500Z"}`,
	}, {
		name: "empty optional strings are kept",
		msg:  &accountsv1.WorkEngagement{Id: "i", CustomId: proto.String(""), ColorCode: proto.String("")},
		want: `{"id":"i","name":"","organization":null,"custom_id":"","color_code":"","template_notifications":[],` +
			`"template_sms_notifications":[],"template_email_notifications":[],"tags":null,"customer_columns":null,"created_at":null}`,
	}, {
		name: "a Value holding null",
		msg:  &accountsv1.WorkEngagement{Tags: structpb.NewNullValue(), CustomerColumns: mustValue(t, []any{nil})},
		want: `{"id":"","name":"","organization":null,"custom_id":null,"color_code":null,"template_notifications":[],` +
			`"template_sms_notifications":[],"template_email_notifications":[],"tags":null,"customer_columns":[null],"created_at":null}`,
	}, {
		name: "a message without fields to fill",
		msg:  &accountsv1.Organization{},
		want: `{"id":""}`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Marshal(tt.msg)
			if err != nil {
				t.Fatalf("Marshal returned %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("Marshal =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestMarshalThing: nulls at every depth, a oneof's unset members left
// out, and what protojson reads back is the message.
func TestMarshalThing(t *testing.T) {
	md := thing(t)
	m := newThing(t, md, `{"id":"`+testID+`","count":"3","kind":"KIND_A","number":1.5,"part":{"id":"`+testOrg+`"},`+
		`"parts":[{"id":"`+testID+`","note":"x"},{"id":"`+testOrg+`"}],"wait":"2s","extra":[true]}`)
	want := `{"id":"` + testID + `","count":"3","kind":"KIND_A","blob":"","labels":[],"number":1.5,` +
		`"part":{"id":"` + testOrg + `","note":null},"parts":[{"id":"` + testID + `","note":"x"},{"id":"` + testOrg + `","note":null}],` +
		`"wait":"2s","flag":null,"extra":[true]}`
	got, err := Marshal(m)
	if err != nil {
		t.Fatalf("Marshal returned %v", err)
	}
	if string(got) != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", got, want)
	}
	back := dynamicpb.NewMessage(md)
	if err := protojson.Unmarshal(got, back); err != nil {
		t.Fatalf("protojson cannot read %s: %v", got, err)
	}
	if diff := cmp.Diff(m, back, protocmp.Transform()); diff != "" {
		t.Errorf("read back (-marshalled +read):\n%s", diff)
	}
}

// TestBody checks the write body for each selection, byte for byte.
func TestBody(t *testing.T) {
	const tmpl = `{"days":3,"kind":"welcome"}`
	tests := []struct {
		name  string
		we    *accountsv1.WorkEngagement
		paths []string
		want  string
	}{
		{"no mask sends populated writable fields, organization id in lower case", full(t), nil,
			`{"name":"Full-time","organization":{"id":"` + testOrg + `"},"custom_id":"WE-1","color_code":"fff",` +
				`"template_notifications":[` + tmpl + `],"template_sms_notifications":[` + tmpl + `,{}],"template_email_notifications":[` + tmpl + `]}`},
		{"masked unset fields are null, an empty list included", &accountsv1.WorkEngagement{Id: testID, Name: "n"}, []string{"*"},
			`{"name":"n","organization":null,"custom_id":null,"color_code":null,` +
				`"template_notifications":null,"template_sms_notifications":null,"template_email_notifications":null}`},
		{"an empty optional string is sent as given", &accountsv1.WorkEngagement{CustomId: proto.String("")}, []string{"custom_id"},
			`{"custom_id":""}`},
		{"members in declaration order, not the mask's", full(t), []string{"color_code", "name"},
			`{"name":"Full-time","color_code":"fff"}`},
		{"escaping", &accountsv1.WorkEngagement{Name: "\"q\" <b> & é\n\u2028"}, []string{"name"},
			`{"name":"\"q\" <b> & é\n` + "\u2028" + `"}`}, // upstream's json.Marshal escapes <, >, & and U+2028
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := proto.Clone(tt.we)
			m := tt.we.ProtoReflect()
			sel, bad := workEngagements.Select(m, tt.paths)
			if bad != nil {
				t.Fatalf("Select returned %v", bad)
			}
			got, err := workEngagements.Body(m, sel)
			if err != nil {
				t.Fatalf("Body returned %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("Body =\n%s\nwant\n%s", got, tt.want)
			}
			if diff := cmp.Diff(before, tt.we, protocmp.Transform()); diff != "" {
				t.Errorf("Body changed the message (-before +after):\n%s", diff)
			}
		})
	}
}

// TestBodyThing: a nested message is sent whole, in Pigello's form, its
// UUIDs in lower case; a real oneof's members and an optional bool too.
func TestBodyThing(t *testing.T) {
	md := thing(t)
	r := MustNew(md)
	m := newThing(t, md, `{"id":"`+testID+`","text":"t","part":{"id":"`+strings.ToUpper(testOrg)+`"},`+
		`"parts":[{"id":"`+strings.ToUpper(testID)+`","note":"x"}],"extra":1}`)
	sel, bad := r.Select(m.ProtoReflect(), []string{"part.note", "parts", "text", "number", "flag"})
	if bad != nil {
		t.Fatalf("Select returned %v", bad)
	}
	got, err := r.Body(m.ProtoReflect(), sel)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"text":"t","number":null,"part":{"id":"` + testOrg + `","note":null},"parts":[{"id":"` + testID + `","note":"x"}],"flag":null}`
	if string(got) != want {
		t.Errorf("Body =\n%s\nwant\n%s", got, want)
	}
}

func newThing(t *testing.T, md protoreflect.MessageDescriptor, body string) proto.Message {
	t.Helper()
	m := dynamicpb.NewMessage(md)
	if err := protojson.Unmarshal([]byte(body), m); err != nil {
		t.Fatal(err)
	}
	return m
}
