package emulator

import (
	"encoding/json"
	"regexp"
	"strings"
	"unicode"
)

// DRF's messages, word for word, since clients may match on them.
const (
	msgRequired   = "This field is required."
	msgNull       = "This field may not be null."
	msgBlank      = "This field may not be blank."
	msgNotString  = "Not a valid string."
	msgMaxLength  = "Ensure this field has no more than %d characters."
	msgNullChar   = "Null characters are not allowed."
	msgSurrogate  = "Surrogate characters are not allowed: U+%X."
	msgInvalid    = "Enter a valid value."
	msgBadUUID    = "Must be a valid UUID."
	msgNotDict    = "Invalid data. Expected a dictionary, but got %s."
	msgNotList    = `Expected a list of items but got type "%s".`
	msgItemNotMap = `Expected a dictionary of items but got type "%s".`
	msgNoSuchPK   = `Invalid pk "%s" - object does not exist.`
	msgReadOnly   = "This field is read-only."
	msgNotAllowed = "This field is not allowed."
)

// The CharField rules of the writable string fields, from Pigello's schema.
var (
	nameRule     = stringRule{max: 255}
	customIDRule = stringRule{max: 128, nullable: true, allowBlank: true}
	// color_code is not blank-able: the schema's pattern admits no empty
	// string, so a client sending "" instead of null is told so.
	colorCodeRule = stringRule{max: 7, nullable: true, pattern: regexp.MustCompile(`^(?:[0-9a-fA-F]{3}){1,2}$`)}
)

// validate checks every key of a write body, as a DRF serializer does, and
// collects every field's errors rather than stopping at the first. With
// create false it is a partial update: only the keys given are validated.
func (e *Emulator) validate(obj map[string]json.RawMessage, create bool) ([]func(*record), map[string]any) {
	var changes []func(*record)
	errs := map[string]any{}
	for key, raw := range obj {
		change, err := e.validateField(key, raw)
		if err != nil {
			errs[key] = err
			continue
		}
		changes = append(changes, change)
	}
	if _, ok := obj["name"]; create && !ok {
		errs["name"] = []string{msgRequired}
	}
	return changes, errs
}

// validateField validates one key of a write body and returns how to apply
// it, or its errors (a list of messages, or a dict for nested fields).
func (e *Emulator) validateField(key string, raw json.RawMessage) (func(*record), any) {
	switch key {
	case "name":
		return stringField(nameRule, raw, func(r *record, v *string) { r.Name = *v })
	case "custom_id":
		return stringField(customIDRule, raw, func(r *record, v *string) { r.CustomID = v })
	case "color_code":
		return stringField(colorCodeRule, raw, func(r *record, v *string) { r.ColorCode = v })
	case "organization":
		return e.organizationField(raw)
	case "template_notifications":
		return templateField(raw, func(r *record, v json.RawMessage) { r.TemplateNotifications = v })
	case "template_sms_notifications":
		return templateField(raw, func(r *record, v json.RawMessage) { r.TemplateSMSNotifications = v })
	case "template_email_notifications":
		return templateField(raw, func(r *record, v json.RawMessage) { r.TemplateEmailNotifications = v })
	case "id", "tags", "customer_columns", "created_at":
		// DRF would silently ignore these; a client sending them has a bug.
		return nil, []string{msgReadOnly}
	default:
		return nil, []string{msgNotAllowed}
	}
}

func stringField(rule stringRule, raw json.RawMessage, set func(*record, *string)) (func(*record), any) {
	v, errs := rule.clean(raw)
	if len(errs) > 0 {
		return nil, errs
	}
	return func(r *record) { set(r, v) }, nil
}

// pyStrip trims s as Python's str.strip() does, which is what DRF's
// trim_whitespace uses.
func pyStrip(s string) string {
	return strings.TrimFunc(s, isPySpace)
}

// isPySpace is Python's str.isspace for one character: Unicode White_Space
// plus the separators U+001C–U+001F.
func isPySpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}
