package emulator_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pigello-facade/pigello-facade/emulator"
)

const (
	acme        = "0b7e3c2a-5f1d-4a8e-b6c4-2e9f1a3d5c70" // a demo organization
	unknownUUID = "11111111-2222-4333-8444-555555555555"
)

// body builds a one-key JSON object.
func body(key, rawValue string) string { return `{"` + key + `": ` + rawValue + `}` }

// fieldErr builds the 400 body for messages on one key.
func fieldErr(key string, msgs ...string) string {
	quoted := make([]string, len(msgs))
	for i, m := range msgs {
		quoted[i] = jsonString(m)
	}
	return `{"` + key + `": [` + strings.Join(quoted, ", ") + `]}`
}

func maxLen(n int) string { return fmt.Sprintf("Ensure this field has no more than %d characters.", n) }

type writeCase struct {
	name string
	body string
	want string // the 400 body
}

func stringFieldCases() []writeCase {
	return []writeCase{
		{"name null", body("name", "null"), fieldErr("name", "This field may not be null.")},
		{"name empty", body("name", `""`), fieldErr("name", "This field may not be blank.")},
		{"name spaces", body("name", `" \t\n "`), fieldErr("name", "This field may not be blank.")},
		{"name unicode spaces", body("name", `"\u00a0\u2003\u3000\u001c"`), fieldErr("name", "This field may not be blank.")},
		{"name int", body("name", "12"), fieldErr("name", "Not a valid string.")},
		{"name float", body("name", "1.5"), fieldErr("name", "Not a valid string.")},
		{"name bool", body("name", "true"), fieldErr("name", "Not a valid string.")},
		{"name list", body("name", `["x"]`), fieldErr("name", "Not a valid string.")},
		{"name object", body("name", `{}`), fieldErr("name", "Not a valid string.")},
		{"name 256 characters", body("name", jsonString(strings.Repeat("é", 256))), fieldErr("name", maxLen(255))},
		{"name null character", body("name", `"a\u0000b"`), fieldErr("name", "Null characters are not allowed.")},
		{"name too long with null", body("name", jsonString(strings.Repeat("a", 256)+"\x00")), fieldErr("name", maxLen(255), "Null characters are not allowed.")},
		{"name lone surrogate", body("name", `"a\ud800b"`), fieldErr("name", "Surrogate characters are not allowed: U+D800.")},
		{"name lone low surrogate", body("name", `"\udc01"`), fieldErr("name", "Surrogate characters are not allowed: U+DC01.")},
		{"custom_id 129 characters", body("custom_id", jsonString(strings.Repeat("x", 129))), fieldErr("custom_id", maxLen(128))},
		{"custom_id int", body("custom_id", "7"), fieldErr("custom_id", "Not a valid string.")},
		{"custom_id null character", body("custom_id", `"\u0000"`), fieldErr("custom_id", "Null characters are not allowed.")},
		{"color_code four digits", body("color_code", `"ffff"`), fieldErr("color_code", "Enter a valid value.")},
		{"color_code with hash", body("color_code", `"#fff"`), fieldErr("color_code", "Enter a valid value.")},
		{"color_code not hex", body("color_code", `"ggg"`), fieldErr("color_code", "Enter a valid value.")},
		{"color_code eight characters", body("color_code", `"#ffffff0"`), fieldErr("color_code", "Enter a valid value.", maxLen(7))},
		{"color_code blank", body("color_code", `""`), fieldErr("color_code", "This field may not be blank.")},
		{"color_code int", body("color_code", "123"), fieldErr("color_code", "Not a valid string.")},
	}
}

