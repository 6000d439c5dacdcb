// Package schema derives from the contract's descriptors what the facade
// needs to know about a resource's fields, so that no field is listed by
// hand outside the proto:
//
//   - which fields a request may write, which it may not clear, and how an
//     update mask selects them (google.api.field_behavior, AIP-134, AIP-203);
//   - the JSON body Pigello gets for a write: exactly the selected writable
//     fields, null for one left unset (Resource.Body);
//   - a message read from Pigello's JSON (Resource.Unmarshal) and written
//     as the REST answer in that same form (Marshal).
//
// Pigello's JSON names its members by the proto field names (snake_case)
// and writes null for what is unset. Values are read and written as
// protojson reads and writes them; the walk is this package's own, for
// speed on the hot path and for what protojson has no option for: Pigello's
// nulls, members chosen by a mask, and Pigello's quirks in what it sends.
// The fuzz targets hold it to protojson.
package schema

import (
	"fmt"
	"strings"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Resource is what the contract says about the fields of one resource
// message, read once from its descriptor.
type Resource struct {
	desc protoreflect.MessageDescriptor
	// writable lists the fields a request may write, in declaration order;
	// bit i of a Selection stands for writable[i].
	writable []protoreflect.FieldDescriptor
	all      Selection // every writable field
	// keep holds the writable fields that cannot be cleared (REQUIRED).
	keep Selection
	// byPath maps each update_mask path but "*" to what it selects.
	byPath map[string]Selection
	// messages holds the rules Unmarshal checks, for this message and
	// every message it contains.
	messages map[protoreflect.FullName]*messageRules
	// lowerUUIDs is set when a writable field holds a UUID somewhere
	// (a string.uuid rule), which Body sends in lower case.
	lowerUUIDs bool
}

// New reads the roles of md's fields from their annotations.
func New(md protoreflect.MessageDescriptor) (*Resource, error) {
	r := &Resource{desc: md, byPath: map[string]Selection{}, messages: map[protoreflect.FullName]*messageRules{}}
	fields := md.Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if ReadOnly(fd) {
			continue
		}
		if len(r.writable) == 64 {
			return nil, fmt.Errorf("schema: %s has more than 64 writable fields", md.FullName())
		}
		bit := Selection(1) << len(r.writable)
		r.writable = append(r.writable, fd)
		r.all |= bit
		if hasBehavior(fd, annotations.FieldBehavior_REQUIRED) {
			r.keep |= bit
		}
		for _, p := range maskPaths(fd) {
			r.byPath[p] = bit
		}
		r.lowerUUIDs = r.lowerUUIDs || holdsUUID(fd, map[protoreflect.FullName]bool{})
	}
	r.addRules(md, true)
	return r, nil
}

// MustNew is New for a descriptor of the compiled-in contract, whose
// annotations cannot change at run time: it panics on an error.
func MustNew(md protoreflect.MessageDescriptor) *Resource { return must(New(md)) }

// must returns v, or panics with err: for what is read from the
// compiled-in contract, where an error is a bug in the build.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// writableNames lists the names of the writable fields, for messages.
func (r *Resource) writableNames() []string {
	names := make([]string, len(r.writable))
	for i, fd := range r.writable {
		names[i] = string(fd.Name())
	}
	return names
}

// ReadOnly reports whether a request cannot write fd: its behavior is
// OUTPUT_ONLY or IDENTIFIER. AIP-203 says a request body's read-only fields
// are ignored.
func ReadOnly(fd protoreflect.FieldDescriptor) bool {
	return hasBehavior(fd, annotations.FieldBehavior_OUTPUT_ONLY) || hasBehavior(fd, annotations.FieldBehavior_IDENTIFIER)
}

// Nullable reports whether Pigello's JSON holds null for fd when it is unset:
// a singular message or a proto3 optional field. A list is [] instead, a
// scalar its zero value, and a member of a real oneof is left out.
func Nullable(fd protoreflect.FieldDescriptor) bool {
	if fd.IsList() || fd.IsMap() {
		return false
	}
	if o := fd.ContainingOneof(); o != nil && !o.IsSynthetic() {
		return false
	}
	return fd.Message() != nil || fd.HasOptionalKeyword()
}

func hasBehavior(fd protoreflect.FieldDescriptor, want annotations.FieldBehavior) bool {
	behaviors, _ := proto.GetExtension(fd.Options(), annotations.E_FieldBehavior).([]annotations.FieldBehavior)
	for _, b := range behaviors {
		if b == want {
			return true
		}
	}
	return false
}

// isUUID reports whether fd carries protovalidate's string.uuid rule.
func isUUID(fd protoreflect.FieldDescriptor) bool {
	rules, _ := proto.GetExtension(fd.Options(), validate.E_Field).(*validate.FieldRules)
	return rules.GetString().GetUuid()
}

// holdsUUID reports whether fd, or a field of a message it holds, has the
// string.uuid rule. seen stops at recursive messages.
func holdsUUID(fd protoreflect.FieldDescriptor, seen map[protoreflect.FullName]bool) bool {
	if isUUID(fd) {
		return true
	}
	md := fd.Message()
	if md == nil || seen[md.FullName()] {
		return false
	}
	seen[md.FullName()] = true
	fields := md.Fields()
	for i := range fields.Len() {
		if holdsUUID(fields.Get(i), seen) {
			return true
		}
	}
	return false
}

// wellKnown reports whether md is one of protobuf's well-known types, which
// protojson writes in their own JSON form (a Timestamp as a string, a
// Struct as any JSON object) rather than as an object of their fields.
func wellKnown(md protoreflect.MessageDescriptor) bool {
	return strings.HasPrefix(string(md.FullName()), "google.protobuf.")
}

// isPlainMessage reports whether fd holds a message of the contract's own,
// written as a JSON object of its fields.
func isPlainMessage(fd protoreflect.FieldDescriptor) bool {
	return fd.Message() != nil && !fd.IsMap() && !wellKnown(fd.Message())
}
