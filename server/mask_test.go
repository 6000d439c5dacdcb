package server

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

const testID = "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31"

// full is a work engagement with every field set, read-only ones included,
// as a caller would send back what Get returned.
func full() *accountsv1.WorkEngagement {
	tmpl, _ := structpb.NewStruct(map[string]any{"kind": "welcome", "days": 3})
	return &accountsv1.WorkEngagement{
		Id:                         testID,
		Name:                       "Full-time",
		Organization:               &accountsv1.Organization{Id: "0B7E3C2A-5F1D-4A8E-B6C4-2E9F1A3D5C70"},
		CustomId:                   proto.String("WE-1"),
		ColorCode:                  proto.String("fff"),
		TemplateNotifications:      []*structpb.Struct{tmpl},
		TemplateSmsNotifications:   []*structpb.Struct{tmpl},
		TemplateEmailNotifications: []*structpb.Struct{tmpl},
		Tags:                       structpb.NewStringValue("x"),
		CustomerColumns:            structpb.NewNumberValue(1),
		CreatedAt:                  timestamppb.Now(),
	}
}

func mask(paths ...string) *fieldmaskpb.FieldMask { return &fieldmaskpb.FieldMask{Paths: paths} }

func TestPatchForBody(t *testing.T) {
	const tmpl = `[{"days":3,"kind":"welcome"}]`
	tests := []struct {
		name string
		we   *accountsv1.WorkEngagement
		mask *fieldmaskpb.FieldMask
		want string
	}{
		{"no mask sends populated writable fields only", full(), nil,
			`{"name":"Full-time","organization":{"id":"0b7e3c2a-5f1d-4a8e-b6c4-2e9f1a3d5c70"},"custom_id":"WE-1","color_code":"fff",` +
				`"template_notifications":` + tmpl + `,"template_sms_notifications":` + tmpl + `,"template_email_notifications":` + tmpl + `}`},
		{"empty mask is no mask", &accountsv1.WorkEngagement{Id: testID, ColorCode: proto.String("abc")}, mask(),
			`{"color_code":"abc"}`},
		{"no mask skips unset and empty fields", &accountsv1.WorkEngagement{Id: testID, Name: "n"}, nil,
			`{"name":"n"}`},
		{"masked unset field is null", &accountsv1.WorkEngagement{Id: testID}, mask("color_code"),
			`{"color_code":null}`},
		{"masked empty optional string is sent as given", &accountsv1.WorkEngagement{Id: testID, CustomId: proto.String("")}, mask("custom_id"),
			`{"custom_id":""}`},
		{"organization.id means organization", full(), mask("organization.id"),
			`{"organization":{"id":"0b7e3c2a-5f1d-4a8e-b6c4-2e9f1a3d5c70"}}`},
		{"cleared organization is null", &accountsv1.WorkEngagement{Id: testID}, mask("organization"),
			`{"organization":null}`},
		{"empty template list is null", &accountsv1.WorkEngagement{Id: testID}, mask("template_sms_notifications"),
			`{"template_sms_notifications":null}`},
		{"star writes every writable field, null for unset", &accountsv1.WorkEngagement{Id: testID, Name: "n"}, mask("*"),
			`{"name":"n","organization":null,"custom_id":null,"color_code":null,` +
				`"template_notifications":null,"template_sms_notifications":null,"template_email_notifications":null}`},
		{"mask selects only its fields", full(), mask("name", "color_code"),
			`{"name":"Full-time","color_code":"fff"}`},
		{"duplicate paths are one field", full(), mask("name", "name"),
			`{"name":"Full-time"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := patchFor(tt.we, tt.mask)
			if err != nil {
				t.Fatalf("patchFor returned error %v", err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("PATCH body mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPatchForRejects(t *testing.T) {
	tests := []struct {
		name      string
		we        *accountsv1.WorkEngagement
		mask      *fieldmaskpb.FieldMask
		wantField string
	}{
		{"unknown path", full(), mask("nmae"), "update_mask"},
		{"id path", full(), mask("id"), "update_mask"},
		{"output-only path", full(), mask("created_at"), "update_mask"},
		{"tags path", full(), mask("tags"), "update_mask"},
		{"sub-path of a scalar", full(), mask("name.first"), "update_mask"},
		{"clearing name", &accountsv1.WorkEngagement{Id: testID}, mask("name"), "work_engagement.name"},
		{"star with empty name", &accountsv1.WorkEngagement{Id: testID}, mask("*"), "work_engagement.name"},
		{"nothing selected", &accountsv1.WorkEngagement{Id: testID}, nil, "update_mask"},
		{"only read-only fields populated", &accountsv1.WorkEngagement{Id: testID, Tags: structpb.NewNullValue()}, nil, "update_mask"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := patchFor(tt.we, tt.mask)
			var invalid *invalidArgumentError
			if !errors.As(err, &invalid) {
				t.Fatalf("patchFor returned %v, want an invalid argument", err)
			}
			if got := invalid.violations[0].GetField(); got != tt.wantField {
				t.Errorf("violation field = %q, want %q", got, tt.wantField)
			}
		})
	}
}
