package emulator_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pigello-facade/pigello-facade/emulator"
)

func TestPatchValidWrites(t *testing.T) {
	long255 := strings.Repeat("é", 255)
	tests := []struct {
		name string
		body string
		want string // the keys of the answer to compare
	}{
		{"name trimmed", body("name", `"  Consultant \n"`), `{"name": "Consultant"}`},
		{"name python whitespace trimmed", body("name", `"\u001f\u00a0Consultant\u2028"`), `{"name": "Consultant"}`},
		{"name 255 characters", body("name", jsonString(" "+long255+" ")), `{"name": ` + jsonString(long255) + `}`},
		{"name valid surrogate pair", body("name", `"\ud83d\ude00"`), `{"name": "😀"}`},
		{"name html kept", body("name", `"<b>&</b>"`), `{"name": "<b>&</b>"}`},
		{"custom_id null", body("custom_id", "null"), `{"custom_id": null}`},
		{"custom_id blank", body("custom_id", `""`), `{"custom_id": ""}`},
		{"custom_id spaces become blank", body("custom_id", `"   "`), `{"custom_id": ""}`},
		{"custom_id 128 characters", body("custom_id", jsonString(strings.Repeat("x", 128))), `{"custom_id": ` + jsonString(strings.Repeat("x", 128)) + `}`},
		{"color_code three digits", body("color_code", `"fA0"`), `{"color_code": "fA0"}`},
		{"color_code six digits trimmed", body("color_code", `" A1b2C3 "`), `{"color_code": "A1b2C3"}`},
		{"color_code null", body("color_code", "null"), `{"color_code": null}`},
		{"organization null", body("organization", "null"), `{"organization": null}`},
		{"organization upper-case", body("organization", `{"id": "6D4F2A8C-1E3B-4C5D-9A7F-8B0E2D4C6A81"}`), `{"organization": {"id": "6d4f2a8c-1e3b-4c5d-9a7f-8b0e2d4c6a81"}}`},
		{"templates null", body("template_notifications", "null"), `{"template_notifications": null}`},
		{"templates empty", body("template_sms_notifications", "[]"), `{"template_sms_notifications": []}`},
		{"templates null item", body("template_email_notifications", "[null]"), `{"template_email_notifications": [null]}`},
		{"templates kept as sent", body("template_notifications", `[{"id": "x", "n": 1.50, "deep": {"a": [1]}}, null]`), `{"template_notifications": [{"id": "x", "n": 1.5, "deep": {"a": [1]}}, null]}`},
		{"several fields", `{"name": "B", "custom_id": "C-2", "color_code": "000"}`, `{"name": "B", "custom_id": "C-2", "color_code": "000"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t, emulator.Config{})
			path := detailPath(f.emu.DemoIDs()[1])
			resp := f.call(t, "PATCH", path, tt.body)
			if resp.status != 200 {
				t.Fatalf("PATCH status = %d, want 200 (body %s)", resp.status, resp.body)
			}
			want := decode(t, tt.want).(map[string]any)
			for _, got := range []map[string]any{resp.object(t), f.call(t, "GET", path, "").object(t)} {
				if diff := cmp.Diff(want, pick(got, want)); diff != "" {
					t.Errorf("record mismatch (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// pick returns the entries of got whose keys are in want.
func pick(got, want map[string]any) map[string]any {
	out := map[string]any{}
	for key := range want {
		if v, ok := got[key]; ok {
			out[key] = v
		}
	}
	return out
}

func TestPatchNullVersusAbsent(t *testing.T) {
	f := setup(t, emulator.Config{})
	path := firstDemo(f)
	before := f.call(t, "GET", path, "").object(t)

	resp := f.call(t, "PATCH", path, `{"custom_id": null, "template_sms_notifications": null, "organization": null}`)
	if resp.status != 200 {
		t.Fatalf("PATCH status = %d, want 200 (body %s)", resp.status, resp.body)
	}
	want := map[string]any{}
	for key, v := range before {
		want[key] = v
	}
	want["custom_id"], want["template_sms_notifications"], want["organization"] = nil, nil, nil
	if diff := cmp.Diff(want, resp.object(t)); diff != "" {
		t.Errorf("PATCH answer mismatch (-want +got):\n%s", diff)
	}

	// An empty object, and an empty body, leave everything as it was.
	for _, b := range []string{`{}`, ``} {
		if diff := cmp.Diff(want, f.call(t, "PATCH", path, b).object(t)); diff != "" {
			t.Errorf("PATCH %q changed the record (-want +got):\n%s", b, diff)
		}
	}
}

func TestCreateDefaults(t *testing.T) {
	f := setup(t, emulator.Config{NoSeed: true})
	resp := f.call(t, "POST", collection, `{"name": " New "}`)
	if resp.status != 201 {
		t.Fatalf("POST status = %d, want 201 (body %s)", resp.status, resp.body)
	}
	got := resp.object(t)
	want := map[string]any{
		"id": got["id"], "created_at": got["created_at"], "name": "New",
		"organization": nil, "custom_id": nil, "color_code": nil,
		"template_notifications": nil, "template_sms_notifications": nil, "template_email_notifications": nil,
		"tags": nil, "customer_columns": nil,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("POST answer mismatch (-want +got):\n%s", diff)
	}
}
