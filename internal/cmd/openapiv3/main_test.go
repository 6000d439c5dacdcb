package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"github.com/getkin/kin-openapi/openapi3"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	_ "google.golang.org/protobuf/types/known/structpb" // registers struct.proto
)

// TestCommittedOutputIsCurrent converts the committed inputs and compares
// the result with the committed description, as make checkgenerate does
// from freshly generated inputs.
func TestCommittedOutputIsCurrent(t *testing.T) {
	out := filepath.Join(t.TempDir(), "openapi.json")
	err := run([]string{"../../../apidesc/apidesc.binpb", "../../../gen/openapiv2/pigello-facade.swagger.json", out})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	got, _ := os.ReadFile(out)
	want, err := os.ReadFile("../../../docs/openapi/pigello-facade.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("docs/openapi/pigello-facade.json is not what the committed inputs convert to: run make generate")
	}
}

// TestBodyResponses: every operation that takes a body, and only those,
// documents the gateway's 413 and 415 as a google.rpc.Status, and a PATCH's
// 415 names its Accept-Patch header. (convert refuses a proto that
// declares them itself.)
func TestBodyResponses(t *testing.T) {
	doc := convertCommitted(t)
	bodies := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			hasBody := op.RequestBody != nil
			if hasBody {
				bodies++
			}
			for _, code := range []string{"413", "415"} {
				r := op.Responses.Value(code)
				if !hasBody {
					if r != nil {
						t.Errorf("%s %s, which takes no body, documents %s", method, path, code)
					}
					continue
				}
				if r == nil || r.Value.Content.Get("application/json").Schema.Ref != "#/components/schemas/Status" {
					t.Errorf("%s %s response %s = %+v, want a google.rpc.Status", method, path, code, r)
					continue
				}
				mentions := strings.Contains(*r.Value.Description, "Accept-Patch")
				if want := code == "415" && method == http.MethodPatch; mentions != want {
					t.Errorf("%s %s response %s = %q, want Accept-Patch named: %v", method, path, code, *r.Value.Description, want)
				}
			}
		}
	}
	if bodies < 2 {
		t.Errorf("%d operations take a body, want Create and Update at least", bodies)
	}
}

// TestErrorResponsesAreStatus: every error answer of every operation is a
// google.rpc.Status, though the proto states the schema only once (the
// default answer) and leaves it out of each documented status.
func TestErrorResponsesAreStatus(t *testing.T) {
	doc := convertCommitted(t)
	errorAnswers := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for code, r := range op.Responses.Map() {
				if strings.HasPrefix(code, "2") {
					continue
				}
				errorAnswers++
				if got := r.Value.Content.Get("application/json").Schema.Ref; got != "#/components/schemas/Status" {
					t.Errorf("%s %s response %s has schema %q, want a google.rpc.Status", method, path, code, got)
				}
			}
		}
	}
	if errorAnswers < 10 {
		t.Errorf("%d error answers documented, want each operation's default and the API's common ones", errorAnswers)
	}
}

