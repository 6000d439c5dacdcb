package schema

import (
	"fmt"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// Create selects what a create sends Pigello (AIP-133): the populated
// writable fields of m, nothing else, so a read-only field set in the
// request is ignored (AIP-203). Every field the contract marks REQUIRED
// must be among them: Pigello refuses a new resource without it.
func (r *Resource) Create(m protoreflect.Message) (Selection, []Violation) {
	sel := r.Populated(m)
	var bad []Violation
	for i, fd := range r.writable {
		if r.keep&^sel&(1<<i) != 0 {
			bad = append(bad, Violation{Field: string(fd.Name()), Description: fmt.Sprintf("%s is required: a create must set it", fd.Name())})
		}
	}
	if len(bad) > 0 {
		return 0, bad
	}
	return sel, nil
}
