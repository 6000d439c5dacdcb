package main

import (
	"fmt"
	"maps"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"google.golang.org/genproto/googleapis/api/annotations"
)

// The answers the gateway gives to any request with a body before the call
// reaches the server (gateway/body.go and gateway/input.go), whatever the
// operation: they follow from the HTTP rule having a body, so they are added
// here to each such operation instead of being repeated in the proto.
const (
	tooLargeDescription    = "The body is larger than --max-request-bytes (1 MiB by default)."
	notJSONDescription     = "The body was not sent as JSON: its Content-Type is neither application/json (UTF-8) nor absent."
	acceptPatchDescription = " The answer carries Accept-Patch: application/json."
)

// completeErrors gives op, the operation of rule, the error answers the
// proto leaves out, each with the content of op's default response (the
// google.rpc.Status every failing status answers with).
func completeErrors(op *openapi3.Operation, rule *annotations.HttpRule) error {
	def, err := defaultContent(op)
	if err != nil {
		return err
	}
	completeErrorSchemas(op, def)
	return addBodyResponses(op, rule, def)
}

// completeErrorSchemas gives each error answer of op whose content the
// proto left without a schema the schema of def, the default response's
// content: every error the facade answers is a google.rpc.Status, which the
// proto's responses need not repeat.
func completeErrorSchemas(op *openapi3.Operation, def openapi3.Content) {
	for code, resp := range op.Responses.Map() {
		if code == "default" || strings.HasPrefix(code, "2") || resp.Value == nil {
			continue
		}
		for name, mt := range resp.Value.Content {
			if mt.Schema != nil && mt.Schema.Ref == "" && mt.Schema.Value != nil && !mt.Schema.Value.IsEmpty() {
				continue
			}
			if want := def.Get(name); want != nil {
				mt.Schema = want.Schema
			}
		}
	}
}

// defaultContent is the content of op's default response, the error every
// failing status answers with.
func defaultContent(op *openapi3.Operation) (openapi3.Content, error) {
	def := op.Responses.Default()
	if def == nil || def.Value == nil {
		return nil, fmt.Errorf("openapiv3: %s has no default response to take the error's content from", op.OperationID)
	}
	return def.Value.Content, nil
}

// addBodyResponses adds the 413 and 415 answers to op, the operation of
// rule, when rule takes a body; a PATCH's 415 also names the Accept-Patch
// header it carries. Their content is def, the error every other status
// has (the default response's, a google.rpc.Status).
func addBodyResponses(op *openapi3.Operation, rule *annotations.HttpRule, def openapi3.Content) error {
	if rule.GetBody() == "" {
		return nil
	}
	notJSON := notJSONDescription
	if rule.GetPatch() != "" {
		notJSON += acceptPatchDescription
	}
	for code, description := range map[string]string{"413": tooLargeDescription, "415": notJSON} {
		if op.Responses.Value(code) != nil {
			return fmt.Errorf("openapiv3: %s: response %s is derived from the HTTP rule's body; remove it from the proto", op.OperationID, code)
		}
		answer := openapi3.NewResponse().WithDescription(description).WithContent(maps.Clone(def))
		op.Responses.Set(code, &openapi3.ResponseRef{Value: answer})
	}
	return nil
}
