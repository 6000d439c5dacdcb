package gateway

import (
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// kind is what a field holds in JSON, for a violation's description:
// singular for a value ("must be a string"), plural for a list of them
// ("must be a JSON array of strings").
type kind struct{ singular, plural string }

// kindOf describes the JSON protojson reads for fd (for a list, its items).
func kindOf(fd protoreflect.FieldDescriptor) kind {
	if fd.IsMap() {
		return kind{"a JSON object", "a JSON array of JSON objects"}
	}
	var k kind
	switch fd.Kind() {
	case protoreflect.StringKind:
		k = kind{"a string", "strings"}
	case protoreflect.BoolKind:
		k = kind{"true or false", "true or false values"}
	case protoreflect.BytesKind:
		k = kind{"base64 text", "base64 texts"}
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		k = kind{"a number", "numbers"}
	case protoreflect.EnumKind:
		k = enumKind(fd.Enum())
	case protoreflect.MessageKind, protoreflect.GroupKind:
		k = messageKind(fd.Message())
	default:
		k = kind{"an integer", "integers"}
	}
	k.plural = "a JSON array of " + k.plural
	return k
}

func enumKind(ed protoreflect.EnumDescriptor) kind {
	values := ed.Values()
	names := make([]string, values.Len())
	for i := range values.Len() {
		names[i] = string(values.Get(i).Name())
	}
	list := strings.Join(names, ", ")
	return kind{"one of " + list, "names from " + list}
}

// messageKind covers the well-known types protojson gives their own JSON.
func messageKind(md protoreflect.MessageDescriptor) kind {
	switch md.FullName() {
	case "google.protobuf.Timestamp":
		return kind{`an RFC 3339 timestamp such as "2024-01-15T09:30:00Z"`, "RFC 3339 timestamps"}
	case "google.protobuf.Duration":
		return kind{`a duration in seconds such as "1.5s"`, "durations"}
	case "google.protobuf.FieldMask":
		return kind{"a comma-separated list of field paths", "field masks"}
	case "google.protobuf.Value":
		return kind{"any JSON value", "JSON values"}
	case "google.protobuf.ListValue":
		return kind{"a JSON array", "JSON arrays"}
	}
	// The wrappers (google.protobuf.StringValue, ...) read as their value.
	if value := md.Fields().ByName("value"); md.FullName().Parent() == "google.protobuf" && value != nil && md.Fields().Len() == 1 {
		k := kindOf(value)
		return kind{k.singular, strings.TrimPrefix(k.plural, "a JSON array of ")}
	}
	return kind{"a JSON object", "JSON objects"}
}
