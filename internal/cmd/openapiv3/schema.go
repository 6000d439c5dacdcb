package main

import "github.com/getkin/kin-openapi/openapi3"

// The schema rewrites complete makes: each returns the schema to use in
// place of the one it is given.

// nullable returns ref admitting null too: a type list gains "null"; a
// reference, or openapiv2's allOf around one (use_allof_for_refs), becomes
// one of the referenced schema or null, with the annotations kept outside.
func nullable(ref *openapi3.SchemaRef) *openapi3.SchemaRef {
	s := ref.Value
	compositions := len(s.AllOf) + len(s.AnyOf) + len(s.OneOf)
	switch {
	case ref.Ref != "":
		return oneOfNull(&openapi3.Schema{}, ref)
	case !s.Type.IsEmpty():
		types := s.Type.Clone()
		types.With(openapi3.TypeNull)
		s.Type = &types
		return ref
	case compositions == 0 && s.Not == nil:
		return ref // any JSON value, null included
	case compositions == 1 && len(s.AllOf) == 1 && s.Not == nil:
		outer := *s
		outer.AllOf = nil
		return oneOfNull(&outer, s.AllOf[0])
	default:
		return oneOfNull(&openapi3.Schema{}, ref)
	}
}

// oneOfNull sets outer to one of inner or null.
func oneOfNull(outer *openapi3.Schema, inner *openapi3.SchemaRef) *openapi3.SchemaRef {
	null := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeNull}}}
	outer.OneOf = openapi3.SchemaRefs{inner, null}
	return &openapi3.SchemaRef{Value: outer}
}

// freeForm returns ref's schema, its annotations kept, as JSON of the given
// types whose items and members may be anything. For a Value, every JSON
// type is listed: to JSON Schema that says what {} says, but typed-client
// generators read it as a union of JSON's types (not as unknown), and
// kin-openapi (v0.153.0) refuses null for {} in an OpenAPI 3.1 document.
func freeForm(ref *openapi3.SchemaRef, types ...string) *openapi3.SchemaRef {
	old := ref.Value
	anything := true
	s := &openapi3.Schema{
		Type:        (*openapi3.Types)(&types),
		Title:       old.Title,
		Description: old.Description,
		ReadOnly:    old.ReadOnly,
		WriteOnly:   old.WriteOnly,
		Deprecated:  old.Deprecated,
		Examples:    old.Examples,
	}
	if s.Type.Includes(openapi3.TypeObject) {
		s.AdditionalProperties = openapi3.AdditionalProperties{Has: &anything}
	}
	if s.Type.Includes(openapi3.TypeArray) {
		s.Items = &openapi3.SchemaRef{Value: &openapi3.Schema{Always: &anything}}
	}
	return &openapi3.SchemaRef{Value: s}
}

// readOnly returns ref marked readOnly. A reference is wrapped, since the
// schema it names is not read-only wherever it is used.
func readOnly(ref *openapi3.SchemaRef) *openapi3.SchemaRef {
	if ref.Ref != "" {
		return &openapi3.SchemaRef{Value: &openapi3.Schema{ReadOnly: true, AllOf: openapi3.SchemaRefs{ref}}}
	}
	ref.Value.ReadOnly = true
	return ref
}
