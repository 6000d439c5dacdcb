package main

import (
	"fmt"
	"maps"

	"github.com/getkin/kin-openapi/openapi3"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// requestForm returns the schema the gateway reads a request body of
// message md with, given ref, the completed schema of md's value as answers
// write it, which answers share and which is left as it is:
//   - a list or a map field admits null: protojson reads null for it as no
//     entries (a create then sends nothing for it, an update whose mask
//     names it clears it), where an answer always writes [] or {};
//   - partial (an update's body, AIP-134) requires no field.
//
// Every other null the decoder reads as no value already has its place in
// the answers' schema (schema.Nullable), or is the server's to refuse (a
// REQUIRED field). The body is copied only where it differs. Only md's own
// fields are rewritten: a nested message of the contract's with a list or a
// map is refused, so that such a contract change cannot leave the document
// saying less than the gateway reads.
func requestForm(ref *openapi3.SchemaRef, md protoreflect.MessageDescriptor, partial bool) (*openapi3.SchemaRef, error) {
	if ref == nil || ref.Value == nil {
		return ref, nil
	}
	s := *ref.Value
	s.Properties = maps.Clone(s.Properties)
	changed := partial && len(s.Required) > 0
	if partial {
		s.Required = nil
	}
	fields := md.Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		prop := s.Properties[string(fd.Name())]
		switch {
		case prop == nil || prop.Value == nil:
		case fd.IsList() || fd.IsMap():
			value := *prop.Value
			s.Properties[string(fd.Name())] = nullable(&openapi3.SchemaRef{Value: &value})
			changed = true
		case fd.Message() != nil && holdsCollection(fd.Message(), map[protoreflect.FullName]bool{}):
			return nil, fmt.Errorf("openapiv3: %s: a request body's nested message with a list or map field: describe its nulls in request.go", fd.FullName())
		}
	}
	if !changed {
		return ref, nil
	}
	return &openapi3.SchemaRef{Value: &s}, nil
}

// holdsCollection reports whether md, a message of the contract's, has a
// list or map field, itself or in a message it holds (not in a wellKnown
// one).
func holdsCollection(md protoreflect.MessageDescriptor, seen map[protoreflect.FullName]bool) bool {
	if seen[md.FullName()] || wellKnown(md) {
		return false
	}
	seen[md.FullName()] = true
	fields := md.Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if fd.IsList() || fd.IsMap() || (fd.Message() != nil && holdsCollection(fd.Message(), seen)) {
			return true
		}
	}
	return false
}
