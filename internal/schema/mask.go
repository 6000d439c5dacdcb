package schema

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// Selection is a set of a Resource's writable fields, the ones a write
// sends to Pigello.
type Selection uint64

// Violation is one reason Select refuses an update. Field is "" when the
// mask is at fault (a path, or selecting nothing), else the name of the
// field of the message.
type Violation struct {
	Field, Description string
}

// maskPaths lists the update_mask paths that select fd: its name, and for a
// message of the contract's own each of its fields ("organization.id"),
// which grpc-gateway derives from a nested body. Pigello replaces such a
// message as a whole, so a path into it selects all of it.
func maskPaths(fd protoreflect.FieldDescriptor) []string {
	paths := []string{string(fd.Name())}
	if !isPlainMessage(fd) || fd.IsList() {
		return paths
	}
	sub := fd.Message().Fields()
	for i := range sub.Len() {
		paths = append(paths, string(fd.Name())+"."+string(sub.Get(i).Name()))
	}
	return paths
}

// Populated selects the writable fields of m that hold a value: what an
// update without a mask writes, and all a create may send. A proto list
// cannot tell [] from unset, so an empty list is not populated.
func (r *Resource) Populated(m protoreflect.Message) Selection {
	var sel Selection
	for i, fd := range r.writable {
		if m.Has(fd) {
			sel |= 1 << i
		}
	}
	return sel
}

// Select applies an update mask to m (AIP-134): no paths select the
// populated writable fields; "*" every writable field; otherwise each path
// must name a writable field. An update must select something, and may not
// clear a field the contract marks REQUIRED.
func (r *Resource) Select(m protoreflect.Message, paths []string) (Selection, []Violation) {
	var sel Selection
	var bad []Violation
	for _, p := range paths {
		s, ok := r.byPath[p]
		if p == "*" {
			s, ok = r.all, true
		}
		if !ok {
			bad = append(bad, Violation{Description: fmt.Sprintf("path %q names no writable field; writable: %s", p, strings.Join(r.writableNames(), ", "))})
		}
		sel |= s
	}
	if len(paths) == 0 {
		sel = r.Populated(m)
	}
	switch {
	case len(bad) > 0:
		return 0, bad
	case sel == 0:
		return 0, []Violation{{Description: "the update selects no writable field, so there is nothing to change"}}
	}
	if bad := r.requiredUnset(m, sel, "cannot be cleared: Pigello requires it"); bad != nil {
		return 0, bad
	}
	return sel, nil
}

// requiredUnset returns a violation, saying the field's name and then rule,
// for each field of sel that the contract marks REQUIRED and m leaves unset.
func (r *Resource) requiredUnset(m protoreflect.Message, sel Selection, rule string) []Violation {
	var bad []Violation
	for i, fd := range r.writable {
		if sel&r.keep&(1<<i) != 0 && !m.Has(fd) {
			bad = append(bad, Violation{Field: string(fd.Name()), Description: string(fd.Name()) + " " + rule})
		}
	}
	return bad
}