func nestedFieldCases() []writeCase {
	return []writeCase{
		{"organization string", body("organization", `"`+acme+`"`), `{"organization": {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}}`},
		{"organization list", body("organization", `[]`), `{"organization": {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}}`},
		{"organization int", body("organization", `5`), `{"organization": {"non_field_errors": ["Invalid data. Expected a dictionary, but got int."]}}`},
		{"organization without id", body("organization", `{}`), `{"organization": {"id": ["This field is required."]}}`},
		{"organization null id", body("organization", `{"id": null}`), `{"organization": {"id": ["This field may not be null."]}}`},
		{"organization bad id", body("organization", `{"id": "acme"}`), `{"organization": {"id": ["Must be a valid UUID."]}}`},
		{"organization int id", body("organization", `{"id": 5}`), `{"organization": {"id": ["Must be a valid UUID."]}}`},
		{"organization id without hyphens", body("organization", `{"id": "0b7e3c2a5f1d4a8eb6c42e9f1a3d5c70"}`), `{"organization": {"id": ["Must be a valid UUID."]}}`},
		{"organization extra key", body("organization", `{"id": "`+acme+`", "name": "Acme"}`), `{"organization": {"name": ["This field is not allowed."]}}`},
		{"organization unknown", body("organization", `{"id": "`+unknownUUID+`"}`), fieldErr("organization", `Invalid pk "`+unknownUUID+`" - object does not exist.`)},
		{"organization unknown upper-case", body("organization", `{"id": "`+strings.ToUpper(unknownUUID)+`"}`), fieldErr("organization", `Invalid pk "`+unknownUUID+`" - object does not exist.`)},
		{"templates string", body("template_notifications", `"x"`), fieldErr("template_notifications", `Expected a list of items but got type "str".`)},
		{"templates object", body("template_sms_notifications", `{}`), fieldErr("template_sms_notifications", `Expected a list of items but got type "dict".`)},
		{"templates int", body("template_email_notifications", `1`), fieldErr("template_email_notifications", `Expected a list of items but got type "int".`)},
		{"templates bad items", body("template_notifications", `[{}, 1, null, "a", [], true, 2.5]`), `{"template_notifications": {
			"1": ["Expected a dictionary of items but got type \"int\"."],
			"3": ["Expected a dictionary of items but got type \"str\"."],
			"4": ["Expected a dictionary of items but got type \"list\"."],
			"5": ["Expected a dictionary of items but got type \"bool\"."],
			"6": ["Expected a dictionary of items but got type \"float\"."]}}`},
		{"read-only id", body("id", `"`+unknownUUID+`"`), fieldErr("id", "This field is read-only.")},
		{"read-only tags", body("tags", `[]`), fieldErr("tags", "This field is read-only.")},
		{"read-only customer_columns", body("customer_columns", `null`), fieldErr("customer_columns", "This field is read-only.")},
		{"read-only created_at", body("created_at", `"2026-01-01T00:00:00Z"`), fieldErr("created_at", "This field is read-only.")},
		{"unknown key", body("colour_code", `"fff"`), fieldErr("colour_code", "This field is not allowed.")},
		{"key case matters", body("Name", `"x"`), fieldErr("Name", "This field is not allowed.")},
		{"every error at once", `{"name": "", "color_code": "zz", "organization": {}, "foo": 1, "tags": null}`, `{
			"name": ["This field may not be blank."],
			"color_code": ["Enter a valid value."],
			"organization": {"id": ["This field is required."]},
			"foo": ["This field is not allowed."],
			"tags": ["This field is read-only."]}`},
	}
}

func TestPatchValidationErrors(t *testing.T) {
	for _, tt := range append(stringFieldCases(), nestedFieldCases()...) {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t, emulator.Config{})
			path := firstDemo(f)
			before := f.call(t, "GET", path, "").object(t)
			f.call(t, "PATCH", path, tt.body).check(t, 400, tt.want)
			// A refused write changes nothing, not even the fields that were valid.
			if diff := cmp.Diff(before, f.call(t, "GET", path, "").object(t)); diff != "" {
				t.Errorf("record changed by a refused PATCH (-before +after):\n%s", diff)
			}
		})
	}
}

func TestCreateValidationErrors(t *testing.T) {
	tests := []writeCase{
		{"no name", `{}`, fieldErr("name", "This field is required.")},
		{"no name but other fields", `{"custom_id": "x", "color_code": "fff"}`, fieldErr("name", "This field is required.")},
		{"wrong-case name only", `{"NAME": "x"}`, `{"NAME": ["This field is not allowed."], "name": ["This field is required."]}`},
		{"null name", `{"name": null}`, fieldErr("name", "This field may not be null.")},
		{"blank name and bad color", `{"name": " ", "color_code": "12"}`, `{"name": ["This field may not be blank."], "color_code": ["Enter a valid value."]}`},
		{"id given", `{"name": "x", "id": "` + unknownUUID + `"}`, fieldErr("id", "This field is read-only.")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t, emulator.Config{NoSeed: true})
			f.call(t, "POST", collection, tt.body).check(t, 400, tt.want)
		})
	}
}
