package server

import (
	"encoding/json"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/internal/schema"
	"google.golang.org/protobuf/proto"
)

// workEngagements is what the contract says of WorkEngagement's fields;
// the mapping to and from Pigello's JSON follows from it (package schema).
var workEngagements = schema.MustNew((*accountsv1.WorkEngagement)(nil).ProtoReflect().Descriptor())

// pigelloObject is where upstream decodes Pigello's answer: a JSON object
// read into a proto message as the contract maps it. What the contract
// cannot hold is Pigello's fault, which upstream reports as a malformed
// response.
type pigelloObject struct {
	resource *schema.Resource
	msg      proto.Message
}

var _ json.Unmarshaler = (*pigelloObject)(nil)

// into returns the target that reads Pigello's work engagement into we.
func into(we *accountsv1.WorkEngagement) *pigelloObject {
	return &pigelloObject{resource: workEngagements, msg: we}
}

// UnmarshalJSON implements json.Unmarshaler.
func (o *pigelloObject) UnmarshalJSON(b []byte) error {
	return o.resource.Unmarshal(b, o.msg)
}
