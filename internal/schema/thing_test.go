package schema

import (
	"fmt"
	"testing"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	_ "google.golang.org/protobuf/types/known/durationpb" // registers google/protobuf/duration.proto
	_ "google.golang.org/protobuf/types/known/structpb"   // registers google/protobuf/struct.proto
)

// thingProto is a resource unlike WorkEngagement, to show the package
// knows no field by name: kinds the contract does not use yet (integers,
// enums, bytes, lists of scalars, a oneof, a Duration, a nested message
// with an optional field, a list of such messages), built as
//
//	message Thing {
//	  string id = 1 [IDENTIFIER, string.uuid];
//	  int64 count = 2;
//	  Kind kind = 3;                    // enum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; }
//	  bytes blob = 4;
//	  repeated string labels = 5;
//	  oneof choice { string text = 6; double number = 7; }
//	  Part part = 8;
//	  repeated Part parts = 9;
//	  google.protobuf.Duration wait = 10;
//	  optional bool flag = 11;
//	  google.protobuf.Value extra = 12 [OUTPUT_ONLY];
//	}
//	message Part {
//	  string id = 1 [REQUIRED, string.uuid];
//	  optional string note = 2;
//	}
func thingProto() *descriptorpb.FileDescriptorProto {
	msg := func(name string, fields ...*descriptorpb.FieldDescriptorProto) *descriptorpb.DescriptorProto {
		return &descriptorpb.DescriptorProto{Name: proto.String(name), Field: fields}
	}
	thing := msg("Thing",
		field(1, "id", descriptorpb.FieldDescriptorProto_TYPE_STRING, withBehavior(annotations.FieldBehavior_IDENTIFIER), withUUID()),
		field(2, "count", descriptorpb.FieldDescriptorProto_TYPE_INT64),
		field(3, "kind", descriptorpb.FieldDescriptorProto_TYPE_ENUM, typeName(".schematest.Kind")),
		field(4, "blob", descriptorpb.FieldDescriptorProto_TYPE_BYTES),
		field(5, "labels", descriptorpb.FieldDescriptorProto_TYPE_STRING, repeated()),
		field(6, "text", descriptorpb.FieldDescriptorProto_TYPE_STRING, inOneof(0)),
		field(7, "number", descriptorpb.FieldDescriptorProto_TYPE_DOUBLE, inOneof(0)),
		field(8, "part", descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, typeName(".schematest.Part")),
		field(9, "parts", descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, typeName(".schematest.Part"), repeated()),
		field(10, "wait", descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, typeName(".google.protobuf.Duration")),
		field(11, "flag", descriptorpb.FieldDescriptorProto_TYPE_BOOL, optional(1)),
		field(12, "extra", descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, typeName(".google.protobuf.Value"), withBehavior(annotations.FieldBehavior_OUTPUT_ONLY)),
	)
	thing.OneofDecl = []*descriptorpb.OneofDescriptorProto{{Name: proto.String("choice")}, {Name: proto.String("_flag")}}
	part := msg("Part",
		field(1, "id", descriptorpb.FieldDescriptorProto_TYPE_STRING, withBehavior(annotations.FieldBehavior_REQUIRED), withUUID()),
		field(2, "note", descriptorpb.FieldDescriptorProto_TYPE_STRING, optional(0)),
	)
	part.OneofDecl = []*descriptorpb.OneofDescriptorProto{{Name: proto.String("_note")}}
	return &descriptorpb.FileDescriptorProto{
		Name:    proto.String("schematest/thing.proto"),
		Package: proto.String("schematest"),
		Syntax:  proto.String("proto3"),
		Dependency: []string{"google/api/field_behavior.proto", "buf/validate/validate.proto",
			"google/protobuf/duration.proto", "google/protobuf/struct.proto"},
		MessageType: []*descriptorpb.DescriptorProto{thing, part},
		EnumType: []*descriptorpb.EnumDescriptorProto{{
			Name: proto.String("Kind"),
			Value: []*descriptorpb.EnumValueDescriptorProto{
				{Name: proto.String("KIND_UNSPECIFIED"), Number: proto.Int32(0)},
				{Name: proto.String("KIND_A"), Number: proto.Int32(1)},
			},
		}},
	}
}

type fieldOption func(*descriptorpb.FieldDescriptorProto)

func field(n int32, name string, typ descriptorpb.FieldDescriptorProto_Type, opts ...fieldOption) *descriptorpb.FieldDescriptorProto {
	fd := &descriptorpb.FieldDescriptorProto{
		Name: proto.String(name), Number: proto.Int32(n), Type: typ.Enum(),
		Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(), Options: &descriptorpb.FieldOptions{},
	}
	for _, o := range opts {
		o(fd)
	}
	return fd
}

func withBehavior(b annotations.FieldBehavior) fieldOption {
	return func(fd *descriptorpb.FieldDescriptorProto) {
		proto.SetExtension(fd.Options, annotations.E_FieldBehavior, []annotations.FieldBehavior{b})
	}
}

func withUUID() fieldOption {
	return func(fd *descriptorpb.FieldDescriptorProto) {
		rules := &validate.FieldRules{Type: &validate.FieldRules_String_{String_: &validate.StringRules{WellKnown: &validate.StringRules_Uuid{Uuid: true}}}}
		proto.SetExtension(fd.Options, validate.E_Field, rules)
	}
}

func typeName(n string) fieldOption {
	return func(fd *descriptorpb.FieldDescriptorProto) { fd.TypeName = proto.String(n) }
}

func repeated() fieldOption {
	return func(fd *descriptorpb.FieldDescriptorProto) {
		fd.Label = descriptorpb.FieldDescriptorProto_LABEL_REPEATED.Enum()
	}
}

func inOneof(i int32) fieldOption {
	return func(fd *descriptorpb.FieldDescriptorProto) { fd.OneofIndex = proto.Int32(i) }
}

func optional(i int32) fieldOption {
	return func(fd *descriptorpb.FieldDescriptorProto) {
		fd.OneofIndex, fd.Proto3Optional = proto.Int32(i), proto.Bool(true)
	}
}

// thing returns the descriptor of Thing.
func thing(t *testing.T) protoreflect.MessageDescriptor {
	t.Helper()
	return buildFile(t, thingProto()).Messages().ByName("Thing")
}

// thingWithFields returns a message of n writable string fields.
func thingWithFields(t *testing.T, n int) protoreflect.MessageDescriptor {
	t.Helper()
	m := &descriptorpb.DescriptorProto{Name: proto.String("Wide")}
	for i := range n {
		m.Field = append(m.Field, field(int32(i+1), fmt.Sprintf("f%d", i), descriptorpb.FieldDescriptorProto_TYPE_STRING))
	}
	fdp := &descriptorpb.FileDescriptorProto{
		Name: proto.String(fmt.Sprintf("schematest/wide%d.proto", n)), Package: proto.String("schematest"),
		Syntax: proto.String("proto3"), MessageType: []*descriptorpb.DescriptorProto{m},
	}
	return buildFile(t, fdp).Messages().ByName("Wide")
}

func buildFile(t *testing.T, fdp *descriptorpb.FileDescriptorProto) protoreflect.FileDescriptor {
	t.Helper()
	fd, err := protodesc.NewFile(fdp, protoregistry.GlobalFiles)
	if err != nil {
		t.Fatalf("build %s: %v", fdp.GetName(), err)
	}
	return fd
}
