package app

import (
	"slices"
	"testing"

	"buf.build/go/protovalidate"
	"github.com/google/go-cmp/cmp"
	"github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-openapiv2/options"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/internal/schema"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/structpb"
)

// TestEveryWritableFieldRoundTrips walks the contract: for each writable
// field of WorkEngagement (not read-only by schema.ReadOnly), over gRPC and REST, through the facade to the
// emulator and back, an update that sets it stores the value, one that
// leaves it out keeps it, and one that clears it stores null (or is
// refused before Pigello for a field the contract marks REQUIRED). A field
// added to the contract is covered without a new test; it needs a value
// (exampleFor).
func TestEveryWritableFieldRoundTrips(t *testing.T) {
	desc := (*accountsv1.WorkEngagement)(nil).ProtoReflect().Descriptor()
	var writable []string
	for i := range desc.Fields().Len() {
		if fd := desc.Fields().Get(i); !schema.ReadOnly(fd) {
			writable = append(writable, string(fd.Name()))
		}
	}
	for i := range 2 { // each transport with its own emulator, so every field starts as seeded
		env := setup(t)
		tr := env.transports()[i]
		id := env.demo().empty // Pigello's nulls, and a name unlike the example
		example := exampleFor(t, id)
		for i, name := range writable { // in order: a field's subtest changes no later field
			fd := desc.Fields().ByName(protoreflect.Name(name))
			other := desc.Fields().ByName(protoreflect.Name(writable[(i+1)%len(writable)]))
			t.Run(tr.name+"/"+name, func(t *testing.T) {
				update := func(we *accountsv1.WorkEngagement, fd protoreflect.FieldDescriptor) answer {
					we.Id = id
					env.emu.ResetRequests()
					return tr.Update(callCtx(t), &accountsv1.UpdateWorkEngagementRequest{WorkEngagement: we, UpdateMask: mask(string(fd.Name()))})
				}
				get := func() answer { return tr.Get(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: id}) }
				set := only(example, fd)
				if before := get(); before.err == nil && proto.Equal(only(before.we, fd), set) {
					t.Fatalf("%s already holds its example: the test would prove nothing", name)
				}
				assertField(t, "set", update(set, fd), fd, set)
				stored := get()
				assertField(t, "read after set", stored, fd, set)
				// Another field written again as it is: fd is left out.
				assertField(t, "left out", update(only(stored.we, other), other), fd, set)

				cleared := update(&accountsv1.WorkEngagement{}, fd)
				if isRequired(fd) {
					cleared.assertInvalid(t, "work_engagement."+name)
					env.assertNoUpstream(t)
					return
				}
				assertField(t, "cleared", cleared, fd, &accountsv1.WorkEngagement{})
				assertField(t, "read after clear", get(), fd, &accountsv1.WorkEngagement{})
			})
		}
	}
}

// assertField checks that a answered with fd as want holds it.
func assertField(t *testing.T, step string, a answer, fd protoreflect.FieldDescriptor, want *accountsv1.WorkEngagement) {
	t.Helper()
	if a.err != nil {
		t.Fatalf("%s: the call returned %v", step, a.err)
	}
	if diff := cmp.Diff(only(want, fd), only(a.we, fd), protocmp.Transform()); diff != "" {
		t.Errorf("%s: %s (-want +got):\n%s", step, fd.Name(), diff)
	}
}

// only returns a copy of we holding nothing but fd.
func only(we *accountsv1.WorkEngagement, fd protoreflect.FieldDescriptor) *accountsv1.WorkEngagement {
	out := &accountsv1.WorkEngagement{}
	if m := we.ProtoReflect(); m.Has(fd) {
		out.ProtoReflect().Set(fd, m.Get(fd))
	}
	return proto.Clone(out).(*accountsv1.WorkEngagement)
}

// exampleFor fills every writable field of a work engagement with a valid
// value: the example the contract gives for it (its openapiv2_field
// annotation), or, for a message, one built the same way from its fields,
// or, for a google.protobuf.Struct, a one-member object. The values must
// pass the contract's rules, so a new field whose rules the fallback
// cannot meet fails here, asking for an example.
func exampleFor(t *testing.T, id string) *accountsv1.WorkEngagement {
	t.Helper()
	we := &accountsv1.WorkEngagement{Id: id}
	fill(t, we.ProtoReflect())
	if err := protovalidate.Validate(&accountsv1.UpdateWorkEngagementRequest{WorkEngagement: we}); err != nil {
		t.Fatalf("the examples break the contract's rules (give the field an openapiv2_field example): %v", err)
	}
	return we
}

// fill sets each writable field of m to an example value.
func fill(t *testing.T, m protoreflect.Message) {
	t.Helper()
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if schema.ReadOnly(fd) {
			continue
		}
		if ex := exampleAnnotation(fd); ex != "" {
			doc := `{"` + string(fd.Name()) + `":` + ex + `}`
			one := m.New()
			if err := protojson.Unmarshal([]byte(doc), one.Interface()); err != nil {
				t.Fatalf("the example of %s, %s, does not read: %v", fd.FullName(), ex, err)
			}
			m.Set(fd, one.Get(fd))
			continue
		}
		switch {
		case fd.Message() != nil && fd.Message().FullName() == "google.protobuf.Struct" && fd.IsList():
			item, _ := structpb.NewStruct(map[string]any{"example": string(fd.Name())})
			m.Mutable(fd).List().Append(protoreflect.ValueOfMessage(item.ProtoReflect()))
		case fd.Message() != nil && !fd.IsList() && !fd.IsMap():
			fill(t, m.Mutable(fd).Message())
		default:
			t.Fatalf("no example for %s: give it an openapiv2_field example in the contract", fd.FullName())
		}
	}
}

func exampleAnnotation(fd protoreflect.FieldDescriptor) string {
	s, _ := proto.GetExtension(fd.Options(), options.E_Openapiv2Field).(*options.JSONSchema)
	return s.GetExample()
}

// isRequired reports whether the contract marks fd REQUIRED, which Pigello
// enforces: such a field can be changed, never cleared.
func isRequired(fd protoreflect.FieldDescriptor) bool {
	behaviors, _ := proto.GetExtension(fd.Options(), annotations.E_FieldBehavior).([]annotations.FieldBehavior)
	return slices.Contains(behaviors, annotations.FieldBehavior_REQUIRED)
}
