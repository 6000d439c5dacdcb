package main

import (
	"fmt"
	"maps"

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

// addBodyResponses adds the 413 and 415 answers to op, the operation of
// rule, when rule takes a body; a PATCH's 415 also names the Accept-Patch
// header it carries. Their content is the error every other status has, the
// operation's default response (a google.rpc.Status).
func addBodyResponses(op *openapi3.Operation, rule *annotations.HttpRule) error {
	if rule.GetBody() == "" {
		return nil
	}
	def := op.Responses.Default()
	if def == nil || def.Value == nil {
		return fmt.Errorf("openapiv3: %s has a body but no default response to take the error's content from", op.OperationID)
	}
	notJSON := notJSONDescription
	if rule.GetPatch() != "" {
		notJSON += acceptPatchDescription
	}
	for code, description := range map[string]string{"413": tooLargeDescription, "415": notJSON} {
		if op.Responses.Value(code) != nil {
			return fmt.Errorf("openapiv3: %s: response %s is derived from the HTTP rule's body; remove it from the proto", op.OperationID, code)
		}
		answer := openapi3.NewResponse().WithDescription(description).WithContent(maps.Clone(def.Value.Content))
		op.Responses.Set(code, &openapi3.ResponseRef{Value: answer})
	}
	return nil
}
