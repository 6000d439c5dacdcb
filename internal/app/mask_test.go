package app

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/structpb"
)

// TestUpdateMaskBody checks the PATCH Pigello receives for each update_mask
// rule of UpdateWorkEngagementRequest.
func TestUpdateMaskBody(t *testing.T) {
	env := setup(t)
	d := env.demo()
	allNull := map[string]any{
		"name": "Internship II", "organization": nil, "custom_id": nil, "color_code": nil,
		"template_notifications": nil, "template_sms_notifications": nil, "template_email_notifications": nil,
	}
	tests := []struct {
		name string
		we   *accountsv1.WorkEngagement
		mask *fieldmaskpb.FieldMask
		want map[string]any
	}{{
		name: "no mask sends populated fields only",
		we:   &accountsv1.WorkEngagement{Id: d.full, ColorCode: proto.String("abc")},
		want: map[string]any{"color_code": "abc"},
	}, {
		name: "empty mask is no mask",
		we:   &accountsv1.WorkEngagement{Id: d.full, CustomId: proto.String("")},
		mask: mask(),
		want: map[string]any{"custom_id": ""},
	}, {
		name: "* sends all seven writable fields, unset ones null",
		we:   &accountsv1.WorkEngagement{Id: d.full, Name: "Internship II"},
		mask: mask("*"),
		want: allNull,
	}, {
		name: "masked unset field is null",
		we:   &accountsv1.WorkEngagement{Id: d.full, Name: "ignored: not in the mask"},
		mask: mask("color_code"),
		want: map[string]any{"color_code": nil},
	}, {
		name: "masked empty custom_id is an empty string, not null",
		we:   &accountsv1.WorkEngagement{Id: d.full, CustomId: proto.String("")},
		mask: mask("custom_id"),
		want: map[string]any{"custom_id": ""},
	}, {
		name: "organization.id path writes the organization, id lower-cased",
		we:   &accountsv1.WorkEngagement{Id: d.full, Organization: &accountsv1.Organization{Id: strings.ToUpper(d.globex)}},
		mask: mask("organization.id"),
		want: map[string]any{"organization": map[string]any{"id": d.globex}},
	}, {
		name: "masked unset organization is null",
		we:   &accountsv1.WorkEngagement{Id: d.full},
		mask: mask("organization"),
		want: map[string]any{"organization": nil},
	}, {
		name: "masked empty template list is null",
		we:   &accountsv1.WorkEngagement{Id: d.full},
		mask: mask("template_notifications"),
		want: map[string]any{"template_notifications": nil},
	}, {
		name: "template objects pass through",
		we: &accountsv1.WorkEngagement{Id: d.full, TemplateSmsNotifications: []*structpb.Struct{
			mustStruct(t, map[string]any{"kind": "reminder", "days": 3, "on": true}),
		}},
		mask: mask("template_sms_notifications"),
		want: map[string]any{"template_sms_notifications": []any{map[string]any{"kind": "reminder", "days": 3.0, "on": true}}},
	}, {
		name: "several paths",
		we:   &accountsv1.WorkEngagement{Id: d.full, Name: "Full time", CustomId: proto.String("WE-9")},
		mask: mask("name", "custom_id", "template_email_notifications"),
		want: map[string]any{"name": "Full time", "custom_id": "WE-9", "template_email_notifications": nil},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.emu.ResetRequests()
			_, err := env.client.UpdateWorkEngagement(callCtx(t), &accountsv1.UpdateWorkEngagementRequest{WorkEngagement: tt.we, UpdateMask: tt.mask})
			if err != nil {
				t.Fatalf("Update returned error %v", err)
			}
			if diff := cmp.Diff(tt.want, env.patchBody(t)); diff != "" {
				t.Errorf("PATCH body mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestUpdateSendsBackGetResult: an object read with Get can be sent back as
// it is; its read-only fields stay out of the PATCH.
func TestUpdateSendsBackGetResult(t *testing.T) {
	env := setup(t)
	d := env.demo()
	got, err := env.client.GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: d.full})
	if err != nil {
		t.Fatalf("Get returned error %v", err)
	}
	env.emu.ResetRequests()
	updated, err := env.client.UpdateWorkEngagement(callCtx(t), &accountsv1.UpdateWorkEngagementRequest{WorkEngagement: got})
	if err != nil {
		t.Fatalf("Update of a Get result returned error %v", err)
	}
	want := map[string]any{
		"name":                         "Full-time employment",
		"organization":                 map[string]any{"id": d.acme},
		"custom_id":                    "WE-0001",
		"color_code":                   "1E90ff",
		"template_notifications":       []any{map[string]any{"id": "5e0c1f3a-8d2b-4b7e-9f4a-6c1d2e3f4a5b"}, map[string]any{"id": "7a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d"}},
		"template_sms_notifications":   []any{map[string]any{"id": "9b8a7c6d-5e4f-4d3c-a2b1-0f9e8d7c6b5a"}},
		"template_email_notifications": []any{map[string]any{}},
	}
	if diff := cmp.Diff(want, env.patchBody(t)); diff != "" {
		t.Errorf("PATCH body mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(got, updated, protocmp.Transform()); diff != "" {
		t.Errorf("Update returned diff from the Get result (-want +got):\n%s", diff)
	}
}

// TestUpdateRejectedBeforeUpstream: masks that name no writable field, that
// clear name, or that select nothing never reach Pigello, over gRPC and REST.
func TestUpdateRejectedBeforeUpstream(t *testing.T) {
	env := setup(t)
	d := env.demo()
	named := &accountsv1.WorkEngagement{Id: d.full, Name: "x", ColorCode: proto.String("abc")}
	tests := []struct {
		name  string
		we    *accountsv1.WorkEngagement
		mask  *fieldmaskpb.FieldMask
		field string
	}{
		{"unknown path", named, mask("colour"), "update_mask"},
		{"id path", named, mask("id"), "update_mask"},
		{"created_at path", named, mask("created_at"), "update_mask"},
		{"tags path", named, mask("tags"), "update_mask"},
		{"customer_columns path", named, mask("customer_columns"), "update_mask"},
		{"sub-path of organization", named, mask("organization.name"), "update_mask"},
		{"read-only path among writable ones", named, mask("name", "tags"), "update_mask"},
		{"name masked but empty", &accountsv1.WorkEngagement{Id: d.full}, mask("name"), "work_engagement.name"},
		{"* with empty name", &accountsv1.WorkEngagement{Id: d.full, ColorCode: proto.String("abc")}, mask("*"), "work_engagement.name"},
		{"nothing populated, no mask", &accountsv1.WorkEngagement{Id: d.full}, nil, "update_mask"},
		{"only read-only fields populated, no mask", &accountsv1.WorkEngagement{Id: d.full, Tags: structpb.NewStringValue("t")}, nil, "update_mask"},
		{"no work_engagement", nil, mask("name"), "work_engagement"},
	}
	// REST cannot send this request: its path always holds an id, so the
	// work engagement the body fills is never missing.
	grpcOnly := map[string]bool{"no work_engagement": true}
	for _, tr := range env.transports() {
		for _, tt := range tests {
			if grpcOnly[tt.name] && tr.name != "gRPC" {
				continue
			}
			t.Run(tr.name+"/"+tt.name, func(t *testing.T) {
				env.emu.ResetRequests()
				tr.Update(callCtx(t), &accountsv1.UpdateWorkEngagementRequest{WorkEngagement: tt.we, UpdateMask: tt.mask}).assertInvalid(t, tt.field)
				env.assertNoUpstream(t)
			})
		}
	}
}
