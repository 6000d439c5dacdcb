package server

import (
	"encoding/json"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/internal/schema"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// patchFor turns an update request into the PATCH body Pigello gets:
// exactly the writable fields the mask selects, null for those left unset
// (AIP-134). The rules come from the contract's field behaviors (package
// schema).
func patchFor(we *accountsv1.WorkEngagement, mask *fieldmaskpb.FieldMask) (json.RawMessage, error) {
	m := we.ProtoReflect()
	selected, violations := workEngagements.Select(m, mask.GetPaths())
	if len(violations) > 0 {
		return nil, invalidFields(violations)
	}
	return workEngagements.Body(m, selected)
}

// invalidFields is the error of a write schema refused (an update's or a
// create's): each violation on its field of work_engagement, or on
// update_mask when the mask is at fault.
func invalidFields(violations []schema.Violation) error {
	var bad invalidArgumentError
	for _, v := range violations {
		field := "update_mask"
		if v.Field != "" {
			field = "work_engagement." + v.Field
		}
		bad.add(field, v.Description)
	}
	return &bad
}
