package gateway

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/grpc-ecosystem/grpc-gateway/v2/utilities"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// route is one google.api.http binding of an RPC: what the gateway serves
// at a method and path template.
type route struct {
	method   string
	template string
	// body is the request field the JSON body fills ("*" for the whole
	// request), "" when the route takes no body.
	body  string
	input protoreflect.MessageDescriptor
	// notQuery are the fields the path and the body fill, which the
	// gateway's query parser leaves alone.
	notQuery *utilities.DoubleArray
}

// routes knows the REST routes of a service from its proto's
// google.api.http rules, the same rules the gateway's generated handlers
// come from. It matches requests with a grpc-gateway ServeMux of its own,
// so a path means here exactly what it means to the gateway.
type routes struct {
	all     []*route
	methods []string // every method some route serves, in the rules' order
	mux     *runtime.ServeMux
}

// serviceRoutes returns the routes of the named service, whose descriptor
// its generated package registered.
func serviceRoutes(name string) (*routes, error) {
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(name))
	sd, ok := d.(protoreflect.ServiceDescriptor)
	if err != nil || !ok {
		return nil, fmt.Errorf("gateway: service %s is not registered", name)
	}
	return newRoutes(sd)
}

// matching returns the options that decide which route a request takes,
// shared by the gateway's ServeMux and the one routes matches with.
func matching() []runtime.ServeMuxOption {
	return []runtime.ServeMuxOption{
		// An escaped slash in a path variable stays in the variable ("a%2Fb"
		// is an id, and an invalid one) rather than splitting the path.
		runtime.WithUnescapingMode(runtime.UnescapingModeAllExceptReserved),
		// A POST of a form is not a GET: without this the gateway serves it
		// as one (its fallback for long query strings).
		runtime.WithDisablePathLengthFallback(),
	}
}

func newRoutes(sd protoreflect.ServiceDescriptor) (*routes, error) {
	rs := &routes{mux: runtime.NewServeMux(append([]runtime.ServeMuxOption{
		runtime.WithRoutingErrorHandler(ignoreRoutingError),
		runtime.WithErrorHandler(ignoreError),
	}, matching()...)...)}
	methods := sd.Methods()
	for i := range methods.Len() {
		md := methods.Get(i)
		rule, _ := proto.GetExtension(md.Options(), annotations.E_Http).(*annotations.HttpRule)
		if rule == nil {
			continue
		}
		for _, r := range append([]*annotations.HttpRule{rule}, rule.GetAdditionalBindings()...) {
			if err := rs.add(md, r); err != nil {
				return nil, fmt.Errorf("gateway: route of %s: %w", md.FullName(), err)
			}
		}
	}
	return rs, nil
}

func (rs *routes) add(md protoreflect.MethodDescriptor, rule *annotations.HttpRule) error {
	method, template := httpBinding(rule)
	rt := &route{method: method, template: template, body: rule.GetBody(), input: md.Input()}
	rt.notQuery = notQueryFields(rt)
	err := rs.mux.HandlePath(method, template, func(w http.ResponseWriter, _ *http.Request, _ map[string]string) {
		if p, ok := w.(*probe); ok {
			p.route = rt
		}
	})
	if err != nil {
		return err
	}
	rs.all = append(rs.all, rt)
	if !slices.Contains(rs.methods, method) {
		rs.methods = append(rs.methods, method)
	}
	return nil
}

// httpBinding returns the method and path template of rule.
func httpBinding(rule *annotations.HttpRule) (method, template string) {
	switch p := rule.GetPattern().(type) {
	case *annotations.HttpRule_Get:
		return http.MethodGet, p.Get
	case *annotations.HttpRule_Put:
		return http.MethodPut, p.Put
	case *annotations.HttpRule_Post:
		return http.MethodPost, p.Post
	case *annotations.HttpRule_Delete:
		return http.MethodDelete, p.Delete
	case *annotations.HttpRule_Patch:
		return http.MethodPatch, p.Patch
	case *annotations.HttpRule_Custom:
		return p.Custom.GetKind(), p.Custom.GetPath()
	}
	return "", ""
}

var pathVariable = regexp.MustCompile(`\{([^}=]+)`)

// notQueryFields is the filter the generated handler gives the query
// parser: the path's variables and the body's field.
func notQueryFields(rt *route) *utilities.DoubleArray {
	var seqs [][]string
	for _, m := range pathVariable.FindAllStringSubmatch(rt.template, -1) {
		seqs = append(seqs, strings.Split(m[1], "."))
	}
	if rt.body != "" && rt.body != "*" {
		seqs = append(seqs, strings.Split(rt.body, "."))
	}
	return utilities.NewDoubleArray(seqs)
}

// match returns the route that serves method at u's path, or nil.
func (rs *routes) match(method string, u *url.URL) *route {
	p := &probe{}
	rs.mux.ServeHTTP(p, &http.Request{Method: method, URL: u, Header: http.Header{}})
	return p.route
}

// allowed lists the methods some route serves at u's path, for a 405's
// Allow header.
func (rs *routes) allowed(u *url.URL) []string {
	var out []string
	for _, m := range rs.methods {
		if rs.match(m, u) != nil {
			out = append(out, m)
		}
	}
	return out
}

// ignoreRoutingError and ignoreError leave a probe that matches no route
// untouched: it is only asked which route matches.
func ignoreRoutingError(context.Context, *runtime.ServeMux, runtime.Marshaler, http.ResponseWriter, *http.Request, int) {
}

func ignoreError(context.Context, *runtime.ServeMux, runtime.Marshaler, http.ResponseWriter, *http.Request, error) {
}

// probe is the ResponseWriter of a match: the matching route's handler
// notes itself in it, and nothing is written.
type probe struct {
	route  *route
	header http.Header
}

func (p *probe) Header() http.Header {
	if p.header == nil {
		p.header = http.Header{}
	}
	return p.header
}

func (p *probe) Write(b []byte) (int, error) { return len(b), nil }

func (p *probe) WriteHeader(int) {}
