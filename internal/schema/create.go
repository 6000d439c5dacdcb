package schema

import "google.golang.org/protobuf/reflect/protoreflect"

// Create selects what a create sends Pigello (AIP-133): the populated
// writable fields of m, nothing else, so a read-only field set in the
// request is ignored (AIP-203). Every field the contract marks REQUIRED
// must be among them: Pigello refuses a new resource without it.
func (r *Resource) Create(m protoreflect.Message) (Selection, []Violation) {
	if bad := r.requiredUnset(m, r.all, "is required: a create must set it"); bad != nil {
		return 0, bad
	}
	return r.Populated(m), nil
}
