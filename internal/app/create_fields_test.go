package app

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/internal/schema"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// TestEveryWritableFieldRoundTripsThroughCreate is the create's twin of
// TestEveryWritableFieldRoundTrips. It walks the contract: for each
// writable field of WorkEngagement, over gRPC and REST, a create that sets
// it (and the fields the contract marks REQUIRED, without which there is
// no create) sends Pigello exactly those fields, answers the value, and Get
// reads it back; so does a create setting every writable field at once. A
// field added to the contract is covered without a new test; it needs a
// value (exampleFor).
func TestEveryWritableFieldRoundTripsThroughCreate(t *testing.T) {
	desc := (*accountsv1.WorkEngagement)(nil).ProtoReflect().Descriptor()
	var writable []protoreflect.FieldDescriptor
	for i := range desc.Fields().Len() {
		if fd := desc.Fields().Get(i); !schema.ReadOnly(fd) {
			writable = append(writable, fd)
		}
	}
	env := setup(t)
	example := exampleFor(t, env.demo().full)
	example.Id = "" // Pigello assigns it
	type createCase struct {
		name string
		we   *accountsv1.WorkEngagement
	}
	cases := []createCase{{"every writable field", example}}
	for _, fd := range writable {
		cases = append(cases, createCase{string(fd.Name()), withRequired(example, fd)})
	}
	for _, tr := range env.transports() {
		for _, c := range cases {
			we := c.we
			t.Run(tr.name+"/"+c.name, func(t *testing.T) {
				env.emu.ResetRequests()
				created := create(t, tr, we)
				if created.err != nil {
					t.Fatalf("Create returned %v", created.err)
				}
				if diff := cmp.Diff(setFields(we), postedKeys(t, env.postBody(t))); diff != "" {
					t.Errorf("POST keys (-set +sent):\n%s", diff)
				}
				stored := tr.Get(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: created.we.GetId()})
				for _, fd := range writable {
					assertField(t, "created", created, fd, we)
					assertField(t, "read after create", stored, fd, we)
				}
			})
		}
	}
}

// withRequired returns a copy of example holding fd and the fields the
// contract marks REQUIRED.
func withRequired(example *accountsv1.WorkEngagement, fd protoreflect.FieldDescriptor) *accountsv1.WorkEngagement {
	out := only(example, fd)
	fields := example.ProtoReflect().Descriptor().Fields()
	for i := range fields.Len() {
		if f := fields.Get(i); isRequired(f) {
			out.ProtoReflect().Set(f, example.ProtoReflect().Get(f))
		}
	}
	return out
}

// setFields lists the names of the fields we sets, sorted.
func setFields(we *accountsv1.WorkEngagement) []string {
	var names []string
	we.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
		names = append(names, string(fd.Name()))
		return true
	})
	slices.Sort(names)
	return names
}

// postedKeys lists the keys of a JSON object body, sorted.
func postedKeys(t *testing.T, body string) []string {
	t.Helper()
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &obj); err != nil {
		t.Fatalf("POST body %s is not a JSON object: %v", body, err)
	}
	var keys []string
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
