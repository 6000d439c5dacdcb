package app

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// The emulator's demo records as the contract reads them: Pigello's [null]
// template item becomes an empty object, null and [] lists become empty,
// null tags and customer_columns stay unset.
func wantFull(t *testing.T, d demo) *accountsv1.WorkEngagement {
	return &accountsv1.WorkEngagement{
		Id:           d.full,
		Name:         "Full-time employment",
		Organization: &accountsv1.Organization{Id: d.acme},
		CustomId:     proto.String("WE-0001"),
		ColorCode:    proto.String("1E90ff"),
		TemplateNotifications: []*structpb.Struct{
			mustStruct(t, map[string]any{"id": "5e0c1f3a-8d2b-4b7e-9f4a-6c1d2e3f4a5b"}),
			mustStruct(t, map[string]any{"id": "7a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d"}),
		},
		TemplateSmsNotifications:   []*structpb.Struct{mustStruct(t, map[string]any{"id": "9b8a7c6d-5e4f-4d3c-a2b1-0f9e8d7c6b5a"})},
		TemplateEmailNotifications: []*structpb.Struct{{}},
		Tags:                       mustValue(t, []any{map[string]any{"id": "2c4e6a8b-1d3f-4e5a-b7c9-0a2b4c6d8e0f", "name": "Priority"}}),
		CustomerColumns:            mustValue(t, map[string]any{"cost_center": "4100", "headcount": 12}),
		CreatedAt:                  timestamppb.New(time.Date(2024, 1, 15, 9, 30, 0, 123456000, time.UTC)),
	}
}

func wantEmpty(d demo) *accountsv1.WorkEngagement {
	return &accountsv1.WorkEngagement{
		Id:        d.empty,
		Name:      "Internship",
		CreatedAt: timestamppb.New(time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)),
	}
}

func wantPartial(t *testing.T, d demo) *accountsv1.WorkEngagement {
	return &accountsv1.WorkEngagement{
		Id:                       d.partial,
		Name:                     "Part-time, 50 %",
		Organization:             &accountsv1.Organization{Id: d.globex},
		CustomId:                 proto.String(""),
		TemplateSmsNotifications: []*structpb.Struct{{}},
		CustomerColumns:          mustValue(t, map[string]any{}),
		CreatedAt:                timestamppb.New(time.Date(2025, 6, 30, 12, 45, 10, 500000000, time.UTC)),
	}
}

func mustStruct(t *testing.T, m map[string]any) *structpb.Struct {
	t.Helper()
	s, err := structpb.NewStruct(m)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustValue(t *testing.T, v any) *structpb.Value {
	t.Helper()
	s, err := structpb.NewValue(v)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mask(paths ...string) *fieldmaskpb.FieldMask { return &fieldmaskpb.FieldMask{Paths: paths} }

func TestGet(t *testing.T) {
	env := setup(t)
	d := env.demo()
	tests := []struct {
		name string
		id   string
		want *accountsv1.WorkEngagement
	}{
		{"every field set", d.full, wantFull(t, d)},
		{"every nullable field null", d.empty, wantEmpty(d)},
		{"empty string, [] and [null]", d.partial, wantPartial(t, d)},
		{"upper-case id", strings.ToUpper(d.full), wantFull(t, d)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.emu.ResetRequests()
			got, err := env.client.GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: tt.id})
			if err != nil {
				t.Fatalf("Get returned error %v", err)
			}
			if diff := cmp.Diff(tt.want, got, protocmp.Transform()); diff != "" {
				t.Errorf("Get returned diff (-want +got):\n%s", diff)
			}
			req := env.onlyRequest(t)
			if req.Method != "GET" || req.Path != itemPath(strings.ToLower(tt.id)) {
				t.Errorf("emulator received %s %s, want GET %s", req.Method, req.Path, itemPath(strings.ToLower(tt.id)))
			}
		})
	}
}

func TestGetNotFound(t *testing.T) {
	env := setup(t)
	_, err := env.client.GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: missingID})
	st := assertStatus(t, err, codes.NotFound, "PIGELLO_NOT_FOUND")
	assertUpstreamStatus(t, st, "404")
}

