package schema

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/protobuf/reflect/protoreflect"
)

const (
	testID  = "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31"
	testOrg = "0b7e3c2a-5f1d-4a8e-b6c4-2e9f1a3d5c70"
)

// workEngagements is the contract's resource, the tests' usual subject.
var workEngagements = MustNew((*accountsv1.WorkEngagement)(nil).ProtoReflect().Descriptor())

// TestRoles checks what New reads from the contract's annotations against
// the contract's own words (its comments), field by field.
func TestRoles(t *testing.T) {
	if diff := cmp.Diff([]string{"name", "organization", "custom_id", "color_code",
		"template_notifications", "template_sms_notifications", "template_email_notifications",
	}, workEngagements.writableNames()); diff != "" {
		t.Errorf("writable fields (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"*", "name", "organization", "organization.id", "custom_id", "color_code",
		"template_notifications", "template_sms_notifications", "template_email_notifications",
	}, workEngagements.paths()); diff != "" {
		t.Errorf("mask paths (-want +got):\n%s", diff)
	}
	readOnly := []string{"id", "tags", "customer_columns", "created_at"}
	nullable := []string{"organization", "custom_id", "color_code", "tags", "customer_columns", "created_at"}
	fields := (*accountsv1.WorkEngagement)(nil).ProtoReflect().Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		name := string(fd.Name())
		if got, want := ReadOnly(fd), slices.Contains(readOnly, name); got != want {
			t.Errorf("ReadOnly(%s) = %v, want %v", name, got, want)
		}
		if got, want := Nullable(fd), slices.Contains(nullable, name); got != want {
			t.Errorf("Nullable(%s) = %v, want %v", name, got, want)
		}
	}
}

// TestNewRefusesTooManyWritableFields: a Selection has room for 64.
func TestNewRefusesTooManyWritableFields(t *testing.T) {
	md := thingWithFields(t, 65)
	if _, err := New(md); err == nil {
		t.Error("New of a message with 65 writable fields succeeded, want an error")
	}
	if _, err := New(thingWithFields(t, 64)); err != nil {
		t.Errorf("New of a message with 64 writable fields returned %v", err)
	}
}

func fieldNames(fields protoreflect.FieldDescriptors) []string {
	var names []string
	for i := range fields.Len() {
		names = append(names, string(fields.Get(i).Name()))
	}
	return names
}

func fieldName(s string) protoreflect.Name { return protoreflect.Name(s) }
