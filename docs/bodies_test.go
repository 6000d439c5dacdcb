package docs

import (
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/internal/schema"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// TestOpenAPIWorkEngagementForms checks, field by field of the contract's
// WorkEngagement, its three JSON forms: the answers' schema, the POST body
// and the PATCH body. Read-only fields (schema.ReadOnly) are readOnly in
// each, since a request may hold them and the server ignores them; a list
// admits null in a body, which the gateway reads as empty, and never in an
// answer, which writes []; the POST body requires the REQUIRED fields, the
// PATCH body nothing.
func TestOpenAPIWorkEngagementForms(t *testing.T) {
	doc := loadOpenAPI(t)
	body := func(op *openapi3.Operation) *openapi3.Schema {
		return op.RequestBody.Value.Content.Get("application/json").Schema.Value
	}
	forms := []struct {
		name     string
		schema   *openapi3.Schema
		request  bool
		required []string
	}{
		{"answers", doc.Components.Schemas["WorkEngagement"].Value, false, requiredFields(accountsv1.File_pigello_accounts_v1_work_engagement_proto.Messages().ByName("WorkEngagement"))},
		{"POST body", body(doc.Paths.Value("/v1/workEngagements").Post), true, requiredFields(accountsv1.File_pigello_accounts_v1_work_engagement_proto.Messages().ByName("WorkEngagement"))},
		{"PATCH body", body(doc.Paths.Value("/v1/workEngagements/{id}").Patch), true, nil},
	}
	fields := (&accountsv1.WorkEngagement{}).ProtoReflect().Descriptor().Fields()
	for _, form := range forms {
		if got := slices.Sorted(slices.Values(form.schema.Required)); !slices.Equal(got, form.required) {
			t.Errorf("%s requires %q, want %q", form.name, got, form.required)
		}
		for i := range fields.Len() {
			fd := fields.Get(i)
			prop := form.schema.Properties[string(fd.Name())]
			if prop == nil {
				if form.name != "PATCH body" || !schema.ReadOnly(fd) { // PATCH's id is the path's
					t.Errorf("%s has no %s", form.name, fd.Name())
				}
				continue
			}
			if prop.Value.ReadOnly != schema.ReadOnly(fd) {
				t.Errorf("%s %s readOnly = %v, want %v", form.name, fd.Name(), prop.Value.ReadOnly, schema.ReadOnly(fd))
			}
			if fd.IsList() {
				if nulls := prop.Value.Type.Includes(openapi3.TypeNull); nulls != form.request {
					t.Errorf("%s %s admits null: %v, want %v", form.name, fd.Name(), nulls, form.request)
				}
			}
		}
	}
}

// requiredFields lists md's REQUIRED fields, sorted.
func requiredFields(md protoreflect.MessageDescriptor) []string {
	var names []string
	fields := md.Fields()
	for i := range fields.Len() {
		behaviors, _ := proto.GetExtension(fields.Get(i).Options(), annotations.E_FieldBehavior).([]annotations.FieldBehavior)
		if slices.Contains(behaviors, annotations.FieldBehavior_REQUIRED) {
			names = append(names, string(fields.Get(i).Name()))
		}
	}
	slices.Sort(names)
	return names
}

// TestOpenAPICollectionExamples checks what /docs pre-fills for Create and
// List: a body that sets only writable fields, the required ones among
// them, and query parameters their schemas accept. The wire test runs them
// against a facade.
func TestOpenAPICollectionExamples(t *testing.T) {
	collection := loadOpenAPI(t).Paths.Value("/v1/workEngagements")
	media := collection.Post.RequestBody.Value.Content.Get("application/json")
	example, ok := media.Example.(map[string]any)
	if !ok {
		t.Fatalf("POST body example = %#v, want an object", media.Example)
	}
	for _, name := range media.Schema.Value.Required {
		if _, ok := example[name]; !ok {
			t.Errorf("POST body example lacks %q, which the body requires", name)
		}
	}
	for field := range example {
		if prop := media.Schema.Value.Properties[field]; prop == nil || prop.Value.ReadOnly {
			t.Errorf("POST body example sets %q, want writable fields only", field)
		}
	}
	if err := media.Schema.Value.VisitJSON(example, openapi3.EnableJSONSchema2020()); err != nil {
		t.Errorf("POST body example does not match the body's schema: %v", err)
	}
	examples := 0
	for _, p := range collection.Get.Parameters {
		if p.Value.Example == nil {
			continue
		}
		examples++
		if err := p.Value.Schema.Value.VisitJSON(p.Value.Example, openapi3.EnableJSONSchema2020()); err != nil {
			t.Errorf("List parameter %s example %#v does not match its schema: %v", p.Value.Name, p.Value.Example, err)
		}
	}
	if examples == 0 {
		t.Error("List has no parameter examples, want /docs to pre-fill a query")
	}
}
