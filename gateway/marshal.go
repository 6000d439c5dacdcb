package gateway

import (
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/pigello-facade/pigello-facade/internal/schema"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// marshaler speaks JSON with the proto field names, as Pigello does, and
// writes every field, so an answer reads like Pigello's own: null for each
// unset nullable field (schema.Marshal). Unknown fields in a request are
// an error rather than silently dropped.
var marshaler = &runtime.HTTPBodyMarshaler{Marshaler: pigelloForm{&runtime.JSONPb{
	MarshalOptions:   protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true},
	UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
}}}

// errorMarshaler writes google.rpc.Status without unset fields: an error's
// details are not Pigello objects, and empty reasons and nulls are noise.
var errorMarshaler = &runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{UseProtoNames: true}}

// pigelloForm writes messages in Pigello's JSON form: protojson's
// EmitUnpopulated leaves out unset proto3 optional fields, which sit in
// synthetic oneofs, where Pigello, and so the contract, writes null.
type pigelloForm struct {
	runtime.Marshaler
}

// Marshal implements runtime.Marshaler.
func (m pigelloForm) Marshal(v any) ([]byte, error) {
	if msg, ok := v.(proto.Message); ok {
		return schema.Marshal(msg)
	}
	return m.Marshaler.Marshal(v)
}
