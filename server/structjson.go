package server

import (
	"encoding/json"
	"errors"
	"strconv"
	"unicode/utf8"

	"google.golang.org/protobuf/types/known/structpb"
)

// parseJSONValue turns one JSON value into a structpb.Value in one pass,
// with no map[string]any in between: the same values encoding/json and
// structpb.NewValue make (numbers as float64, a repeated key's last value,
// invalid UTF-8 as U+FFFD), in about a third of the allocations
// (BenchmarkToProto; FuzzParseJSONValue checks it against that pair).
// JSON null gives a Value holding NullValue. Anything after the value but
// whitespace is an error.
func parseJSONValue(b []byte) (*structpb.Value, error) {
	p := jsonParser{b: b}
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	if p.skipSpace(); p.i != len(p.b) {
		return nil, errSyntax
	}
	return v, nil
}

var errSyntax = errors.New("invalid JSON")

// maxJSONDepth matches encoding/json's nesting limit.
const maxJSONDepth = 10000

type jsonParser struct {
	b []byte
	i int
}

func (p *jsonParser) skipSpace() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) value(depth int) (*structpb.Value, error) {
	if depth > maxJSONDepth {
		return nil, errors.New("JSON nested too deeply")
	}
	p.skipSpace()
	if p.i >= len(p.b) {
		return nil, errSyntax
	}
	switch c := p.b[p.i]; {
	case c == '{':
		s, err := p.object(depth)
		if err != nil {
			return nil, err
		}
		return structpb.NewStructValue(s), nil
	case c == '[':
		return p.list(depth)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return structpb.NewStringValue(s), nil
	case p.literal("true"):
		return structpb.NewBoolValue(true), nil
	case p.literal("false"):
		return structpb.NewBoolValue(false), nil
	case p.literal("null"):
		return structpb.NewNullValue(), nil
	case c == '-' || ('0' <= c && c <= '9'):
		return p.number()
	}
	return nil, errSyntax
}

// literal consumes word if it comes next.
func (p *jsonParser) literal(word string) bool {
	if len(p.b)-p.i >= len(word) && string(p.b[p.i:p.i+len(word)]) == word {
		p.i += len(word)
		return true
	}
	return false
}

// object parses {...} at p.i; a nil Struct never results.
func (p *jsonParser) object(depth int) (*structpb.Struct, error) {
	p.i++ // {
	s := &structpb.Struct{Fields: map[string]*structpb.Value{}}
	if p.skipSpace(); p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return s, nil
	}
	for {
		if p.skipSpace(); p.i >= len(p.b) || p.b[p.i] != '"' {
			return nil, errSyntax
		}
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		if p.skipSpace(); p.i >= len(p.b) || p.b[p.i] != ':' {
			return nil, errSyntax
		}
		p.i++
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		s.Fields[key] = v
		if done, err := p.next('}'); done || err != nil {
			return s, err
		}
	}
}

func (p *jsonParser) list(depth int) (*structpb.Value, error) {
	p.i++ // [
	l := &structpb.ListValue{}
	if p.skipSpace(); p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return structpb.NewListValue(l), nil
	}
	for {
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		l.Values = append(l.Values, v)
		if done, err := p.next(']'); done || err != nil {
			return structpb.NewListValue(l), err
		}
	}
}

// next consumes a comma (more to come) or the closing byte (done).
func (p *jsonParser) next(closing byte) (done bool, err error) {
	if p.skipSpace(); p.i < len(p.b) {
		switch p.b[p.i] {
		case ',':
			p.i++
			return false, nil
		case closing:
			p.i++
			return true, nil
		}
	}
	return false, errSyntax
}

// str parses a string at p.i. One without escapes, control bytes or invalid
// UTF-8, the usual case, is sliced out; any other is left to encoding/json,
// so escapes and invalid bytes come out exactly as elsewhere.
func (p *jsonParser) str() (string, error) {
	start := p.i
	p.i++ // "
	plain := true
	for ; p.i < len(p.b); p.i++ {
		switch c := p.b[p.i]; {
		case c == '"':
			p.i++
			raw := p.b[start:p.i]
			if plain && utf8.Valid(raw) {
				return string(raw[1 : len(raw)-1]), nil
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return "", err
			}
			return s, nil
		case c == '\\':
			plain = false
			p.i++ // the escaped byte cannot end the string
		case c < 0x20:
			return "", errSyntax
		}
	}
	return "", errSyntax
}

// number parses a JSON number as strconv.ParseFloat reads it, after
// checking its grammar, which ParseFloat alone is laxer about ("0x1p3",
// "Inf", "1_000", a leading "+" or zero).
func (p *jsonParser) number() (*structpb.Value, error) {
	start := p.i
	if p.b[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.b) && p.b[p.i] == '0':
		p.i++
	case p.digits() == 0:
		return nil, errSyntax
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if p.digits() == 0 {
			return nil, errSyntax
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if p.digits() == 0 {
			return nil, errSyntax
		}
	}
	f, err := strconv.ParseFloat(string(p.b[start:p.i]), 64)
	if err != nil {
		// Out of float64's range: encoding/json refuses it too.
		return nil, err
	}
	return structpb.NewNumberValue(f), nil
}

func (p *jsonParser) digits() int {
	n := 0
	for p.i < len(p.b) && '0' <= p.b[p.i] && p.b[p.i] <= '9' {
		p.i++
		n++
	}
	return n
}
