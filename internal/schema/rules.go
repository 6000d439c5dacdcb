package schema

import (
	"bytes"
	"errors"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/google/uuid"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// messageRules are what Unmarshal checks of one message in Pigello's JSON,
// beyond the JSON type of each value.
type messageRules struct {
	// identifiers (IDENTIFIER) must be present, and a UUID where the
	// contract says so: without them the object names nothing.
	identifiers []protoreflect.FieldDescriptor
	// required (REQUIRED) must be present in a message inside the
	// resource, such as a reference's id. The resource's own REQUIRED
	// fields are what a write needs, not what every answer holds.
	required []protoreflect.FieldDescriptor
	// byName finds a field by its proto name, Pigello's member name, or
	// its lowerCamel JSON name, without allocating for the lookup.
	byName map[string]protoreflect.FieldDescriptor
}

// addRules notes the rules of md and of the messages its fields hold.
func (r *Resource) addRules(md protoreflect.MessageDescriptor, top bool) {
	if r.messages[md.FullName()] != nil {
		return
	}
	rules := &messageRules{byName: map[string]protoreflect.FieldDescriptor{}}
	r.messages[md.FullName()] = rules
	fields := md.Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		rules.byName[string(fd.Name())] = fd
		rules.byName[fd.JSONName()] = fd // as protojson accepts
		switch {
		case hasBehavior(fd, annotations.FieldBehavior_IDENTIFIER):
			rules.identifiers = append(rules.identifiers, fd)
		case hasBehavior(fd, annotations.FieldBehavior_REQUIRED) && !top:
			rules.required = append(rules.required, fd)
		}
		if isPlainMessage(fd) {
			r.addRules(fd.Message(), false)
		}
	}
}

// field returns the field a member name (a JSON string) names, or nil.
func (rules *messageRules) field(name jsontext.Value) protoreflect.FieldDescriptor {
	if bytes.IndexByte(name, '\\') < 0 {
		return rules.byName[string(name[1:len(name)-1])]
	}
	unquoted, err := jsontext.AppendUnquote(nil, name)
	if err != nil {
		return nil
	}
	return rules.byName[string(unquoted)]
}

// check applies the rules to m once it is read.
func (rules *messageRules) check(m protoreflect.Message, depth int) error {
	for _, fd := range rules.identifiers {
		if !m.Has(fd) {
			return at(string(fd.Name()), errors.New("missing"))
		}
		if isUUID(fd) && !validUUID(m.Get(fd).String()) {
			return at(string(fd.Name()), errors.New("not a UUID"))
		}
	}
	if depth == 0 {
		return nil
	}
	for _, fd := range rules.required {
		if !m.Has(fd) {
			return at(string(fd.Name()), errors.New("missing"))
		}
	}
	return nil
}

// validUUID accepts the 8-4-4-4-12 hexadecimal form protovalidate's
// string.uuid rule means, in either case.
func validUUID(s string) bool {
	return len(s) == 36 && uuid.Validate(s) == nil
}

// fieldError names the member of Pigello's JSON at fault, as a path such
// as parts[1].id.
type fieldError struct {
	path string
	err  error
}

func (e *fieldError) Error() string { return e.path + ": " + e.err.Error() }
func (e *fieldError) Unwrap() error { return e.err }

// at puts name in front of the path of err.
func at(name string, err error) error {
	var fe *fieldError
	if !errors.As(err, &fe) {
		return &fieldError{path: name, err: err}
	}
	sep := "."
	if fe.path[0] == '[' {
		sep = ""
	}
	return &fieldError{path: name + sep + fe.path, err: fe.err}
}
