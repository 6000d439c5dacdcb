package server

import (
	"strings"

	"buf.build/go/protovalidate"
	"github.com/pigello-facade/pigello-facade/internal/schema"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// createOptions maps the full method name ("/package.Service/Method") of
// each create the process links in to the protovalidate options its
// requests are checked with: the rules of the created resource's read-only
// fields are skipped. AIP-203 says a request's output-only fields are
// ignored, and a create never sends them; but their rules would still
// refuse it, as WorkEngagement.id's string.uuid rule, which Get, Update and
// Delete need, refuses every create, whose id Pigello assigns.
func createOptions() map[string][]protovalidate.ValidationOption {
	options := map[string][]protovalidate.ValidationOption{}
	protoregistry.GlobalFiles.RangeFiles(func(f protoreflect.FileDescriptor) bool {
		services := f.Services()
		for i := range services.Len() {
			methods := services.Get(i).Methods()
			for j := range methods.Len() {
				md := methods.Get(j)
				if resource := createdResource(md); resource != nil {
					full := "/" + string(md.Parent().FullName()) + "/" + string(md.Name())
					options[full] = []protovalidate.ValidationOption{protovalidate.WithFilter(skipReadOnly(resource))}
				}
			}
		}
		return true
	})
	return options
}

// createdResource returns the resource md creates, or nil when md is no
// create. A create is what AIP-133 says it is: a method named Create…
// whose google.api.http rule is a POST with the resource, a message field
// of the request, as its body.
func createdResource(md protoreflect.MethodDescriptor) protoreflect.MessageDescriptor {
	rule, _ := proto.GetExtension(md.Options(), annotations.E_Http).(*annotations.HttpRule)
	if _, post := rule.GetPattern().(*annotations.HttpRule_Post); !post || !strings.HasPrefix(string(md.Name()), "Create") {
		return nil
	}
	fd := md.Input().Fields().ByName(protoreflect.Name(rule.GetBody()))
	if fd == nil || fd.Message() == nil || fd.IsList() || fd.IsMap() {
		return nil
	}
	return fd.Message()
}

// readOnlyFields is a protovalidate.Filter that skips the fields it holds,
// by full name, and checks everything else.
type readOnlyFields map[protoreflect.FullName]bool

// skipReadOnly returns the filter skipping the read-only fields of
// resource, as schema.ReadOnly tells them from the field behaviors.
func skipReadOnly(resource protoreflect.MessageDescriptor) readOnlyFields {
	skip := readOnlyFields{}
	fields := resource.Fields()
	for i := range fields.Len() {
		if fd := fields.Get(i); schema.ReadOnly(fd) {
			skip[fd.FullName()] = true
		}
	}
	return skip
}

// ShouldValidate implements protovalidate.Filter.
func (f readOnlyFields) ShouldValidate(_ protoreflect.Message, d protoreflect.Descriptor) bool {
	return !f[d.FullName()]
}
