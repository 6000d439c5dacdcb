package schema

import (
	"slices"
	"testing"

	"buf.build/go/protovalidate"
	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/structpb"
)

func TestSelect(t *testing.T) {
	const writable = "writable: name, organization, custom_id, color_code, template_notifications, template_sms_notifications, template_email_notifications"
	named := &accountsv1.WorkEngagement{Name: "n", ColorCode: proto.String("abc")}
	tests := []struct {
		name  string
		we    *accountsv1.WorkEngagement
		paths []string
		want  []string // selected fields
		bad   []Violation
	}{
		{name: "no mask selects the populated fields", we: named, want: []string{"name", "color_code"}},
		{name: "an empty list is not populated", we: &accountsv1.WorkEngagement{Name: "n", TemplateNotifications: []*structpb.Struct{}}, want: []string{"name"}},
		{name: "star selects every writable field", we: named, paths: []string{"*"}, want: workEngagements.writableNames()},
		{name: "a path into a reference selects it whole", we: named, paths: []string{"organization.id"}, want: []string{"organization"}},
		{name: "duplicate paths select once", we: named, paths: []string{"color_code", "color_code"}, want: []string{"color_code"}},
		{name: "unknown and read-only paths", we: named, paths: []string{"nmae", "tags", "id", "organization.name", "name.first", "template_notifications.kind"}, bad: []Violation{
			{Description: `path "nmae" names no writable field; ` + writable},
			{Description: `path "tags" names no writable field; ` + writable},
			{Description: `path "id" names no writable field; ` + writable},
			{Description: `path "organization.name" names no writable field; ` + writable},
			{Description: `path "name.first" names no writable field; ` + writable},
			{Description: `path "template_notifications.kind" names no writable field; ` + writable},
		}},
		{name: "nothing populated", we: &accountsv1.WorkEngagement{Id: testID, Tags: structpb.NewNullValue()}, bad: []Violation{
			{Description: "the update selects no writable field, so there is nothing to change"},
		}},
		{name: "a required field cannot be cleared", we: &accountsv1.WorkEngagement{}, paths: []string{"*"}, bad: []Violation{
			{Field: "name", Description: "name cannot be cleared: Pigello requires it"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel, bad := workEngagements.Select(tt.we.ProtoReflect(), tt.paths)
			if diff := cmp.Diff(tt.bad, bad); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
			var got []string
			for i, name := range workEngagements.writableNames() {
				if sel&(1<<i) != 0 {
					got = append(got, name)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("selected (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPathsThing: a path into a message of the contract's own selects it;
// a list of messages, a well-known type and a read-only field have no
// sub-paths.
func TestPathsThing(t *testing.T) {
	r := MustNew(thing(t))
	want := []string{"*", "count", "kind", "blob", "labels", "text", "number", "part", "part.id", "part.note", "parts", "wait", "flag"}
	if diff := cmp.Diff(want, r.paths()); diff != "" {
		t.Errorf("Paths (-want +got):\n%s", diff)
	}
}

// TestMaskRuleInTheContract: the update_mask rule the proto states for
// clients (a CEL expression, run by protovalidate before the handler) names
// exactly the paths Select accepts, so a field added to the contract
// without updating that rule fails here.
func TestMaskRuleInTheContract(t *testing.T) {
	valid := func(path string) bool {
		req := &accountsv1.UpdateWorkEngagementRequest{
			WorkEngagement: &accountsv1.WorkEngagement{Id: testID, Name: "n"},
			UpdateMask:     &fieldmaskpb.FieldMask{Paths: []string{path}},
		}
		return protovalidate.Validate(req) == nil
	}
	paths := workEngagements.paths()
	for _, p := range paths {
		if !valid(p) {
			t.Errorf("the contract's update_mask rule refuses %q, which names a writable field", p)
		}
	}
	fields := (*accountsv1.WorkEngagement)(nil).ProtoReflect().Descriptor().Fields()
	for i := range fields.Len() {
		name := string(fields.Get(i).Name())
		if !slices.Contains(paths, name) && valid(name) {
			t.Errorf("the contract's update_mask rule accepts %q, which is read-only", name)
		}
	}
}

// paths lists, for the tests, every update_mask path Select accepts, "*" first.
func (r *Resource) paths() []string {
	paths := []string{"*"}
	for _, fd := range r.writable {
		paths = append(paths, maskPaths(fd)...)
	}
	return paths
}
