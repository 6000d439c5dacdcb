package schema

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// The well-known types Pigello's objects hold, read and written as protojson
// reads and writes them: google.protobuf.Struct, Value and ListValue as any
// JSON, Timestamp as RFC 3339. FuzzUnmarshal and FuzzMarshal compare.

// wellKnownCodec reads (decoder) or writes (encoder) the JSON of each
// well-known type; wellKnownValue says which type takes which form.
type wellKnownCodec interface {
	object(*structpb.Struct) error
	list(*structpb.ListValue) error
	value(*structpb.Value) error
	timestamp(*timestamppb.Timestamp) error
	// viaProtojsonMessage handles any other well-known type as protojson does.
	viaProtojsonMessage(proto.Message) error
}

// wellKnownValue hands m to c in its form: Struct, Value and ListValue as
// any JSON, a Timestamp as RFC 3339, other well-known types by protojson.
// It reports false, doing nothing, for the contract's own messages, which
// are objects of their fields.
func wellKnownValue(c wellKnownCodec, m protoreflect.Message) (bool, error) {
	switch x := m.Interface().(type) {
	case *structpb.Struct:
		return true, c.object(x)
	case *structpb.ListValue:
		return true, c.list(x)
	case *structpb.Value:
		return true, c.value(x)
	case *timestamppb.Timestamp:
		return true, c.timestamp(x)
	}
	if wellKnown(m.Descriptor()) {
		return true, c.viaProtojsonMessage(m.Interface())
	}
	return false, nil
}

// readTimestamp reads an RFC 3339 timestamp into ts by protojson's rules:
// a time zone is required, at most nine fractional digits, years 1 to 9999.
func readTimestamp(s string, ts *timestamppb.Timestamp) error {
	const minSeconds, maxSeconds = -62135596800, 253402300799 // 0001-01-01, 9999-12-31
	t, err := time.Parse(time.RFC3339Nano, s)
	frac, zone := strings.LastIndexByte(s, '.'), strings.LastIndexAny(s, "Z-+")
	switch {
	case err != nil, t.Unix() < minSeconds, t.Unix() > maxSeconds,
		frac >= 0 && zone >= frac && zone-frac > len(".999999999"):
		return fmt.Errorf("%q is not an RFC 3339 timestamp", s)
	}
	ts.Seconds, ts.Nanos = t.Unix(), int32(t.Nanosecond())
	return nil
}

// timestamp reads an RFC 3339 string into ts.
func (d *decoder) timestamp(ts *timestamppb.Timestamp) error {
	t, err := d.token('"', "an RFC 3339 timestamp")
	if err != nil {
		return err
	}
	return readTimestamp(t.String(), ts)
}

// viaProtojsonMessage lets protojson read the next value into m.
func (d *decoder) viaProtojsonMessage(m proto.Message) error {
	raw, err := d.dec.ReadValue()
	if err != nil {
		return err
	}
	return protojson.Unmarshal(raw, m)
}

// value reads any JSON value into v.
func (d *decoder) value(v *structpb.Value) error {
	switch d.dec.PeekKind() {
	case '{':
		s := &structpb.Struct{}
		v.Kind = &structpb.Value_StructValue{StructValue: s}
		return d.object(s)
	case '[':
		l := &structpb.ListValue{}
		v.Kind = &structpb.Value_ListValue{ListValue: l}
		return d.list(l)
	}
	t, err := d.dec.ReadToken()
	if err != nil {
		return err
	}
	switch t.Kind() {
	case 'n':
		v.Kind = &structpb.Value_NullValue{}
	case 't', 'f':
		v.Kind = &structpb.Value_BoolValue{BoolValue: t.Bool()}
	case '"':
		v.Kind = &structpb.Value_StringValue{StringValue: t.String()}
	default:
		// A number: out of float64's range is refused, as by protojson.
		f, err := strconv.ParseFloat(t.String(), 64)
		if err != nil {
			return fmt.Errorf("number %s out of range", t.String())
		}
		v.Kind = &structpb.Value_NumberValue{NumberValue: f}
	}
	return nil
}

// object reads a JSON object into s.
func (d *decoder) object(s *structpb.Struct) error {
	if err := d.delim('{', "a JSON object"); err != nil {
		return err
	}
	s.Fields = map[string]*structpb.Value{}
	for d.dec.PeekKind() == '"' {
		name, err := d.dec.ReadToken()
		if err != nil {
			return err
		}
		key := name.String()
		if _, dup := s.Fields[key]; dup {
			return fmt.Errorf("key %q given twice", key)
		}
		v := &structpb.Value{}
		if err := d.value(v); err != nil {
			return err
		}
		s.Fields[key] = v
	}
	return d.delim('}', "a JSON object")
}

