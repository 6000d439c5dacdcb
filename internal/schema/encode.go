package schema

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Marshal writes m in Pigello's JSON form, the REST answer's: every field
// by its proto name, in declaration order, compact, with null for an unset
// nullable field (Nullable) at any depth, where protojson's EmitUnpopulated
// leaves an unset proto3 optional field out. An unset member of a real
// oneof is left out, as protojson leaves it. Otherwise each value is what
// protojson writes.
//
// It walks the message itself rather than calling protojson: the REST
// gateway writes every answer with it, and this is faster
// (BenchmarkMarshal, and bench/README.md). Values of other kinds than
// strings, booleans, messages, google.protobuf.Struct, Value, ListValue and
// Timestamp are written by protojson; FuzzMarshal checks the whole against
// protojson.
func Marshal(m proto.Message) ([]byte, error) {
	e := encoder{b: make([]byte, 0, 512)}
	if err := e.message(m.ProtoReflect(), pigelloForm); err != nil {
		return nil, fmt.Errorf("schema: write %s: %w", m.ProtoReflect().Descriptor().FullName(), err)
	}
	return e.b, nil
}

// Body returns the JSON object a write sends to Pigello: exactly the fields
// sel selects, in declaration order, each holding m's value, or null when m
// leaves it unset (an empty list included), which is how Pigello clears a
// field. Strings the contract checks as UUIDs go in lower case, the form
// Django stores.
func (r *Resource) Body(m protoreflect.Message, sel Selection) ([]byte, error) {
	if r.lowerUUIDs {
		// Lower-case a copy, never the caller's request.
		m = proto.Clone(m.Interface()).ProtoReflect()
		lowerUUIDs(m)
	}
	e := encoder{b: make([]byte, 0, 128)}
	err := e.message(m, func(m protoreflect.Message, fd protoreflect.FieldDescriptor) action {
		switch i := slices.Index(r.writable, fd); {
		case i < 0 || sel&(1<<i) == 0:
			return omit
		case !m.Has(fd):
			return writeNull
		}
		return writeValue
	})
	if err != nil {
		return nil, fmt.Errorf("schema: write %s: %w", r.desc.FullName(), err)
	}
	return e.b, nil
}

// lowerUUIDs lower-cases, in place, every set string field of m and of the
// messages it holds that carries the string.uuid rule.
func lowerUUIDs(m protoreflect.Message) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.Kind() == protoreflect.StringKind && !fd.IsList() && !fd.IsMap() && isUUID(fd):
			m.Set(fd, protoreflect.ValueOfString(strings.ToLower(v.String())))
		case isPlainMessage(fd) && fd.IsList():
			for i := range v.List().Len() {
				lowerUUIDs(v.List().Get(i).Message())
			}
		case isPlainMessage(fd):
			lowerUUIDs(v.Message())
		}
		return true
	})
}

// action is what the encoder writes for one field of a message.
type action int

const (
	writeValue action = iota // the field's value, as protojson writes it
	writeNull                // null instead
	omit                     // nothing, not even the member's name
)

// pigelloForm writes every field, null for an unset nullable one.
func pigelloForm(m protoreflect.Message, fd protoreflect.FieldDescriptor) action {
	if Nullable(fd) && !m.Has(fd) {
		return writeNull
	}
	return writeValue
}

type encoder struct{ b []byte }

// message writes m as a JSON object, choose deciding for each field;
// messages inside it are written in pigelloForm.
func (e *encoder) message(m protoreflect.Message, choose func(protoreflect.Message, protoreflect.FieldDescriptor) action) error {
	e.b = append(e.b, '{')
	fields := m.Descriptor().Fields()
	n := 0
	for i := range fields.Len() {
		fd := fields.Get(i)
		a := choose(m, fd)
		if o := fd.ContainingOneof(); a == omit || a == writeValue && !m.Has(fd) && o != nil && !o.IsSynthetic() {
			continue
		}
		if n > 0 {
			e.b = append(e.b, ',')
		}
		n++
		e.b = append(append(append(e.b, '"'), fd.Name()...), '"', ':') // proto names need no escaping
		if a == writeNull {
			e.b = append(e.b, "null"...)
			continue
		}
		if err := e.field(m, fd); err != nil {
			return at(string(fd.Name()), err)
		}
	}
	e.b = append(e.b, '}')
	return nil
}

// field writes the value of fd in m.
func (e *encoder) field(m protoreflect.Message, fd protoreflect.FieldDescriptor) error {
	switch {
	case fd.IsMap(), !native(fd):
		return e.viaProtojson(m, fd)
	case fd.IsList():
		l := m.Get(fd).List()
		e.b = append(e.b, '[')
		for i := range l.Len() {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			if err := e.single(fd, l.Get(i)); err != nil {
				return at("["+strconv.Itoa(i)+"]", err)
			}
		}
		e.b = append(e.b, ']')
		return nil
	}
	return e.single(fd, m.Get(fd))
}

// native reports whether the encoder writes fd's values itself.
func native(fd protoreflect.FieldDescriptor) bool {
	switch fd.Kind() {
	case protoreflect.StringKind, protoreflect.BoolKind, protoreflect.MessageKind:
		return true
	}
	return false
}

// single writes one value of fd: a string, a boolean or a message.
func (e *encoder) single(fd protoreflect.FieldDescriptor, v protoreflect.Value) error {
	switch fd.Kind() {
	case protoreflect.StringKind:
		return e.str(v.String())
	case protoreflect.BoolKind:
		e.b = strconv.AppendBool(e.b, v.Bool())
		return nil
	}
	return e.messageValue(v.Message())
}

// messageValue writes a message: a well-known type in its form
// (wellKnownValue), the contract's own messages as objects of their fields.
func (e *encoder) messageValue(m protoreflect.Message) error {
	if ok, err := wellKnownValue(e, m); ok {
		return err
	}
	return e.message(m, pigelloForm)
}

// viaProtojson lets protojson write the value of fd in m: the kinds Pigello's
// objects rarely hold (numbers, enums, bytes, lists of those, maps) keep
// exactly protojson's form.
func (e *encoder) viaProtojson(m protoreflect.Message, fd protoreflect.FieldDescriptor) error {
	one := m.New()
	if m.Has(fd) {
		one.Set(fd, m.Get(fd))
	}
	b, err := pigelloJSON.Marshal(one.Interface())
	if err != nil {
		return err
	}
	dec := jsontext.NewDecoder(strings.NewReader(string(b)))
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	for dec.PeekKind() == '"' {
		name, err := dec.ReadToken()
		if err != nil {
			return err
		}
		if name.String() == string(fd.Name()) {
			v, err := dec.ReadValue()
			if err != nil {
				return err
			}
			return e.raw(v)
		}
		if err := dec.SkipValue(); err != nil {
			return err
		}
	}
	return fmt.Errorf("protojson wrote no %s", fd.Name())
}

// pigelloJSON is protojson writing every field by its proto name.
var pigelloJSON = protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true}

// raw appends JSON protojson wrote, compacted: protojson's output is not
// stable byte for byte (it may add spaces), Pigello's bodies should be.
func (e *encoder) raw(b []byte) error {
	v := jsontext.Value(b)
	if err := v.Compact(); err != nil {
		return err
	}
	e.b = append(e.b, v...)
	return nil
}
