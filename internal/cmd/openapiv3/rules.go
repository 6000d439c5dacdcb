package main

import (
	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-openapiv2/options"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// constrain states on s, the schema of fd's value, the buf.validate rules
// of fd that JSON Schema can say: a string's uuid format, its length in
// characters and its pattern, an int32's bounds. protoc-gen-openapiv2 reads
// none of them, and the proto says each rule once, in buf.validate. Rules
// JSON Schema cannot say (CEL expressions) are the server's to check, and
// the field's comment says them in words.
func constrain(s *openapi3.Schema, fd protoreflect.FieldDescriptor) {
	rules, _ := proto.GetExtension(fd.Options(), validate.E_Field).(*validate.FieldRules)
	if str := rules.GetString(); str != nil {
		if str.GetUuid() {
			s.Format = "uuid"
		}
		if str.HasMinLen() {
			s.MinLength = str.GetMinLen()
		}
		if str.HasMaxLen() {
			s.MaxLength = new(str.GetMaxLen())
		}
		if str.HasPattern() {
			s.Pattern = str.GetPattern()
		}
	}
	if n := rules.GetInt32(); n != nil {
		switch {
		case n.HasGte():
			s.Min = new(float64(n.GetGte()))
		case n.HasGt():
			s.WithExclusiveMinValue(float64(n.GetGt()))
		}
		switch {
		case n.HasLte():
			s.Max = new(float64(n.GetLte()))
		case n.HasLt():
			s.WithExclusiveMaxValue(float64(n.GetLt()))
		}
	}
}

// constrainParameters constrains each parameter of op by the field of
// input it is bound to: a path or query parameter is named by the field's
// path (page_size, work_engagement.id), or by the path_param_name its
// openapiv2_field annotation gives it.
func constrainParameters(op *openapi3.Operation, input protoreflect.MessageDescriptor) {
	fields := map[string]protoreflect.FieldDescriptor{}
	boundFields(input, "", fields, map[protoreflect.FullName]bool{})
	for _, p := range op.Parameters {
		if fd := fields[p.Value.Name]; fd != nil && p.Value.Schema != nil && p.Value.Schema.Value != nil {
			constrain(p.Value.Schema.Value, fd)
		}
	}
}

// boundFields adds to fields each field of md under the names a parameter
// bound to it may have, prefix being the path of md itself. It descends
// into the contract's own messages (each once on a path: open lists the
// messages it is inside), not into well-known types, whose fields are not
// bound one by one.
func boundFields(md protoreflect.MessageDescriptor, prefix string, fields map[string]protoreflect.FieldDescriptor, open map[protoreflect.FullName]bool) {
	open[md.FullName()] = true
	defer delete(open, md.FullName())
	list := md.Fields()
	for i := range list.Len() {
		fd := list.Get(i)
		path := prefix + string(fd.Name())
		fields[path] = fd
		schema, _ := proto.GetExtension(fd.Options(), options.E_Openapiv2Field).(*options.JSONSchema)
		if alias := schema.GetFieldConfiguration().GetPathParamName(); alias != "" {
			fields[alias] = fd
		}
		if m := fd.Message(); m != nil && !fd.IsList() && !fd.IsMap() && !open[m.FullName()] && !wellKnown(m) {
			boundFields(m, path+".", fields, open)
		}
	}
}
