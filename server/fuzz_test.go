package server

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
)

// FuzzMask checks the mask rules on any list of paths: patchFor either
// refuses the update or builds a PATCH whose keys are exactly the writable
// fields the paths select, with JSON that parses.
func FuzzMask(f *testing.F) {
	for _, seed := range []string{"", "*", "name", "organization.id", "color_code,custom_id", "created_at", "name,*", "tags.x", ",", "template_notifications"} {
		f.Add(seed, "n", true)
	}
	f.Fuzz(func(t *testing.T, paths, name string, withColor bool) {
		if !utf8.ValidString(name) {
			return // gRPC and the REST gateway refuse it before a handler runs
		}
		we := &accountsv1.WorkEngagement{Id: testID, Name: name}
		if withColor {
			color := "fff"
			we.ColorCode = &color
		}
		var m []string
		if paths != "" {
			m = strings.Split(paths, ",")
		}
		body, err := patchFor(we, mask(m...))
		if err != nil {
			var invalid *invalidArgumentError
			if !errors.As(err, &invalid) || len(invalid.violations) == 0 {
				t.Fatalf("patchFor(%q) returned %v, want an invalid argument with violations", paths, err)
			}
			return
		}
		var got map[string]json.RawMessage
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("PATCH body %s for %q is not a JSON object: %v", body, paths, err)
		}
		want := expectedKeys(we, m)
		for k := range got {
			if !want[k] {
				t.Errorf("PATCH for %q carries %q, which the mask does not select", paths, k)
			}
		}
		for k := range want {
			if _, ok := got[k]; !ok {
				t.Errorf("PATCH for %q lacks %q, which the mask selects", paths, k)
			}
		}
	})
}

// expectedKeys is the mask rule restated independently: the JSON keys a
// valid mask selects.
func expectedKeys(we *accountsv1.WorkEngagement, paths []string) map[string]bool {
	keys := map[string]bool{}
	if len(paths) == 0 {
		keys["name"] = we.GetName() != ""
		keys["color_code"] = we.ColorCode != nil
	}
	for _, p := range paths {
		switch p {
		case "*":
			for _, k := range []string{"name", "organization", "custom_id", "color_code", "template_notifications", "template_sms_notifications", "template_email_notifications"} {
				keys[k] = true
			}
		case "organization.id":
			keys["organization"] = true
		default:
			keys[p] = true
		}
	}
	for k, v := range keys {
		if !v {
			delete(keys, k)
		}
	}
	return keys
}
