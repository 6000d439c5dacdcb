package docs

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"testing"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// The parts of an OpenAPI v2 document the tests look at.
type (
	openAPI struct {
		Paths               map[string]map[string]operation `json:"paths"`
		Definitions         map[string]schema               `json:"definitions"`
		SecurityDefinitions map[string]map[string]string    `json:"securityDefinitions"`
		Security            []map[string][]string           `json:"security"`
	}
	operation struct {
		OperationID string              `json:"operationId"`
		Parameters  []parameter         `json:"parameters"`
		Responses   map[string]response `json:"responses"`
	}
	parameter struct {
		schema
		Name   string  `json:"name"`
		In     string  `json:"in"`
		Schema *schema `json:"schema"`
	}
	response struct {
		Schema *schema `json:"schema"`
	}
	schema struct {
		Ref        string            `json:"$ref"`
		Type       string            `json:"type"`
		Format     string            `json:"format"`
		MaxLength  *uint64           `json:"maxLength"`
		MinLength  *uint64           `json:"minLength"`
		Pattern    string            `json:"pattern"`
		Properties map[string]schema `json:"properties"`
	}
)

func loadOpenAPI(t *testing.T) openAPI {
	t.Helper()
	body, err := embedded.ReadFile(openAPIFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc openAPI
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("decode %s: %v", openAPIFile, err)
	}
	return doc
}

// TestOpenAPIIsGenerated checks that the embedded description is the one buf
// wrote into gen/ (buf.gen.yaml writes both; `make generate` refreshes them).
func TestOpenAPIIsGenerated(t *testing.T) {
	inGen, err := os.ReadFile("../gen/" + openAPIFile)
	if err != nil {
		t.Fatal(err)
	}
	embeddedCopy, _ := embedded.ReadFile(openAPIFile)
	if !bytes.Equal(inGen, embeddedCopy) {
		t.Errorf("docs/%s differs from gen/%[1]s: run make generate", openAPIFile)
	}
}

// TestOpenAPIShapes checks the REST face as the gateway serves it.
func TestOpenAPIShapes(t *testing.T) {
	doc := loadOpenAPI(t)
	ops := doc.Paths["/v1/workEngagements/{id}"]
	if len(doc.Paths) != 1 || len(ops) != 3 || ops["get"].OperationID == "" || ops["patch"].OperationID == "" || ops["delete"].OperationID == "" {
		t.Fatalf("paths = %v, want GET, PATCH and DELETE on /v1/workEngagements/{id} only", doc.Paths)
	}
	patch := params(ops["patch"])
	if body := patch["work_engagement"]; body.In != "body" || body.Schema == nil || body.Schema.Properties["color_code"].Type != "string" {
		t.Errorf("PATCH body = %+v, want the work engagement with snake_case fields", body)
	}
	if p := patch["update_mask"]; p.In != "query" {
		t.Errorf("PATCH update_mask in %q, want query", p.In)
	}
	if p := params(ops["delete"])["allow_missing"]; p.In != "query" || p.Type != "boolean" {
		t.Errorf("DELETE allow_missing = %+v, want a boolean query parameter", p)
	}
	for method, op := range ops {
		for _, code := range []string{"400", "401", "403", "404", "409", "429", "500", "503", "504", "default"} {
			if r, ok := op.Responses[code]; !ok || r.Schema == nil || r.Schema.Ref != "#/definitions/Status" {
				t.Errorf("%s response %s = %+v, want a google.rpc.Status", method, code, r)
			}
		}
	}
	if bearer := doc.SecurityDefinitions["bearer"]; bearer["type"] != "apiKey" || bearer["in"] != "header" || bearer["name"] != "Authorization" {
		t.Errorf("security definition bearer = %v, want the Authorization header", bearer)
	}
	if !slices.ContainsFunc(doc.Security, func(r map[string][]string) bool { return len(r) == 0 }) {
		t.Errorf("security = %v, want anonymous calls allowed ({})", doc.Security)
	}
}

// TestOpenAPIConstraints checks that the description carries every
// buf.validate string rule the facade enforces, so the openapiv2_field
// annotations in the proto cannot drift from the rules next to them.
func TestOpenAPIConstraints(t *testing.T) {
	doc := loadOpenAPI(t)
	ops := doc.Paths["/v1/workEngagements/{id}"]
	for _, tt := range []struct {
		msg    proto.Message
		fields map[string]schema
	}{
		{&accountsv1.WorkEngagement{}, doc.Definitions["WorkEngagement"].Properties},
		{&accountsv1.Organization{}, doc.Definitions["Organization"].Properties},
		{&accountsv1.GetWorkEngagementRequest{}, schemas(ops["get"])},
		{&accountsv1.DeleteWorkEngagementRequest{}, schemas(ops["delete"])},
	} {
		fields := tt.msg.ProtoReflect().Descriptor().Fields()
		for i := range fields.Len() {
			checkRules(t, fields.Get(i), tt.fields[string(fields.Get(i).Name())])
		}
	}
}

func checkRules(t *testing.T, fd protoreflect.FieldDescriptor, got schema) {
	t.Helper()
	rules, _ := proto.GetExtension(fd.Options(), validate.E_Field).(*validate.FieldRules)
	s := rules.GetString()
	if s == nil {
		return
	}
	if s.GetUuid() && got.Format != "uuid" {
		t.Errorf("%s: format = %q, want uuid", fd.FullName(), got.Format)
	}
	if s.Pattern != nil && got.Pattern != s.GetPattern() {
		t.Errorf("%s: pattern = %q, want %q", fd.FullName(), got.Pattern, s.GetPattern())
	}
	for _, c := range []struct {
		what      string
		rule, got *uint64
	}{{"maxLength", s.MaxLen, got.MaxLength}, {"minLength", s.MinLen, got.MinLength}} {
		if c.rule != nil && (c.got == nil || *c.got != *c.rule) {
			t.Errorf("%s: %s = %s, want %d", fd.FullName(), c.what, show(c.got), *c.rule)
		}
	}
}

func show(n *uint64) string {
	if n == nil {
		return "none"
	}
	return strconv.FormatUint(*n, 10)
}

func params(op operation) map[string]parameter {
	m := map[string]parameter{}
	for _, p := range op.Parameters {
		m[p.Name] = p
	}
	return m
}

// schemas gives the non-body parameters of op as schemas by name.
func schemas(op operation) map[string]schema {
	m := map[string]schema{}
	for _, p := range op.Parameters {
		m[p.Name] = p.schema
	}
	return m
}
