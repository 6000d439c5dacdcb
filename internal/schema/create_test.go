package schema

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// TestCreate: a create sends exactly the populated writable fields, read-only
// ones never, and needs every REQUIRED one.
func TestCreate(t *testing.T) {
	tests := []struct {
		name string
		we   *accountsv1.WorkEngagement
		want string // the body Body writes for the selection
		bad  []Violation
	}{
		{name: "the required field alone", we: &accountsv1.WorkEngagement{Name: "n"}, want: `{"name":"n"}`},
		{name: "read-only fields are ignored", we: &accountsv1.WorkEngagement{
			Id: "not even a UUID", Name: "n", Tags: structpb.NewStringValue("t"),
			CustomerColumns: structpb.NewNullValue(), CreatedAt: timestamppb.Now(),
		}, want: `{"name":"n"}`},
		{name: "an empty optional string is set", we: &accountsv1.WorkEngagement{Name: "n", CustomId: proto.String("")}, want: `{"name":"n","custom_id":""}`},
		{name: "an empty list is not populated", we: &accountsv1.WorkEngagement{Name: "n", TemplateNotifications: []*structpb.Struct{}}, want: `{"name":"n"}`},
		{name: "a UUID goes in lower case", we: &accountsv1.WorkEngagement{Name: "n", Organization: &accountsv1.Organization{Id: "0B7E3C2A-5F1D-4A8E-B6C4-2E9F1A3D5C70"}},
			want: `{"name":"n","organization":{"id":"0b7e3c2a-5f1d-4a8e-b6c4-2e9f1a3d5c70"}}`},
		{name: "the required field missing", we: &accountsv1.WorkEngagement{ColorCode: proto.String("abc"), Id: testID}, bad: []Violation{
			{Field: "name", Description: "name is required: a create must set it"},
		}},
		{name: "nothing at all", we: nil, bad: []Violation{
			{Field: "name", Description: "name is required: a create must set it"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.we.ProtoReflect()
			sel, bad := workEngagements.Create(m)
			if diff := cmp.Diff(tt.bad, bad); diff != "" {
				t.Fatalf("violations (-want +got):\n%s", diff)
			}
			if bad != nil {
				if sel != 0 {
					t.Errorf("Create selected %b along with violations, want nothing", sel)
				}
				return
			}
			body, err := workEngagements.Body(m, sel)
			if err != nil {
				t.Fatalf("Body returned %v", err)
			}
			if string(body) != tt.want {
				t.Errorf("body = %s, want %s", body, tt.want)
			}
		})
	}
}
