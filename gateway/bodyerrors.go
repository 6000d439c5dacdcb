package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// bodyViolations finds the fields of a JSON body that protojson refuses,
// reading each one on its own. Field paths start at the request field the
// body fills ("work_engagement.name"), as the RPCs' own violations do.
func bodyViolations(body []byte, rt *route) []*violation {
	md, prefix := rt.input, ""
	if rt.body != "*" {
		fd := rt.input.Fields().ByName(protoreflect.Name(rt.body))
		if fd == nil || fd.Message() == nil {
			return nil
		}
		md, prefix = fd.Message(), rt.body
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil // the gateway reads no body as an empty one
	}
	// The gateway's decoder reads the first JSON value; so does this.
	var raw json.RawMessage
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(&raw); err != nil {
		return []*violation{{Field: prefix, Description: "must be a JSON object; the body is not valid JSON"}}
	}
	return objectViolations(raw, md, prefix)
}

// objectViolations checks each key of the JSON object raw as a field of md.
func objectViolations(raw json.RawMessage, md protoreflect.MessageDescriptor, path string) []*violation {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		if string(raw) == "null" {
			return nil
		}
		return []*violation{{Field: path, Description: "must be a JSON object"}}
	}
	var out []*violation
	seen := map[protoreflect.FieldNumber]bool{}
	for dec.More() {
		tok, _ := dec.Token()
		key, _ := tok.(string)
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			break // raw is valid JSON: not reached
		}
		fd := fieldByKey(md, key)
		switch {
		case fd == nil:
			out = append(out, unknownField(md, path, key))
		case seen[fd.Number()]:
			out = append(out, &violation{Field: joinPath(path, string(fd.Name())), Description: "is given more than once"})
		default:
			seen[fd.Number()] = true
			out = append(out, valueViolations(md, fd, value, joinPath(path, string(fd.Name())))...)
		}
	}
	return out
}

// valueViolations checks one field's JSON value, descending into nested
// messages and lists to name the innermost field at fault.
func valueViolations(md protoreflect.MessageDescriptor, fd protoreflect.FieldDescriptor, value json.RawMessage, path string) []*violation {
	if decodes(md, fd, value) {
		return nil
	}
	switch {
	case fd.IsList() && startsWith(value, '['):
		return itemViolations(md, fd, value, path)
	case isPlainMessage(fd) && startsWith(value, '{'):
		if v := objectViolations(value, fd.Message(), path); len(v) > 0 {
			return v
		}
	case fd.IsList():
		return []*violation{{Field: path, Description: "must be " + kindOf(fd).plural}}
	}
	return []*violation{{Field: path, Description: "must be " + kindOf(fd).singular}}
}

// itemViolations names the first item of a JSON array that fd cannot hold.
func itemViolations(md protoreflect.MessageDescriptor, fd protoreflect.FieldDescriptor, value json.RawMessage, path string) []*violation {
	dec := json.NewDecoder(bytes.NewReader(value))
	_, _ = dec.Token() // [
	for i := 0; dec.More(); i++ {
		var item json.RawMessage
		if err := dec.Decode(&item); err != nil {
			break
		}
		if decodes(md, fd, append(append([]byte{'['}, item...), ']')) {
			continue
		}
		at := fmt.Sprintf("%s[%d]", path, i)
		if isPlainMessage(fd) && startsWith(item, '{') {
			if v := objectViolations(item, fd.Message(), at); len(v) > 0 {
				return v
			}
		}
		return []*violation{{Field: at, Description: "must be " + kindOf(fd).singular}}
	}
	return []*violation{{Field: path, Description: "must be " + kindOf(fd).plural}}
}

// decodes reports whether protojson accepts value as fd in an md.
func decodes(md protoreflect.MessageDescriptor, fd protoreflect.FieldDescriptor, value json.RawMessage) bool {
	doc := make([]byte, 0, len(value)+len(fd.JSONName())+5)
	doc = append(doc, `{"`...)
	doc = append(doc, fd.JSONName()...)
	doc = append(doc, `":`...)
	doc = append(doc, value...)
	doc = append(doc, '}')
	return protojson.Unmarshal(doc, newMessage(md)) == nil
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,99}$`)

// unknownField names a key md has no field for, and lists the keys it has.
// A key that could not be a field name is not repeated back.
func unknownField(md protoreflect.MessageDescriptor, path, key string) *violation {
	fields := md.Fields()
	names := make([]string, fields.Len())
	for i := range fields.Len() {
		names[i] = string(fields.Get(i).Name())
	}
	known := "; the fields are " + strings.Join(names, ", ")
	if !identifier.MatchString(key) {
		return &violation{Field: path, Description: "holds a key that is not a field name" + known}
	}
	return &violation{Field: joinPath(path, key), Description: "is not a field" + known}
}

// isPlainMessage reports whether fd holds a message read as a JSON object
// of its fields (not a map, and not a well-known type with its own JSON).
func isPlainMessage(fd protoreflect.FieldDescriptor) bool {
	return fd.Message() != nil && !fd.IsMap() && fd.Message().FullName().Parent() != "google.protobuf"
}

func startsWith(value json.RawMessage, c byte) bool {
	b := bytes.TrimSpace(value)
	return len(b) > 0 && b[0] == c
}

func joinPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}
