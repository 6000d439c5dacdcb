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
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
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