// convertCommitted converts the committed descriptors and Swagger document.
func convertCommitted(t *testing.T) *openapi3.T {
	t.Helper()
	files, err := readDescriptors("../../../apidesc/apidesc.binpb")
	if err != nil {
		t.Fatal(err)
	}
	doc2, err := readSwagger("../../../gen/openapiv2/pigello-facade.swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := convert(t.Context(), doc2, files)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestNullable(t *testing.T) {
	ref := func() *openapi3.SchemaRef {
		return &openapi3.SchemaRef{Ref: "#/components/schemas/Organization", Value: &openapi3.Schema{Type: &openapi3.Types{"object"}}}
	}
	tests := []struct {
		name string
		in   *openapi3.SchemaRef
		want string
	}{
		{"string", &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, MaxLength: new(uint64(7))}},
			`{"maxLength":7,"type":["string","null"]}`},
		{"already nullable", &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string", "null"}}},
			`{"type":["string","null"]}`},
		{"reference", ref(),
			`{"oneOf":[{"$ref":"#/components/schemas/Organization"},{"type":"null"}]}`},
		{"allOf around a reference", &openapi3.SchemaRef{Value: &openapi3.Schema{Description: "d", ReadOnly: true, AllOf: openapi3.SchemaRefs{ref()}}},
			`{"description":"d","oneOf":[{"$ref":"#/components/schemas/Organization"},{"type":"null"}],"readOnly":true}`},
		{"any value", &openapi3.SchemaRef{Value: &openapi3.Schema{Description: "d"}},
			`{"description":"d"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(nullable(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("nullable = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestCompleteNestedMessages checks that the walk reaches a message through
// openapiv2's allOf wrapper and completes its fields too.
func TestCompleteNestedMessages(t *testing.T) {
	file, err := protodesc.NewFile(&descriptorpb.FileDescriptorProto{
		Name:    proto.String("nested.proto"),
		Package: proto.String("test"),
		Syntax:  proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{
			{Name: proto.String("Outer"), Field: []*descriptorpb.FieldDescriptorProto{
				{Name: proto.String("inner"), Number: proto.Int32(1), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
					Type: descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum(), TypeName: proto.String(".test.Inner")},
			}},
			{Name: proto.String("Inner"), Field: []*descriptorpb.FieldDescriptorProto{
				{Name: proto.String("note"), Number: proto.Int32(1), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
					Type: descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum(), Proto3Optional: proto.Bool(true), OneofIndex: proto.Int32(0)},
				{Name: proto.String("extra"), Number: proto.Int32(2), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
					Type: descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum(), TypeName: proto.String(".google.protobuf.Struct")},
			}, OneofDecl: []*descriptorpb.OneofDescriptorProto{{Name: proto.String("_note")}}},
		},
		Dependency: []string{"google/protobuf/struct.proto"},
	}, protoregistry.GlobalFiles)
	if err != nil {
		t.Fatal(err)
	}
	inner := &openapi3.SchemaRef{Ref: "#/components/schemas/Inner", Value: &openapi3.Schema{
		Type: &openapi3.Types{"object"},
		Properties: openapi3.Schemas{
			"note":  {Value: &openapi3.Schema{Type: &openapi3.Types{"string"}}},
			"extra": {Value: &openapi3.Schema{Type: &openapi3.Types{"object"}}},
		},
	}}
	outer := &openapi3.SchemaRef{Value: &openapi3.Schema{
		Type:       &openapi3.Types{"object"},
		Properties: openapi3.Schemas{"inner": {Value: &openapi3.Schema{Description: "d", AllOf: openapi3.SchemaRefs{inner}}}},
	}}
	c := &completer{done: map[*openapi3.Schema]bool{}}
	c.message(outer, file.Messages().ByName("Outer"))

	got, _ := json.Marshal(map[string]any{"outer": outer.Value, "inner": inner.Value})
	want := `{"inner":{"properties":{"extra":{"additionalProperties":true,"type":["object","null"]},"note":{"type":["string","null"]}},"type":"object"},` +
		`"outer":{"properties":{"inner":{"description":"d","oneOf":[{"$ref":"#/components/schemas/Inner"},{"type":"null"}]}},"type":"object"}}`
	if string(got) != want {
		t.Errorf("completed schemas = %s\nwant %s", got, want)
	}
}

// TestConstrain: each buf.validate rule JSON Schema can state lands in the
// field's schema.
func TestConstrain(t *testing.T) {
	tests := []struct {
		name  string
		kind  descriptorpb.FieldDescriptorProto_Type
		rules *validate.FieldRules
		want  string
	}{
		{"uuid", descriptorpb.FieldDescriptorProto_TYPE_STRING,
			validate.FieldRules_builder{String: validate.StringRules_builder{Uuid: proto.Bool(true)}.Build()}.Build(),
			`{"format":"uuid"}`},
		{"lengths and pattern", descriptorpb.FieldDescriptorProto_TYPE_STRING,
			validate.FieldRules_builder{String: validate.StringRules_builder{MinLen: proto.Uint64(1), MaxLen: proto.Uint64(7), Pattern: proto.String("^a+$")}.Build()}.Build(),
			`{"maxLength":7,"minLength":1,"pattern":"^a+$"}`},
		{"inclusive bounds", descriptorpb.FieldDescriptorProto_TYPE_INT32,
			validate.FieldRules_builder{Int32: validate.Int32Rules_builder{Gte: proto.Int32(0), Lte: proto.Int32(500)}.Build()}.Build(),
			`{"maximum":500,"minimum":0}`},
		{"exclusive bounds", descriptorpb.FieldDescriptorProto_TYPE_INT32,
			validate.FieldRules_builder{Int32: validate.Int32Rules_builder{Gt: proto.Int32(0), Lt: proto.Int32(10)}.Build()}.Build(),
			`{"exclusiveMaximum":10,"exclusiveMinimum":0}`},
		{"no rules", descriptorpb.FieldDescriptorProto_TYPE_STRING, nil, `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := &descriptorpb.FieldOptions{}
			if tt.rules != nil {
				proto.SetExtension(opts, validate.E_Field, tt.rules)
			}
			file, err := protodesc.NewFile(&descriptorpb.FileDescriptorProto{
				Name:       proto.String("rules.proto"),
				Package:    proto.String("test"),
				Syntax:     proto.String("proto3"),
				Dependency: []string{"buf/validate/validate.proto"},
				MessageType: []*descriptorpb.DescriptorProto{{Name: proto.String("M"), Field: []*descriptorpb.FieldDescriptorProto{
					{Name: proto.String("f"), Number: proto.Int32(1), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(), Type: tt.kind.Enum(), Options: opts},
				}}},
			}, protoregistry.GlobalFiles)
			if err != nil {
				t.Fatal(err)
			}
			s := &openapi3.Schema{}
			constrain(s, file.Messages().ByName("M").Fields().ByName("f"))
			got, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("constrain = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestRequestBodies: a request body admits null for its list fields, which
// the gateway's decoder reads as empty, while the schema answers share
// keeps them non-null; an update's body requires nothing; a body with
// nothing to change keeps its reference; and a nested message with a list,
// whose nulls requestForm does not describe, is refused.
func TestRequestBodies(t *testing.T) {
	file := testFile(t, &descriptorpb.FileDescriptorProto{
		Name: proto.String("bodies.proto"), Package: proto.String("test"), Syntax: proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{
			{Name: proto.String("Thing"), Field: []*descriptorpb.FieldDescriptorProto{
				stringField("name", 1, descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL),
				stringField("notes", 2, descriptorpb.FieldDescriptorProto_LABEL_REPEATED),
			}},
			{Name: proto.String("Plain"), Field: []*descriptorpb.FieldDescriptorProto{
				stringField("name", 1, descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL),
			}},
			{Name: proto.String("Outer"), Field: []*descriptorpb.FieldDescriptorProto{
				{Name: proto.String("thing"), Number: proto.Int32(1), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
					Type: descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum(), TypeName: proto.String(".test.Thing")},
			}},
		},
	})
	schemaOf := func(props ...string) *openapi3.SchemaRef {
		s := &openapi3.Schema{Type: &openapi3.Types{"object"}, Required: []string{"name"}, Properties: openapi3.Schemas{}}
		for _, p := range props {
			s.Properties[p] = &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}}}
			if p == "notes" {
				s.Properties[p] = &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"array"}, Items: s.Properties[p]}}
			}
		}
		return &openapi3.SchemaRef{Ref: "#/components/schemas/X", Value: s}
	}
	tests := []struct {
		name    string
		message string
		props   []string
		partial bool
		want    string // the body's schema; "ref" for the reference itself
	}{
		{"a list admits null", "Thing", []string{"name", "notes"}, false,
			`{"properties":{"name":{"type":"string"},"notes":{"items":{"type":"string"},"type":["array","null"]}},"required":["name"],"type":"object"}`},
		{"an update requires nothing", "Thing", []string{"name", "notes"}, true,
			`{"properties":{"name":{"type":"string"},"notes":{"items":{"type":"string"},"type":["array","null"]}},"type":"object"}`},
		{"nothing to change", "Plain", []string{"name"}, false, "ref"},
		{"nested message with a list", "Outer", []string{"thing"}, false, "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref := schemaOf(tt.props...)
			answers, _ := json.Marshal(ref.Value)
			got, err := requestForm(ref, file.Messages().ByName(protoreflect.Name(tt.message)), tt.partial)
			switch {
			case tt.want == "error":
				if err == nil {
					t.Errorf("requestForm = %v, want an error", got)
				}
				return
			case err != nil:
				t.Fatalf("requestForm: %v", err)
			case tt.want == "ref":
				if got != ref {
					t.Errorf("requestForm = %+v, want the reference itself", got)
				}
				return
			}
			body, _ := json.Marshal(got)
			if string(body) != tt.want {
				t.Errorf("request body = %s\nwant %s", body, tt.want)
			}
			if after, _ := json.Marshal(ref.Value); string(after) != string(answers) {
				t.Errorf("the answers' schema changed to %s, want it as it was: %s", after, answers)
			}
		})
	}
}

