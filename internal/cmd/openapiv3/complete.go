package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-openapiv2/options"
	"github.com/pigello-facade/pigello-facade/internal/schema"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// completer walks each operation's schemas alongside the proto messages they
// describe, field by field, and states what the gateway's JSON does
// (gateway/marshal.go: protojson with proto field names and every field
// printed, plus null for unset optional fields):
//   - a singular message field outside a oneof, and a proto3 optional field,
//     is null when unset: its schema admits null;
//   - google.protobuf.Struct is any JSON object, Value any JSON value (null
//     included), ListValue an array of any: openapiv2 types a Struct as an
//     object with no properties, which generators read as one that can hold
//     no key;
//   - a read-only field (schema.ReadOnly: OUTPUT_ONLY or IDENTIFIER) is
//     readOnly: a request may hold it, and the server ignores it (AIP-203);
//     openapiv2 marks only OUTPUT_ONLY ones;
//   - a request body admits null for a list or a map, which the gateway's
//     decoder reads as empty, where an answer always writes [] or {}; the
//     body of an update (a request with a google.protobuf.FieldMask,
//     AIP-134) is partial: it requires no field (request.go);
//   - the example of a body field's openapiv2_field annotation becomes the
//     body's example (openapiv2 drops it when the body holds a path
//     parameter), and a parameter's x-example its OpenAPI 3 example;
//   - the buf.validate rules JSON Schema can say (a uuid format, lengths, a
//     pattern, bounds) hold in the schemas of fields and parameters
//     (rules.go): protoc-gen-openapiv2 does not read them;
//   - an error answer the proto gives no schema has the default answer's, a
//     google.rpc.Status; and an operation whose HTTP rule has a body may be
//     answered 413 or 415 by the gateway before the call reaches the server
//     (responses.go).
//
// Nothing here names a field of this API: the rules follow from the
// descriptors, for any message.
type completer struct {
	doc  *openapi3.T
	done map[*openapi3.Schema]bool // message schemas already completed
}

func complete(doc *openapi3.T, files *protoregistry.Files) error {
	c := &completer{doc: doc, done: map[*openapi3.Schema]bool{}}
	var err error
	files.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		services := fd.Services()
		for i := range services.Len() {
			methods := services.Get(i).Methods()
			for j := range methods.Len() {
				if err = c.method(methods.Get(j)); err != nil {
					return false
				}
			}
		}
		return true
	})
	return err
}

// method completes the operation of md's HTTP rule.
func (c *completer) method(md protoreflect.MethodDescriptor) error {
	rule, _ := proto.GetExtension(md.Options(), annotations.E_Http).(*annotations.HttpRule)
	if rule == nil {
		return nil // no REST binding
	}
	// protoc-gen-openapiv2's operation ids are Service_Method.
	id := string(md.Parent().Name()) + "_" + string(md.Name())
	op := c.operation(id)
	if op == nil {
		return fmt.Errorf("openapiv3: %s has an HTTP rule but no operation %s", md.FullName(), id)
	}
	for code, resp := range op.Responses.Map() {
		if strings.HasPrefix(code, "2") && resp.Value != nil {
			for _, mt := range resp.Value.Content {
				mt.Schema = c.message(mt.Schema, md.Output())
			}
		}
	}
	if rule.GetBody() != "" && op.RequestBody != nil && op.RequestBody.Value != nil {
		if err := c.body(op.RequestBody.Value, md.Input(), rule.GetBody()); err != nil {
			return err
		}
	}
	if err := completeErrors(op, rule); err != nil {
		return err
	}
	constrainParameters(op, md.Input())
	for _, p := range op.Parameters {
		if ex, ok := p.Value.Extensions["x-example"]; ok && p.Value.Example == nil {
			p.Value.Example = ex
			delete(p.Value.Extensions, "x-example")
		}
	}
	return nil
}

func (c *completer) operation(id string) *openapi3.Operation {
	for _, item := range c.doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.OperationID == id {
				return op
			}
		}
	}
	return nil
}

