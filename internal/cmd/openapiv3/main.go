// Command openapiv3 writes the REST gateway's OpenAPI 3.1 description (served
// at /openapi.json) from the Swagger 2.0 document protoc-gen-openapiv2
// generates from proto/: kin-openapi's openapi2conv converts it to OpenAPI 3,
// openapi3conv rewrites that into OpenAPI 3.1's forms, and complete (see
// complete.go) adds, from the proto descriptors, what Swagger 2.0 cannot say
// about the gateway's JSON: which fields may be null, that Struct and Value
// hold any JSON, which fields are read-only, that a request body may hold
// null for a list and an update's body is partial (request.go), and the
// examples the generator leaves out; the buf.validate rules JSON Schema can state, which
// protoc-gen-openapiv2 does not read (rules.go); the google.rpc.Status schema
// of every error answer, which the proto states once (the default answer);
// and the 413 and 415 answers the gateway gives to any request with a body,
// derived from the HTTP rules (responses.go).
//
// The output is never edited by hand: change proto/ (or this command) and run
// `make generate`.
//
// Usage: go run ./internal/cmd/openapiv3 DESCRIPTORS SWAGGER OUTPUT
//
// DESCRIPTORS is a FileDescriptorSet of proto/ with its imports (buf build),
// SWAGGER protoc-gen-openapiv2's merged JSON document.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3conv"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	// Imported for the options they register, so the descriptors' google.api
	// and openapiv2 annotations decode as extensions.
	_ "github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-openapiv2/options"
	_ "google.golang.org/genproto/googleapis/api/annotations"
)

// version is the OpenAPI version written. openapi3conv.Upgrade labels its
// output with the newest 3.x it knows, but the rewrites it makes are those of
// 3.0 to 3.1 (3.2 only adds), and 3.1 is what Swagger UI 5 and typed-client
// generators such as openapi-typescript read.
const version = "3.1.0"

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 3 {
		return errors.New("openapiv3: usage: openapiv3 DESCRIPTORS SWAGGER OUTPUT")
	}
	files, err := readDescriptors(args[0])
	if err != nil {
		return err
	}
	doc2, err := readSwagger(args[1])
	if err != nil {
		return err
	}
	doc, err := convert(context.Background(), doc2, files)
	if err != nil {
		return err
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("openapiv3: encode: %w", err)
	}
	return os.WriteFile(args[2], append(out, '\n'), 0o644)
}

// convert turns doc2 into a complete, valid OpenAPI 3.1 document.
func convert(ctx context.Context, doc2 *openapi2.T, files *protoregistry.Files) (*openapi3.T, error) {
	doc, err := openapi2conv.ToV3(doc2)
	if err != nil {
		return nil, fmt.Errorf("openapiv3: convert: %w", err)
	}
	if err := openapi3.NewLoader().ResolveRefsIn(doc, nil); err != nil {
		return nil, fmt.Errorf("openapiv3: resolve references: %w", err)
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("openapiv3: converted document: %w", err)
	}
	openapi3conv.Upgrade(doc)
	doc.OpenAPI = version
	if err := complete(doc, files); err != nil {
		return nil, err
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("openapiv3: completed document: %w", err)
	}
	return doc, nil
}

func readDescriptors(name string) (*protoregistry.Files, error) {
	var set descriptorpb.FileDescriptorSet
	if err := readFile(name, func(b []byte) error { return proto.Unmarshal(b, &set) }); err != nil {
		return nil, err
	}
	files, err := protodesc.NewFiles(&set)
	if err != nil {
		return nil, fmt.Errorf("openapiv3: %s: %w", name, err)
	}
	return files, nil
}

func readSwagger(name string) (*openapi2.T, error) {
	var doc openapi2.T
	if err := readFile(name, func(b []byte) error { return json.Unmarshal(b, &doc) }); err != nil {
		return nil, err
	}
	return &doc, nil
}

// readFile reads name and decodes it with decode; errors name the file.
func readFile(name string, decode func([]byte) error) error {
	b, err := os.ReadFile(name)
	if err != nil {
		return fmt.Errorf("openapiv3: %w", err)
	}
	if err := decode(b); err != nil {
		return fmt.Errorf("openapiv3: %s: %w", name, err)
	}
	return nil
}