func TestUpdate(t *testing.T) {
	env := setup(t)
	d := env.demo()
	got, err := env.client.UpdateWorkEngagement(callCtx(t), &accountsv1.UpdateWorkEngagementRequest{
		WorkEngagement: &accountsv1.WorkEngagement{Id: d.empty, Name: "Internship, paid", ColorCode: proto.String("0a0")},
		UpdateMask:     mask("name", "color_code"),
	})
	if err != nil {
		t.Fatalf("Update returned error %v", err)
	}
	want := wantEmpty(d)
	want.Name, want.ColorCode = "Internship, paid", proto.String("0a0")
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		t.Errorf("Update returned diff (-want +got):\n%s", diff)
	}
	reread, err := env.client.GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: d.empty})
	if err != nil {
		t.Fatalf("Get after Update returned error %v", err)
	}
	if diff := cmp.Diff(want, reread, protocmp.Transform()); diff != "" {
		t.Errorf("Get after Update returned diff (-want +got):\n%s", diff)
	}
}

// TestUpdateRejectedByPigello: Pigello's own field errors come back as
// INVALID_ARGUMENT naming the request field.
func TestUpdateRejectedByPigello(t *testing.T) {
	env := setup(t)
	_, err := env.client.UpdateWorkEngagement(callCtx(t), &accountsv1.UpdateWorkEngagementRequest{
		WorkEngagement: &accountsv1.WorkEngagement{Id: env.demo().full, Organization: &accountsv1.Organization{Id: missingID}},
	})
	st := assertStatus(t, err, codes.InvalidArgument, "PIGELLO_BAD_REQUEST")
	assertUpstreamStatus(t, st, "400")
	if diff := cmp.Diff([]string{"work_engagement.organization"}, badRequestFields(st)); diff != "" {
		t.Errorf("BadRequest fields mismatch (-want +got):\n%s", diff)
	}
}

func TestDelete(t *testing.T) {
	env := setup(t)
	id := env.demo().partial
	del := func(allowMissing bool) error {
		_, err := env.client.DeleteWorkEngagement(callCtx(t), &accountsv1.DeleteWorkEngagementRequest{Id: id, AllowMissing: allowMissing})
		return err
	}
	if err := del(false); err != nil {
		t.Fatalf("Delete returned %v, want nil", err)
	}
	_, err := env.client.GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: id})
	assertStatus(t, err, codes.NotFound, "PIGELLO_NOT_FOUND")

	st := assertStatus(t, del(false), codes.NotFound, "PIGELLO_NOT_FOUND")
	assertUpstreamStatus(t, st, "404")
	if err := del(true); err != nil {
		t.Errorf("Delete with allow_missing of a deleted id returned %v, want nil", err)
	}
	var deletes int
	for _, r := range env.emu.Requests() {
		if r.Method == "DELETE" {
			deletes++
		}
	}
	if deletes != 3 {
		t.Errorf("emulator received %d DELETEs, want 3 (allow_missing still asks Pigello)", deletes)
	}
}

// TestHeadersAndPaths checks every request Pigello gets carries the seven
// credential headers and names the work engagement by its lower-case id.
func TestHeadersAndPaths(t *testing.T) {
	env := setup(t)
	d := env.demo()
	upper := strings.ToUpper(d.full)
	c := env.client
	_, _ = c.GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: upper})
	_, _ = c.UpdateWorkEngagement(callCtx(t), &accountsv1.UpdateWorkEngagementRequest{
		WorkEngagement: &accountsv1.WorkEngagement{Id: upper, ColorCode: proto.String("fff")},
	})
	_, _ = c.DeleteWorkEngagement(callCtx(t), &accountsv1.DeleteWorkEngagementRequest{Id: upper})
	_, _ = c.GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: missingID})

	reqs := env.emu.Requests()
	wantPaths := []string{itemPath(d.full), itemPath(d.full), itemPath(d.full), itemPath(missingID)}
	var gotPaths []string
	for _, r := range reqs {
		gotPaths = append(gotPaths, r.Path)
		if r.RawQuery != "" {
			t.Errorf("%s %s has query %q, want none", r.Method, r.Path, r.RawQuery)
		}
		for name, want := range credentialHeaders {
			if got := r.Header.Values(name); len(got) != 1 || got[0] != want {
				t.Errorf("%s %s header %s = %q, want [%q]", r.Method, r.Path, name, got, want)
			}
		}
	}
	if diff := cmp.Diff(wantPaths, gotPaths); diff != "" {
		t.Errorf("request paths mismatch (-want +got):\n%s", diff)
	}
}
