package server

import (
	"encoding/json"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
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
		var bad invalidArgumentError
		for _, v := range violations {
			field := "update_mask"
			if v.Field != "" {
				field = "work_engagement." + v.Field
			}
			bad.add(field, v.Description)
		}
		return nil, &bad
	}
	return workEngagements.Body(m, selected)
}
