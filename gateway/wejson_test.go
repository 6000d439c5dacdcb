package gateway

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// TestWorkEngagementFields fails when WorkEngagement gains or loses a field:
// appendWorkEngagement writes them one by one and must follow.
func TestWorkEngagementFields(t *testing.T) {
	var got []string
	fields := (&accountsv1.WorkEngagement{}).ProtoReflect().Descriptor().Fields()
	for i := range fields.Len() {
		got = append(got, string(fields.Get(i).Name()))
	}
	want := []string{"id", "name", "organization", "custom_id", "color_code", "template_notifications",
		"template_sms_notifications", "template_email_notifications", "tags", "customer_columns", "created_at"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("WorkEngagement's fields changed; update appendWorkEngagement (-written +declared):\n%s", diff)
	}
	org := (&accountsv1.Organization{}).ProtoReflect().Descriptor().Fields()
	if org.Len() != 1 || org.Get(0).Name() != protoreflect.Name("id") {
		t.Errorf("Organization's fields changed; update appendWorkEngagement")
	}
}

// protojsonForm is the output of marshaler's general path: protojson, then
// nullOptionals' nulls.
func protojsonForm(we *accountsv1.WorkEngagement) ([]byte, error) {
	b, err := marshaler.Marshaler.(nullOptionals).Marshaler.Marshal(we)
	if err != nil {
		return nil, err
	}
	return appendNulls(b, we.ProtoReflect()), nil
}

// FuzzWorkEngagementJSON builds work engagements from the fuzzer's strings,
// JSON values and timestamps: whatever appendWorkEngagement writes must
// read back as exactly what protojson writes, and it may give up only
// where protojson fails too.
func FuzzWorkEngagementJSON(f *testing.F) {
	f.Add("id", "name\n\"x\"\\\x01é", "org", "c", true, "fff", false, `{"b":[1,2.5e-9,true,null,{"z":"\u2028"}],"a":{}}`, `[1e21,-0,"<&>"]`, int64(1705311000), int32(123456000))
	f.Add("", "", "", "", false, "", true, `{}`, `null`, int64(0), int32(0))
	f.Add("\xff", "n", "o", "", false, "", false, `{"k":"v"}`, `123456789012345678901234567890`, int64(-62135596801), int32(1))
	f.Add("i", "n", "", "", true, "", true, `{"x":1e-7}`, `{"y":"\ud83d\ude00"}`, int64(253402300799), int32(999999999))
	f.Add("i", "n", "", "", false, "", false, `{}`, `1`, int64(253402300799), int32(1e9)) // nanos out of range: both refuse
	f.Add("i", "n", "", "", false, "", false, `{}`, `1`, int64(1705311000), int32(1e9))
	f.Fuzz(func(t *testing.T, id, name, org, customID string, hasCustom bool, color string, hasColor bool, tmpl, tags string, secs int64, nanos int32) {
		we := &accountsv1.WorkEngagement{Id: id, Name: name, CreatedAt: &timestamppb.Timestamp{Seconds: secs, Nanos: nanos}}
		if org != "" {
			we.Organization = &accountsv1.Organization{Id: org}
		}
		if hasCustom {
			we.CustomId = proto.String(customID)
		}
		if hasColor {
			we.ColorCode = proto.String(color)
		}
		var m map[string]any
		if json.Unmarshal([]byte(tmpl), &m) == nil {
			if s, err := structpb.NewStruct(m); err == nil {
				we.TemplateNotifications = []*structpb.Struct{s, {}}
				we.TemplateEmailNotifications = []*structpb.Struct{s}
			}
		}
		var v any
		if json.Unmarshal([]byte(tags), &v) == nil {
			if value, err := structpb.NewValue(v); err == nil {
				we.Tags, we.CustomerColumns = value, structpb.NewListValue(&structpb.ListValue{Values: []*structpb.Value{value}})
			}
		}

		fast, fastErr := appendWorkEngagement(nil, we)
		slow, slowErr := protojsonForm(we)
		if fastErr == nil && slowErr != nil {
			t.Fatalf("appendWorkEngagement wrote %s where protojson fails: %v", fast, slowErr)
		}
		if fastErr != nil && slowErr == nil {
			t.Fatalf("appendWorkEngagement gave up (%v) where protojson writes %s", fastErr, slow)
		}
		if fastErr != nil {
			return
		}
		var got, want any
		if err := json.Unmarshal(fast, &got); err != nil {
			t.Fatalf("appendWorkEngagement wrote invalid JSON %s: %v", fast, err)
		}
		if err := json.Unmarshal(slow, &want); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("JSON differs from protojson's (-protojson +appendWorkEngagement):\n%s\n%s\n%s", diff, slow, fast)
		}
	})
}
