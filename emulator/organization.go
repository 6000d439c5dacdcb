package emulator

import (
	"encoding/json"
	"fmt"
	"strings"
)

// organizationField validates organization: null, or a nested {"id": uuid}
// naming an organization the emulator knows. Errors inside the object are
// nested, as a nested DRF serializer reports them; an unknown organization
// is reported on the field itself, as a related field does.
func (e *Emulator) organizationField(raw json.RawMessage) (func(*record), any) {
	t := pythonType(raw)
	if t == "NoneType" {
		return func(r *record) { r.Organization = nil }, nil
	}
	if t != "dict" {
		return nil, map[string]any{"non_field_errors": []string{fmt.Sprintf(msgNotDict, t)}}
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, map[string]any{"non_field_errors": []string{fmt.Sprintf(msgNotDict, t)}} // unreachable
	}
	errs := map[string]any{}
	for key := range obj {
		if key != "id" {
			errs[key] = []string{msgNotAllowed} // stricter than DRF, as at the top level
		}
	}
	idRaw, present := obj["id"]
	id, idErrs := cleanUUID(idRaw, present)
	if len(idErrs) > 0 {
		errs["id"] = idErrs
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if !e.orgs[id] {
		return nil, []string{fmt.Sprintf(msgNoSuchPK, id)}
	}
	return func(r *record) { r.Organization = &orgRef{ID: id} }, nil
}

// cleanUUID validates a required, non-null UUIDField and returns the id in
// the lower-case form Django stores. Only the hyphenated form is accepted:
// Python's uuid.UUID would also take braces, "urn:uuid:" and bare hex, which
// no client of ours should send.
func cleanUUID(raw json.RawMessage, present bool) (string, []string) {
	if !present {
		return "", []string{msgRequired}
	}
	switch pythonType(raw) {
	case "NoneType":
		return "", []string{msgNull}
	case "str":
	default:
		return "", []string{msgBadUUID}
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil || !uuidPattern.MatchString(s) {
		return "", []string{msgBadUUID}
	}
	return strings.ToLower(s), nil
}