// body completes a request body: the whole input message for body "*",
// else the top-level field it names (google.api.HttpRule.body).
func (c *completer) body(rb *openapi3.RequestBody, input protoreflect.MessageDescriptor, path string) error {
	msg, field := input, protoreflect.FieldDescriptor(nil)
	if path != "*" {
		field = input.Fields().ByName(protoreflect.Name(path))
		if field == nil || field.Message() == nil {
			return fmt.Errorf("openapiv3: %s: body %q is no message field", input.FullName(), path)
		}
		msg = field.Message()
	}
	example, err := fieldExample(field)
	if err != nil {
		return err
	}
	for _, mt := range rb.Content {
		mt.Schema, err = requestForm(c.message(mt.Schema, msg), msg, isUpdate(input))
		if err != nil {
			return err
		}
		if example != nil {
			mt.Example = example
		}
	}
	return nil
}

// isUpdate reports whether md carries a field mask, as an AIP-134 update
// request does: its body holds only the fields to change.
func isUpdate(md protoreflect.MessageDescriptor) bool {
	fields := md.Fields()
	for i := range fields.Len() {
		if m := fields.Get(i).Message(); m != nil && m.FullName() == "google.protobuf.FieldMask" {
			return true
		}
	}
	return false
}

// fieldExample decodes the example of fd's openapiv2_field annotation, or
// returns nil.
func fieldExample(fd protoreflect.FieldDescriptor) (any, error) {
	if fd == nil {
		return nil, nil
	}
	schema, _ := proto.GetExtension(fd.Options(), options.E_Openapiv2Field).(*options.JSONSchema)
	if schema.GetExample() == "" {
		return nil, nil
	}
	var v any
	if err := json.Unmarshal([]byte(schema.GetExample()), &v); err != nil {
		return nil, fmt.Errorf("openapiv3: %s: example is not JSON: %w", fd.FullName(), err)
	}
	return v, nil
}

// message completes the schema of a value of message md and returns it.
func (c *completer) message(ref *openapi3.SchemaRef, md protoreflect.MessageDescriptor) *openapi3.SchemaRef {
	if ref == nil || ref.Value == nil {
		return ref
	}
	switch md.FullName() {
	case "google.protobuf.Struct":
		return freeForm(ref, openapi3.TypeObject)
	case "google.protobuf.Value":
		return freeForm(ref, openapi3.TypeArray, openapi3.TypeBoolean, openapi3.TypeNull,
			openapi3.TypeNumber, openapi3.TypeObject, openapi3.TypeString)
	case "google.protobuf.ListValue":
		return freeForm(ref, openapi3.TypeArray)
	}
	s := ref.Value
	if c.done[s] {
		return ref
	}
	c.done[s] = true
	if len(s.AllOf) == 1 && len(s.Properties) == 0 {
		// openapiv2's allOf around a $ref (use_allof_for_refs): the
		// message's schema is the referenced one.
		s.AllOf[0] = c.message(s.AllOf[0], md)
		return ref
	}
	fields := md.Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if prop := s.Properties[string(fd.Name())]; prop != nil {
			s.Properties[string(fd.Name())] = c.field(prop, fd)
		}
	}
	return ref
}

// field completes the schema of fd's value.
func (c *completer) field(ref *openapi3.SchemaRef, fd protoreflect.FieldDescriptor) *openapi3.SchemaRef {
	ref = c.value(ref, fd)
	if schema.ReadOnly(fd) {
		ref = readOnly(ref)
	}
	return ref
}

// value completes the schema of fd's value as answers write it.
func (c *completer) value(ref *openapi3.SchemaRef, fd protoreflect.FieldDescriptor) *openapi3.SchemaRef {
	if fd.IsList() {
		if fd.Message() != nil && ref.Value != nil {
			ref.Value.Items = c.message(ref.Value.Items, fd.Message())
		}
		return ref // an empty list is [], never null
	}
	if fd.Message() != nil && !fd.IsMap() {
		ref = c.message(ref, fd.Message())
	} else if !fd.IsMap() && ref.Value != nil {
		constrain(ref.Value, fd)
	}
	if schema.Nullable(fd) { // the gateway writes null for it when unset (schema.Marshal)
		return nullable(ref)
	}
	return ref
}

// wellKnown reports whether md is one of protobuf's well-known types, which
// protojson writes in a JSON form of their own (complete's freeForm for
// Struct and Value, a string for a Timestamp), not as an object of their
// fields.
func wellKnown(md protoreflect.MessageDescriptor) bool {
	return strings.HasPrefix(string(md.FullName()), "google.protobuf.")
}