// list reads a JSON array into l.
func (d *decoder) list(l *structpb.ListValue) error {
	if err := d.delim('[', "a JSON array"); err != nil {
		return err
	}
	for d.dec.PeekKind() != ']' {
		v := &structpb.Value{}
		if err := d.value(v); err != nil {
			return err
		}
		l.Values = append(l.Values, v)
	}
	return d.delim(']', "a JSON array")
}

// object writes a Struct with its keys sorted, as protojson does.
func (e *encoder) object(s *structpb.Struct) error {
	keys := make([]string, 0, len(s.GetFields()))
	for k := range s.GetFields() {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.b = append(e.b, '{')
	for i, k := range keys {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		if err := e.str(k); err != nil {
			return err
		}
		e.b = append(e.b, ':')
		if err := e.value(s.GetFields()[k]); err != nil {
			return at(k, err)
		}
	}
	e.b = append(e.b, '}')
	return nil
}

// list writes the JSON array a ListValue holds.
func (e *encoder) list(l *structpb.ListValue) error {
	e.b = append(e.b, '[')
	for i, v := range l.GetValues() {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		if err := e.value(v); err != nil {
			return at("["+strconv.Itoa(i)+"]", err)
		}
	}
	e.b = append(e.b, ']')
	return nil
}

// value writes any JSON a Value holds; one without a kind, or a number
// JSON cannot hold, is refused, as protojson refuses them.
func (e *encoder) value(v *structpb.Value) error {
	switch k := v.GetKind().(type) {
	case *structpb.Value_NullValue:
		e.b = append(e.b, "null"...)
	case *structpb.Value_BoolValue:
		e.b = strconv.AppendBool(e.b, k.BoolValue)
	case *structpb.Value_NumberValue:
		return e.number(k.NumberValue)
	case *structpb.Value_StringValue:
		return e.str(k.StringValue)
	case *structpb.Value_StructValue:
		return e.object(k.StructValue)
	case *structpb.Value_ListValue:
		return e.list(k.ListValue)
	default:
		return errors.New("a google.protobuf.Value without a value")
	}
	return nil
}

// number writes f as protojson and encoding/json do: the shortest form,
// with an exponent only for very small or large values.
func (e *encoder) number(f float64) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("%v is not a JSON number", f)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	e.b = strconv.AppendFloat(e.b, f, format, -1, 64)
	if n := len(e.b); format == 'e' && n >= 4 && e.b[n-4] == 'e' && e.b[n-3] == '-' && e.b[n-2] == '0' {
		e.b[n-2] = e.b[n-1] // e-07 → e-7
		e.b = e.b[:n-1]
	}
	return nil
}

// timestamp writes RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits, as
// protojson does, within its range of years 1 to 9999.
func (e *encoder) timestamp(ts *timestamppb.Timestamp) error {
	const minSeconds, maxSeconds = -62135596800, 253402300799
	secs, nanos := ts.GetSeconds(), ts.GetNanos()
	if secs < minSeconds || secs > maxSeconds || nanos < 0 || nanos >= 1e9 {
		return fmt.Errorf("timestamp %ds %dns out of range", secs, nanos)
	}
	layout := "2006-01-02T15:04:05.000000000Z"
	switch {
	case nanos == 0:
		layout = "2006-01-02T15:04:05Z"
	case nanos%1e6 == 0:
		layout = "2006-01-02T15:04:05.000Z"
	case nanos%1e3 == 0:
		layout = "2006-01-02T15:04:05.000000Z"
	}
	e.b = append(e.b, '"')
	e.b = time.Unix(secs, int64(nanos)).UTC().AppendFormat(e.b, layout)
	e.b = append(e.b, '"')
	return nil
}

// viaProtojsonMessage writes m as protojson does.
func (e *encoder) viaProtojsonMessage(m proto.Message) error {
	b, err := protojson.Marshal(m)
	if err != nil {
		return err
	}
	return e.raw(b)
}

// str writes a JSON string; invalid UTF-8 is refused, as protojson does.
func (e *encoder) str(s string) error {
	b, err := jsontext.AppendQuote(e.b, s)
	if err != nil {
		return err
	}
	e.b = b
	return nil
}
