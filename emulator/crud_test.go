package emulator_test

import (
	"bytes"
	"fmt"
	"regexp"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pigello-facade/pigello-facade/emulator"
)

var (
	uuidV4    = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	createdAt = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$`)
)

func TestRoundTrip(t *testing.T) {
	f := setup(t, emulator.Config{})
	created := f.call(t, "POST", collection, `{"name": "Contractor", "organization": {"id": "`+acme+`"},
		"custom_id": "C-1", "color_code": "abc", "template_notifications": [{"id": "t", "n": 1.50}]}`)
	if created.status != 201 {
		t.Fatalf("POST status = %d, want 201 (body %s)", created.status, created.body)
	}
	obj := created.object(t)
	id, _ := obj["id"].(string)
	if !uuidV4.MatchString(id) {
		t.Errorf("id = %q, want a lower-case v4 UUID", id)
	}
	if s, _ := obj["created_at"].(string); !createdAt.MatchString(s) {
		t.Errorf("created_at = %q, want DRF's ISO 8601 in UTC", s)
	}
	if !bytes.Contains(created.body, []byte(`"n":1.50`)) {
		t.Errorf("body %s does not keep the template item as sent", created.body)
	}

	path := detailPath(id)
	got := f.call(t, "GET", path, "")
	got.check(t, 200, string(created.body))

	patched := f.call(t, "PATCH", path, `{"name": "Senior contractor", "color_code": null}`)
	obj["name"], obj["color_code"] = "Senior contractor", nil
	if diff := cmp.Diff(obj, patched.object(t)); diff != "" {
		t.Errorf("PATCH answer mismatch (-want +got):\n%s", diff)
	}
	f.call(t, "GET", path, "").check(t, 200, string(patched.body))

	deleted := f.call(t, "DELETE", path, "")
	if deleted.status != 204 || len(deleted.body) != 0 {
		t.Errorf("DELETE = %d %q, want 204 with no body", deleted.status, deleted.body)
	}
	f.call(t, "GET", path, "").check(t, 404, notFound)
	f.call(t, "PATCH", path, `{"name": "x"}`).check(t, 404, notFound)
	f.call(t, "DELETE", path, "").check(t, 404, notFound)
}

func TestResponseFormat(t *testing.T) {
	f := setup(t, emulator.Config{})
	resp := f.call(t, "PATCH", firstDemo(f), `{"name": "<A&B>"}`)
	if got := resp.header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", got)
	}
	// DRF's renderer is compact, does not escape HTML and ends without a newline.
	if !bytes.Contains(resp.body, []byte(`"name":"<A&B>"`)) || bytes.HasSuffix(resp.body, []byte("\n")) {
		t.Errorf("body %s is not rendered as DRF renders it", resp.body)
	}
}

// The demo ids are quoted in documentation: changing them breaks it.
func TestDemoIDsAreStable(t *testing.T) {
	emu := emulator.New(emulator.Config{})
	wantRecords := []string{"3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31", "8a1c4e7f-2b3d-4f5a-8e6c-9d0b1a2c3e42", "c5d7e9f1-4a6b-4c8d-a0e2-f3b5c7d9e153"}
	if diff := cmp.Diff(wantRecords, emu.DemoIDs()); diff != "" {
		t.Errorf("DemoIDs mismatch (-want +got):\n%s", diff)
	}
	wantOrgs := []string{acme, "6d4f2a8c-1e3b-4c5d-9a7f-8b0e2d4c6a81"}
	if diff := cmp.Diff(wantOrgs, emu.DemoOrganizationIDs()); diff != "" {
		t.Errorf("DemoOrganizationIDs mismatch (-want +got):\n%s", diff)
	}
	if got := emulator.New(emulator.Config{NoSeed: true}).DemoIDs(); got != nil {
		t.Errorf("DemoIDs with NoSeed = %v, want nil", got)
	}
}

func TestDemoRecords(t *testing.T) {
	f := setup(t, emulator.Config{})
	want := []string{
		`{"id": "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31", "name": "Full-time employment",
		  "organization": {"id": "0b7e3c2a-5f1d-4a8e-b6c4-2e9f1a3d5c70"}, "custom_id": "WE-0001", "color_code": "1E90ff",
		  "template_notifications": [{"id": "5e0c1f3a-8d2b-4b7e-9f4a-6c1d2e3f4a5b"}, {"id": "7a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d"}],
		  "template_sms_notifications": [{"id": "9b8a7c6d-5e4f-4d3c-a2b1-0f9e8d7c6b5a"}], "template_email_notifications": [null],
		  "tags": [{"id": "2c4e6a8b-1d3f-4e5a-b7c9-0a2b4c6d8e0f", "name": "Priority"}],
		  "customer_columns": {"cost_center": "4100", "headcount": 12}, "created_at": "2024-01-15T09:30:00.123456Z"}`,
		`{"id": "8a1c4e7f-2b3d-4f5a-8e6c-9d0b1a2c3e42", "name": "Internship", "organization": null, "custom_id": null,
		  "color_code": null, "template_notifications": null, "template_sms_notifications": null,
		  "template_email_notifications": null, "tags": null, "customer_columns": null, "created_at": "2024-03-01T08:00:00Z"}`,
		`{"id": "c5d7e9f1-4a6b-4c8d-a0e2-f3b5c7d9e153", "name": "Part-time, 50 %",
		  "organization": {"id": "6d4f2a8c-1e3b-4c5d-9a7f-8b0e2d4c6a81"}, "custom_id": "", "color_code": null,
		  "template_notifications": [], "template_sms_notifications": [null], "template_email_notifications": null,
		  "tags": null, "customer_columns": {}, "created_at": "2025-06-30T12:45:10.500000Z"}`,
	}
	for i, id := range f.emu.DemoIDs() {
		f.call(t, "GET", detailPath(id), "").check(t, 200, want[i])
	}
}

func TestConfig(t *testing.T) {
	extra := "AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE"
	f := setup(t, emulator.Config{NoSeed: true, Organizations: []string{extra}})
	f.call(t, "GET", detailPath("3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31"), "").check(t, 404, notFound)

	resp := f.call(t, "POST", collection, `{"name": "x", "organization": {"id": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"}}`)
	if resp.status != 201 {
		t.Errorf("POST with a configured organization: status = %d, want 201 (body %s)", resp.status, resp.body)
	}
	resp = f.call(t, "POST", collection, `{"name": "x", "organization": {"id": "6d4f2a8c-1e3b-4c5d-9a7f-8b0e2d4c6a81"}}`)
	if resp.status != 201 {
		t.Errorf("POST with a demo organization: status = %d, want 201 (body %s)", resp.status, resp.body)
	}
}

// TestConcurrentUse is for the race detector: writes, reads and deletes of
// the same records at once.
func TestConcurrentUse(t *testing.T) {
	f := setup(t, emulator.Config{})
	path := firstDemo(f)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for _, req := range [][3]string{
				{"POST", collection, fmt.Sprintf(`{"name": "w%d"}`, i)},
				{"PATCH", path, fmt.Sprintf(`{"custom_id": "c%d"}`, i)},
				{"GET", path, ""},
			} {
				if _, err := f.try(req[0], req[1], req[2]); err != nil {
					t.Error(err)
				}
				_ = f.emu.Requests()
			}
		})
	}
	wg.Go(func() {
		if _, err := f.try("DELETE", detailPath(f.emu.DemoIDs()[2]), ""); err != nil {
			t.Error(err)
		}
	})
	wg.Wait()
	if n := len(f.emu.Requests()); n != 8*3+1 {
		t.Errorf("recorded %d requests, want %d", n, 8*3+1)
	}
}
