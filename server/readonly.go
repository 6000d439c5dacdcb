package server

import (
	"errors"
	"strings"

	"buf.build/go/protovalidate"
	"github.com/pigello-facade/pigello-facade/internal/schema"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// createCheck is how the requests of one create are validated. AIP-203
// says a request's output-only fields are ignored, and a create never
// sends them; but their rules would still refuse it, as WorkEngagement.id's
// string.uuid rule, which Get, Update and Delete need, refuses every
// create, whose id Pigello assigns. So options skips the rules of the
// created resource's read-only fields.
type createCheck struct {
	options  []protovalidate.ValidationOption
	field    protoreflect.FieldDescriptor // the request's resource field
	resource *schema.Resource
}

// createChecks maps the full method name ("/package.Service/Method") of
// each create the process links in to its createCheck.
func createChecks() map[string]*createCheck {
	checks := map[string]*createCheck{}
	protoregistry.GlobalFiles.RangeFiles(func(f protoreflect.FileDescriptor) bool {
		services := f.Services()
		for i := range services.Len() {
			methods := services.Get(i).Methods()
			for j := range methods.Len() {
				md := methods.Get(j)
				if fd := createdField(md); fd != nil {
					full := "/" + string(md.Parent().FullName()) + "/" + string(md.Name())
					checks[full] = &createCheck{
						options:  []protovalidate.ValidationOption{protovalidate.WithFilter(skipReadOnly(fd.Message()))},
						field:    fd,
						resource: schema.MustNew(fd.Message()),
					}
				}
			}
		}
		return true
	})
	return checks
}

// withMissing adds to err, the rules a create request broke, the REQUIRED
// fields it left unset, which the handler would refuse next (schema's
// Resource.Create), so that the caller hears every problem at once. err
// is returned as it is when c is nil (no create) or nothing is missing.
func (c *createCheck) withMissing(req proto.Message, err error) error {
	var ve *protovalidate.ValidationError
	if c == nil || !errors.As(err, &ve) || !req.ProtoReflect().Has(c.field) {
		return err // no create, or no resource at all: that is the error
	}
	resource := req.ProtoReflect().Get(c.field).Message()
	_, missing := c.resource.Create(resource)
	if len(missing) == 0 {
		return err
	}
	bad := &invalidArgumentError{violations: fromValidation(ve)}
	for _, v := range missing {
		bad.add(string(c.field.Name())+"."+v.Field, v.Description)
	}
	return bad
}

// createdField returns the request field holding the resource md creates,
// or nil when md is no create. A create is what AIP-133 says it is: a
// method named Create… whose google.api.http rule is a POST with the
// resource, a message field of the request, as its body.
func createdField(md protoreflect.MethodDescriptor) protoreflect.FieldDescriptor {
	rule, _ := proto.GetExtension(md.Options(), annotations.E_Http).(*annotations.HttpRule)
	if _, post := rule.GetPattern().(*annotations.HttpRule_Post); !post || !strings.HasPrefix(string(md.Name()), "Create") {
		return nil
	}
	fd := md.Input().Fields().ByName(protoreflect.Name(rule.GetBody()))
	if fd == nil || fd.Message() == nil || fd.IsList() || fd.IsMap() {
		return nil
	}
	return fd
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
