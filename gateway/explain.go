package gateway

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
)

type violation = errdetails.BadRequest_FieldViolation

// explain names what is wrong with a request the gateway refused to parse.
// grpc-gateway's generated handlers report a bad query parameter or body
// only as the parser's text, so the request is read again here one query
// parameter and one body field at a time, with the same parsers, to find
// the ones that fail.
func (rs *routes) explain(r *http.Request) []*violation {
	rt := rs.match(r.Method, r.URL)
	if rt == nil {
		return nil
	}
	v := queryViolations(r.URL.RawQuery, rt)
	if body, ok := keptBody(r.Context()); ok && rt.body != "" {
		v = append(v, bodyViolations(body, rt)...)
	}
	return v
}

// queryViolations checks each query parameter on its own, as
// runtime.PopulateQueryParameters reads it.
func queryViolations(rawQuery string, rt *route) []*violation {
	var out []*violation
	values := url.Values{}
	for pair := range strings.SplitSeq(rawQuery, "&") {
		if pair == "" {
			continue
		}
		rawKey, rawValue, _ := strings.Cut(pair, "=")
		key, keyErr := url.QueryUnescape(rawKey)
		value, valueErr := url.QueryUnescape(rawValue)
		switch {
		case keyErr != nil || strings.Contains(rawKey, ";"):
			out = append(out, &violation{Description: "the query string is not URL-encoded correctly"})
		case valueErr != nil || strings.Contains(rawValue, ";"):
			out = append(out, &violation{Field: fieldPath(rt.input, key), Description: "is not URL-encoded correctly"})
		default:
			values[key] = append(values[key], value)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(values)) {
		one := url.Values{key: values[key]}
		if err := runtime.PopulateQueryParameters(newMessage(rt.input), one, rt.notQuery); err != nil {
			out = append(out, &violation{Field: fieldPath(rt.input, key), Description: queryRule(rt.input, key, len(values[key]))})
		}
	}
	return out
}

// queryRule says what a query parameter must be.
func queryRule(md protoreflect.MessageDescriptor, key string, n int) string {
	fd := fieldAt(md, key)
	switch {
	case fd == nil:
		return "could not be read"
	case n > 1 && !fd.IsList():
		return "must be given once"
	case fd.IsList():
		return "must be " + kindOf(fd).plural
	}
	return "must be " + kindOf(fd).singular
}

// fieldPath is a query parameter's field as a path of proto names
// ("allowMissing" is allow_missing), or the key as given if it names none.
func fieldPath(md protoreflect.MessageDescriptor, key string) string {
	var names []string
	for seg := range strings.SplitSeq(key, ".") {
		fd := fieldByKey(md, seg)
		if fd == nil {
			return key
		}
		names = append(names, string(fd.Name()))
		md = fd.Message()
	}
	return strings.Join(names, ".")
}

// fieldAt returns the field a dotted query key names, or nil.
func fieldAt(md protoreflect.MessageDescriptor, key string) protoreflect.FieldDescriptor {
	var fd protoreflect.FieldDescriptor
	for seg := range strings.SplitSeq(key, ".") {
		if md == nil {
			return nil
		}
		if fd = fieldByKey(md, seg); fd == nil {
			return nil
		}
		md = fd.Message()
	}
	return fd
}

// fieldByKey finds a field by its JSON name or its proto name, the two
// spellings protojson and the query parser accept.
func fieldByKey(md protoreflect.MessageDescriptor, key string) protoreflect.FieldDescriptor {
	if md == nil {
		return nil
	}
	if fd := md.Fields().ByJSONName(key); fd != nil {
		return fd
	}
	return md.Fields().ByName(protoreflect.Name(key))
}

// newMessage returns an empty message of md's type: the generated one when
// it is linked in, so parsers see exactly what the gateway's handlers see.
func newMessage(md protoreflect.MessageDescriptor) protoreflect.ProtoMessage {
	if mt, err := protoregistry.GlobalTypes.FindMessageByName(md.FullName()); err == nil {
		return mt.New().Interface()
	}
	return dynamicpb.NewMessage(md)
}
