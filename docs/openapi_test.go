package docs

import (
	"slices"
	"strconv"
	"testing"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"github.com/getkin/kin-openapi/openapi3"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// loadOpenAPI returns the embedded description, loaded and validated by
// kin-openapi.
func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	body, err := embedded.ReadFile(openAPIFile)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(body)
	if err != nil {
		t.Fatalf("load %s: %v", openAPIFile, err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatalf("%s is not valid OpenAPI: %v", openAPIFile, err)
	}
	return doc
}

// TestOpenAPIShapes checks the REST face as the gateway serves it.
func TestOpenAPIShapes(t *testing.T) {
	doc := loadOpenAPI(t)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	item := doc.Paths.Value("/v1/workEngagements/{id}")
	if doc.Paths.Len() != 2 || item == nil || len(item.Operations()) != 3 || item.Get == nil || item.Patch == nil || item.Delete == nil {
		t.Fatalf("paths = %v, want GET, PATCH and DELETE on /v1/workEngagements/{id}", doc.Paths.InMatchingOrder())
	}
	if coll := doc.Paths.Value("/v1/workEngagements"); coll == nil || len(coll.Operations()) != 2 || coll.Post == nil || coll.Get == nil {
		t.Fatalf("paths = %v, want POST and GET on /v1/workEngagements", doc.Paths.InMatchingOrder())
	}
	body := item.Patch.RequestBody.Value.Content.Get("application/json").Schema.Value
	if color := body.Properties["color_code"]; color == nil || !color.Value.Type.Includes("string") {
		t.Errorf("PATCH body = %+v, want the work engagement with snake_case fields", body)
	}
	if len(body.Required) != 0 {
		t.Errorf("PATCH body requires %q, want nothing: an update is partial", body.Required)
	}
	if p := item.Patch.Parameters.GetByInAndName("query", "update_mask"); p == nil {
		t.Error("PATCH has no update_mask query parameter")
	}
	if p := item.Delete.Parameters.GetByInAndName("query", "allow_missing"); p == nil || !p.Schema.Value.Type.Is("boolean") {
		t.Errorf("DELETE allow_missing = %+v, want a boolean query parameter", p)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == "" {
				t.Errorf("%s %s has no operationId", method, path)
			}
			for _, code := range []string{"400", "401", "403", "404", "409", "429", "500", "503", "504", "default"} {
				r := op.Responses.Value(code)
				if r == nil || r.Value.Content.Get("application/json") == nil || r.Value.Content.Get("application/json").Schema.Ref != "#/components/schemas/Status" {
					t.Errorf("%s %s response %s = %+v, want a google.rpc.Status", method, path, code, r)
				}
			}
		}
	}
	bearer := doc.Components.SecuritySchemes["bearer"]
	if bearer == nil || bearer.Value.Type != "apiKey" || bearer.Value.In != "header" || bearer.Value.Name != "Authorization" {
		t.Errorf("security scheme bearer = %+v, want the Authorization header", bearer)
	}
	if !slices.ContainsFunc(doc.Security, func(r openapi3.SecurityRequirement) bool { return len(r) == 0 }) {
		t.Errorf("security = %v, want anonymous calls allowed ({})", doc.Security)
	}
}

// TestOpenAPIPatchExample checks that the update /docs pre-fills changes one
// field and says so in its mask: an example of every field overwrote them
// all (the three template lists became [{}]).
func TestOpenAPIPatchExample(t *testing.T) {
	patch := loadOpenAPI(t).Paths.Value("/v1/workEngagements/{id}").Patch
	media := patch.RequestBody.Value.Content.Get("application/json")
	example, ok := media.Example.(map[string]any)
	if !ok || len(example) != 1 {
		t.Fatalf("PATCH body example = %#v, want an object with one field", media.Example)
	}
	mask := patch.Parameters.GetByInAndName("query", "update_mask")
	for field := range example {
		if mask == nil || mask.Example != field {
			t.Errorf("update_mask example = %#v, want %q, the one field the body example sets", mask, field)
		}
		if prop := media.Schema.Value.Properties[field]; prop == nil || prop.Value.ReadOnly {
			t.Errorf("PATCH body example sets %q, want a writable field", field)
		}
	}
	if err := media.Schema.Value.VisitJSON(example, openapi3.EnableJSONSchema2020()); err != nil {
		t.Errorf("PATCH body example does not match the body's schema: %v", err)
	}
}

