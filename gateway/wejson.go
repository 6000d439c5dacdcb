package gateway

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// appendWorkEngagement writes we as marshaler does, in Pigello's JSON form:
// every field by its proto name, null for what is unset. It is what the
// REST gateway answers most, so it is written out field by field: protojson
// walks the message by reflection, at about 8% of a REST call's CPU
// (bench/README.md). FuzzWorkEngagementJSON checks it against protojson
// and nullOptionals; TestWorkEngagementFields fails when the message gains a
// field this does not write.
//
// It reports errNotEncodable for what protojson would refuse (invalid
// UTF-8, a Value with no kind, a number that is not finite, a timestamp out
// of range); the caller then lets protojson say why.
func appendWorkEngagement(b []byte, we *accountsv1.WorkEngagement) ([]byte, error) {
	e := weEncoder{b: b}
	e.raw(`{"id":`)
	e.str(we.GetId())
	e.raw(`,"name":`)
	e.str(we.GetName())
	e.raw(`,"organization":`)
	if org := we.GetOrganization(); org != nil {
		e.raw(`{"id":`)
		e.str(org.GetId())
		e.raw(`}`)
	} else {
		e.raw(`null`)
	}
	e.raw(`,"custom_id":`)
	e.optional(we.CustomId)
	e.raw(`,"color_code":`)
	e.optional(we.ColorCode)
	e.raw(`,"template_notifications":`)
	e.structs(we.GetTemplateNotifications())
	e.raw(`,"template_sms_notifications":`)
	e.structs(we.GetTemplateSmsNotifications())
	e.raw(`,"template_email_notifications":`)
	e.structs(we.GetTemplateEmailNotifications())
	e.raw(`,"tags":`)
	e.valueOrNull(we.GetTags())
	e.raw(`,"customer_columns":`)
	e.valueOrNull(we.GetCustomerColumns())
	e.raw(`,"created_at":`)
	e.timestamp(we.GetCreatedAt())
	e.raw(`}`)
	return e.b, e.err
}

var errNotEncodable = errors.New("gateway: not encodable without protojson")

type weEncoder struct {
	b   []byte
	err error
}

func (e *weEncoder) raw(s string) { e.b = append(e.b, s...) }

func (e *weEncoder) fail() { e.err = errNotEncodable }

func (e *weEncoder) optional(s *string) {
	if s == nil {
		e.raw(`null`)
		return
	}
	e.str(*s)
}

func (e *weEncoder) structs(items []*structpb.Struct) {
	e.raw(`[`)
	for i, s := range items {
		if i > 0 {
			e.raw(`,`)
		}
		e.object(s)
	}
	e.raw(`]`)
}

func (e *weEncoder) valueOrNull(v *structpb.Value) {
	if v == nil {
		e.raw(`null`)
		return
	}
	e.value(v)
}

// object writes a Struct with its keys sorted, as protojson does.
func (e *weEncoder) object(s *structpb.Struct) {
	fields := s.GetFields()
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.raw(`{`)
	for i, k := range keys {
		if i > 0 {
			e.raw(`,`)
		}
		e.str(k)
		e.raw(`:`)
		if fields[k] == nil {
			e.fail() // protojson refuses a nil Value too
			return
		}
		e.value(fields[k])
	}
	e.raw(`}`)
}

func (e *weEncoder) value(v *structpb.Value) {
	switch k := v.GetKind().(type) {
	case *structpb.Value_NullValue:
		e.raw(`null`)
	case *structpb.Value_BoolValue:
		e.b = strconv.AppendBool(e.b, k.BoolValue)
	case *structpb.Value_NumberValue:
		e.number(k.NumberValue)
	case *structpb.Value_StringValue:
		e.str(k.StringValue)
	case *structpb.Value_StructValue:
		e.object(k.StructValue)
	case *structpb.Value_ListValue:
		e.raw(`[`)
		for i, item := range k.ListValue.GetValues() {
			if i > 0 {
				e.raw(`,`)
			}
			e.value(item)
		}
		e.raw(`]`)
	default:
		e.fail()
	}
}

// number formats as encoding/json and protojson do: the shortest
// representation, with an exponent only for very small or large values.
func (e *weEncoder) number(f float64) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		e.fail()
		return
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
}

// timestamp writes RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits, as
// protojson does; a nil one is null.
func (e *weEncoder) timestamp(ts *timestamppb.Timestamp) {
	if ts == nil {
		e.raw(`null`)
		return
	}
	const minSeconds, maxSeconds = -62135596800, 253402300799 // years 1 to 9999
	secs, nanos := ts.GetSeconds(), ts.GetNanos()
	if secs < minSeconds || secs > maxSeconds || nanos < 0 || nanos >= 1e9 { // protojson's bounds
		e.fail()
		return
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
	e.raw(`"`)
	e.b = time.Unix(secs, int64(nanos)).UTC().AppendFormat(e.b, layout)
	e.raw(`"`)
}

// str writes a JSON string; invalid UTF-8, which protojson refuses, fails.
func (e *weEncoder) str(s string) {
	e.b = append(e.b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				e.fail()
				return
			}
			i += size
			continue
		}
		if c >= 0x20 && c != '"' && c != '\\' {
			i++
			continue
		}
		e.b = append(e.b, s[start:i]...)
		switch c {
		case '"', '\\':
			e.b = append(e.b, '\\', c)
		case '\n':
			e.b = append(e.b, `\n`...)
		case '\r':
			e.b = append(e.b, `\r`...)
		case '\t':
			e.b = append(e.b, `\t`...)
		default:
			e.b = append(e.b, `\u00`...)
			e.b = append(e.b, hex[c>>4], hex[c&0xf])
		}
		i++
		start = i
	}
	e.b = append(e.b, s[start:]...)
	e.b = append(e.b, '"')
}

const hex = "0123456789abcdef"
