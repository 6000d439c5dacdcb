package schema

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"

	"github.com/go-json-experiment/json/jsontext"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Unmarshal reads Pigello's JSON object into m, a message of r, after
// resetting it, as protojson would read it with the proto field names, except where Pigello's JSON
// differs: null means unset, a null item of a list of messages is an empty
// message (Pigello documents [null] for its template lists), and members
// the contract does not know are skipped. It refuses what the contract
// cannot hold, an object without its identifier, and a reference without its
// required id. Invalid UTF-8 is refused, and a field or a Struct key given
// twice, as protojson refuses them.
//
// It walks the JSON tokens itself rather than calling protojson: the Get
// answer is read on every call, and this is faster (BenchmarkUnmarshal, and
// bench/README.md). Values of other kinds than strings, booleans, messages,
// google.protobuf.Struct, Value, ListValue and Timestamp are read by
// protojson; FuzzUnmarshal checks the whole against protojson.
func (r *Resource) Unmarshal(data []byte, m proto.Message) error {
	pm := m.ProtoReflect()
	if pm.Descriptor() != r.desc {
		return fmt.Errorf("schema: Unmarshal of %s into a %s", r.desc.FullName(), pm.Descriptor().FullName())
	}
	proto.Reset(m)
	d := decoders.Get().(*decoder)
	defer d.release()
	d.rules = r.messages
	d.in.Reset()
	d.in.Write(data)
	// Names given twice are refused below where protojson refuses them:
	// a field of the message, a key of a Struct.
	d.dec.Reset(&d.in, jsontext.AllowDuplicateNames(true))
	err := d.message(pm, 0)
	if err == nil {
		if _, end := d.dec.ReadToken(); end != io.EOF {
			err = errors.New("more data after the JSON object")
		}
	}
	if err != nil {
		return fmt.Errorf("schema: read %s: %w", r.desc.FullName(), err)
	}
	return nil
}

type decoder struct {
	rules map[protoreflect.FullName]*messageRules
	in    bytes.Buffer
	dec   jsontext.Decoder
}

var decoders = sync.Pool{New: func() any { return new(decoder) }}

// release returns d to the pool unless it holds a large body, which would
// stay pinned there.
func (d *decoder) release() {
	if d.in.Cap() <= 64<<10 {
		decoders.Put(d)
	}
}

// message reads a JSON object into m; depth is 0 for the resource itself.
func (d *decoder) message(m protoreflect.Message, depth int) error {
	if err := d.delim('{', "a JSON object"); err != nil {
		return err
	}
	rules := d.rules[m.Descriptor().FullName()]
	var seen uint64 // the first 64 fields by index, to refuse one named twice
	for d.dec.PeekKind() == '"' {
		name, err := d.dec.ReadValue()
		if err != nil {
			return err
		}
		fd := rules.field(name)
		if fd == nil {
			if err := d.dec.SkipValue(); err != nil {
				return err
			}
			continue
		}
		if i := fd.Index(); i < 64 {
			if seen&(1<<i) != 0 {
				return at(string(fd.Name()), errors.New("given twice"))
			}
			seen |= 1 << i
		}
		if err := d.field(m, fd, depth); err != nil {
			return at(string(fd.Name()), err)
		}
	}
	if err := d.delim('}', "a JSON object"); err != nil {
		return err
	}
	return rules.check(m, depth)
}

// field reads the value of one member into fd of m.
func (d *decoder) field(m protoreflect.Message, fd protoreflect.FieldDescriptor, depth int) error {
	if d.dec.PeekKind() == 'n' {
		_, err := d.dec.ReadToken() // null: Pigello's unset
		return err
	}
	if o := fd.ContainingOneof(); o != nil && !o.IsSynthetic() && m.WhichOneof(o) != nil {
		return fmt.Errorf("a second member of oneof %s", o.Name())
	}
	switch {
	case fd.IsList() && fd.Message() != nil:
		return d.messages(m.Mutable(fd).List(), depth)
	case fd.IsList() || fd.IsMap():
		return d.viaProtojson(m, fd)
	case fd.Message() != nil:
		return d.messageValue(m.Mutable(fd).Message(), depth+1)
	case fd.Kind() == protoreflect.StringKind:
		t, err := d.token('"', "a string")
		if err != nil {
			return err
		}
		m.Set(fd, protoreflect.ValueOfString(t.String()))
		return nil
	case fd.Kind() == protoreflect.BoolKind:
		t, err := d.dec.ReadToken()
		if err != nil {
			return err
		}
		if k := t.Kind(); k != 't' && k != 'f' {
			return errors.New("not true or false")
		}
		m.Set(fd, protoreflect.ValueOfBool(t.Bool()))
		return nil
	}
	return d.viaProtojson(m, fd)
}

// messages reads a JSON array of messages into l; a null item is an empty
// message, since a proto list cannot hold a missing one.
func (d *decoder) messages(l protoreflect.List, depth int) error {
	if err := d.delim('[', "a JSON array"); err != nil {
		return err
	}
	for i := 0; d.dec.PeekKind() != ']'; i++ {
		item := l.NewElement()
		if d.dec.PeekKind() == 'n' {
			if _, err := d.dec.ReadToken(); err != nil {
				return err
			}
		} else if err := d.messageValue(item.Message(), depth+1); err != nil {
			return at("["+strconv.Itoa(i)+"]", err)
		}
		l.Append(item)
	}
	return d.delim(']', "a JSON array")
}

// messageValue reads one message value: a well-known type in its form
// (wellKnownValue), the contract's own messages as objects of their fields.
func (d *decoder) messageValue(m protoreflect.Message, depth int) error {
	if ok, err := wellKnownValue(d, m); ok {
		return err
	}
	return d.message(m, depth)
}

// viaProtojson lets protojson read the next value into fd of m: the kinds
// Pigello's objects rarely hold (numbers, enums, bytes, lists of scalars,
// maps) keep exactly protojson's rules.
func (d *decoder) viaProtojson(m protoreflect.Message, fd protoreflect.FieldDescriptor) error {
	raw, err := d.dec.ReadValue()
	if err != nil {
		return err
	}
	doc := make([]byte, 0, len(raw)+len(fd.Name())+4)
	doc = append(append(append(doc, `{"`...), fd.Name()...), `":`...)
	doc = append(append(doc, raw...), '}')
	one := m.New()
	if err := protojson.Unmarshal(doc, one.Interface()); err != nil {
		return err
	}
	if one.Has(fd) {
		m.Set(fd, one.Get(fd))
	}
	return nil
}

// delim reads the next token, which must be the delimiter want.
func (d *decoder) delim(want jsontext.Kind, what string) error {
	_, err := d.token(want, what)
	return err
}

// token reads the next token, which must be of kind want.
func (d *decoder) token(want jsontext.Kind, what string) (jsontext.Token, error) {
	t, err := d.dec.ReadToken()
	if err != nil {
		return t, err
	}
	if t.Kind() != want {
		return t, errors.New("not " + what)
	}
	return t, nil
}