// TestOpenAPIConstraints checks that the description carries every
// buf.validate rule of a string or int32 that JSON Schema can state, in
// the schemas and in the query and path parameters: internal/cmd/openapiv3
// derives them from the proto's rules.
func TestOpenAPIConstraints(t *testing.T) {
	doc := loadOpenAPI(t)
	item := doc.Paths.Value("/v1/workEngagements/{id}")
	collection := doc.Paths.Value("/v1/workEngagements")
	for _, tt := range []struct {
		msg    proto.Message
		fields map[string]*openapi3.Schema
	}{
		{&accountsv1.WorkEngagement{}, properties(doc.Components.Schemas["WorkEngagement"])},
		{&accountsv1.Organization{}, properties(doc.Components.Schemas["Organization"])},
		{&accountsv1.GetWorkEngagementRequest{}, parameters(item.Get)},
		{&accountsv1.DeleteWorkEngagementRequest{}, parameters(item.Delete)},
		{&accountsv1.ListWorkEngagementsRequest{}, parameters(collection.Get)},
	} {
		fields := tt.msg.ProtoReflect().Descriptor().Fields()
		for i := range fields.Len() {
			checkRules(t, fields.Get(i), tt.fields[string(fields.Get(i).Name())])
		}
	}
	// PATCH's path parameter is work_engagement.id, renamed by its
	// path_param_name.
	id := (&accountsv1.WorkEngagement{}).ProtoReflect().Descriptor().Fields().ByName("id")
	checkRules(t, id, parameters(item.Patch)["id"])
}

func checkRules(t *testing.T, fd protoreflect.FieldDescriptor, got *openapi3.Schema) {
	t.Helper()
	rules, _ := proto.GetExtension(fd.Options(), validate.E_Field).(*validate.FieldRules)
	s, n := rules.GetString(), rules.GetInt32()
	if s == nil && n == nil {
		return
	}
	if got == nil {
		t.Errorf("%s: not described", fd.FullName())
		return
	}
	if n.HasGte() && (got.Min == nil || *got.Min != float64(n.GetGte())) {
		t.Errorf("%s: minimum = %v, want %d", fd.FullName(), got.Min, n.GetGte())
	}
	if s.GetUuid() && got.Format != "uuid" {
		t.Errorf("%s: format = %q, want uuid", fd.FullName(), got.Format)
	}
	if s.HasPattern() && got.Pattern != s.GetPattern() {
		t.Errorf("%s: pattern = %q, want %q", fd.FullName(), got.Pattern, s.GetPattern())
	}
	if s.HasMaxLen() && (got.MaxLength == nil || *got.MaxLength != s.GetMaxLen()) {
		t.Errorf("%s: maxLength = %s, want %d", fd.FullName(), show(got.MaxLength), s.GetMaxLen())
	}
	if s.HasMinLen() && got.MinLength != s.GetMinLen() {
		t.Errorf("%s: minLength = %d, want %d", fd.FullName(), got.MinLength, s.GetMinLen())
	}
}

func show(n *uint64) string {
	if n == nil {
		return "none"
	}
	return strconv.FormatUint(*n, 10)
}

// properties gives a component schema's properties by name.
func properties(ref *openapi3.SchemaRef) map[string]*openapi3.Schema {
	m := map[string]*openapi3.Schema{}
	for name, p := range ref.Value.Properties {
		m[name] = p.Value
	}
	return m
}

// parameters gives the schemas of op's parameters by name.
func parameters(op *openapi3.Operation) map[string]*openapi3.Schema {
	m := map[string]*openapi3.Schema{}
	for _, p := range op.Parameters {
		m[p.Value.Name] = p.Value.Schema.Value
	}
	return m
}