// TestReadOnlyFields: OUTPUT_ONLY and IDENTIFIER fields are readOnly (a
// referenced schema is wrapped, not changed); other fields are not.
func TestReadOnlyFields(t *testing.T) {
	behavior := func(b annotations.FieldBehavior) *descriptorpb.FieldOptions {
		opts := &descriptorpb.FieldOptions{}
		proto.SetExtension(opts, annotations.E_FieldBehavior, []annotations.FieldBehavior{b})
		return opts
	}
	id := stringField("id", 1, descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL)
	id.Options = behavior(annotations.FieldBehavior_IDENTIFIER)
	made := stringField("made", 2, descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL)
	made.Options = behavior(annotations.FieldBehavior_OUTPUT_ONLY)
	name := stringField("name", 3, descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL)
	name.Options = behavior(annotations.FieldBehavior_REQUIRED)
	file := testFile(t, &descriptorpb.FileDescriptorProto{
		Name: proto.String("readonly.proto"), Package: proto.String("test"), Syntax: proto.String("proto3"),
		Dependency:  []string{"google/api/field_behavior.proto"},
		MessageType: []*descriptorpb.DescriptorProto{{Name: proto.String("M"), Field: []*descriptorpb.FieldDescriptorProto{id, made, name}}},
	})
	str := func() *openapi3.SchemaRef {
		return &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}}}
	}
	shared := &openapi3.SchemaRef{Ref: "#/components/schemas/Shared", Value: &openapi3.Schema{Type: &openapi3.Types{"string"}}}
	m := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: openapi3.Schemas{
		"id": str(), "made": shared, "name": str(),
	}}}
	c := &completer{done: map[*openapi3.Schema]bool{}}
	c.message(m, file.Messages().ByName("M"))
	got, _ := json.Marshal(m.Value)
	want := `{"properties":{"id":{"readOnly":true,"type":"string"},"made":{"allOf":[{"$ref":"#/components/schemas/Shared"}],"readOnly":true},"name":{"type":"string"}},"type":"object"}`
	if string(got) != want {
		t.Errorf("completed schema = %s\nwant %s", got, want)
	}
	if shared.Value.ReadOnly {
		t.Error("the referenced schema was marked readOnly, want only the field's use of it")
	}
}

// testFile builds fd against the registered files.
func testFile(t *testing.T, fd *descriptorpb.FileDescriptorProto) protoreflect.FileDescriptor {
	t.Helper()
	file, err := protodesc.NewFile(fd, protoregistry.GlobalFiles)
	if err != nil {
		t.Fatal(err)
	}
	return file
}

func stringField(name string, number int32, label descriptorpb.FieldDescriptorProto_Label) *descriptorpb.FieldDescriptorProto {
	return &descriptorpb.FieldDescriptorProto{Name: proto.String(name), Number: proto.Int32(number), Label: label.Enum(),
		Type: descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum()}
}
