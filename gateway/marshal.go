package gateway

import (
	"bytes"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// marshaler speaks JSON with the proto field names, as Pigello does, and
// prints unset fields, so a work engagement reads like Pigello's own: null
// for an unset organization, custom_id, color_code, tags, customer_columns.
// Unknown fields in a request are an error rather than silently dropped.
var marshaler = &runtime.HTTPBodyMarshaler{Marshaler: nullOptionals{&runtime.JSONPb{
	MarshalOptions:   protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true},
	UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
}}}

// errorMarshaler writes google.rpc.Status without unset fields: an error's
// details are not Pigello objects, and empty reasons and nulls are noise.
var errorMarshaler = &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{UseProtoNames: true}}

// nullOptionals adds "field": null for each unset proto3 optional field of
// the top-level message. protojson's EmitUnpopulated skips them because they
// sit in synthetic oneofs, but Pigello prints them as null, and the contract
// promises Pigello's JSON form.
type nullOptionals struct {
	runtime.Marshaler
}

// Marshal implements runtime.Marshaler. A work engagement, the usual
// answer, takes appendWorkEngagement's shorter way to the same JSON.
func (m nullOptionals) Marshal(v any) ([]byte, error) {
	if we, ok := v.(*accountsv1.WorkEngagement); ok {
		if b, err := appendWorkEngagement(make([]byte, 0, 1024), we); err == nil {
			return b, nil
		}
	}
	b, err := m.Marshaler.Marshal(v)
	msg, ok := v.(proto.Message)
	if err != nil || !ok {
		return b, err
	}
	return appendNulls(b, msg.ProtoReflect()), nil
}

// appendNulls inserts the unset optional fields of m before the closing brace
// of its JSON object b.
func appendNulls(b []byte, m protoreflect.Message) []byte {
	var nulls []byte
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if fd.HasOptionalKeyword() && fd.ContainingOneof().IsSynthetic() && !m.Has(fd) {
			nulls = append(nulls, `"`+string(fd.Name())+`":null,`...)
		}
	}
	end := bytes.LastIndexByte(b, '}')
	if len(nulls) == 0 || end < 0 {
		return b
	}
	nulls = nulls[:len(nulls)-1] // the last comma
	if head := bytes.TrimRight(b[:end], " \t\r\n"); len(head) > 0 && head[len(head)-1] != '{' {
		nulls = append([]byte{','}, nulls...)
	}
	out := make([]byte, 0, len(b)+len(nulls))
	out = append(out, b[:end]...)
	out = append(out, nulls...)
	return append(out, b[end:]...)
}
