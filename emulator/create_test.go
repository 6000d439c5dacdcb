package emulator_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pigello-facade/pigello-facade/emulator"
)

// withName returns the JSON object body with a valid name added unless it
// has one, so that a create refuses it for the same reasons a PATCH does.
func withName(t *testing.T, body string) string {
	t.Helper()
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &obj); err != nil {
		t.Fatalf("case body %s is not an object: %v", body, err)
	}
	if _, ok := obj["name"]; !ok {
		obj["name"] = json.RawMessage(`"Named"`)
	}
	b, err := json.Marshal(obj) // raw values are kept as written, escapes and all
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCreateValidatesLikePatch: every body a PATCH refuses (read-only and
// unknown keys, types, lengths, the pattern, organizations), sent with a
// name, is refused by a POST with the same DRF body.
func TestCreateValidatesLikePatch(t *testing.T) {
	for _, tt := range append(stringFieldCases(), nestedFieldCases()...) {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t, emulator.Config{NoSeed: true})
			f.call(t, "POST", collection, withName(t, tt.body)).check(t, 400, tt.want)
		})
	}
}

// TestCreateStoresTheRecord: a POST with every writable field answers 201
// with the record as stored: a fresh lower-case v4 id, created_at the
// emulator's clock at the request, the writable fields as cleaned, tags and
// customer_columns null; a GET then reads the same record, and each create
// gets its own id.
func TestCreateStoresTheRecord(t *testing.T) {
	cfg := emulator.Config{NoSeed: true}
	// In Stockholm's summer time, with nanoseconds: stored in UTC, to the
	// microsecond, as DRF writes a time.
	at := time.Date(2024, 5, 6, 9, 8, 9, 123456789, time.FixedZone("CEST", 2*60*60))
	f := serve(t, emulator.NewAt(cfg, func() time.Time { return at }), cfg)
	body := `{"name": " Contractor ", "organization": {"id": "` + strings.ToUpper(acme) + `"},
		"custom_id": "", "color_code": "A1b2C3",
		"template_notifications": [{"kind": "a", "n": 1}], "template_sms_notifications": [],
		"template_email_notifications": null}`
	created := f.call(t, "POST", collection, body)
	if created.status != 201 {
		t.Fatalf("POST status = %d, want 201 (body %s)", created.status, created.body)
	}
	got := created.object(t)
	id, _ := got["id"].(string)
	if !uuidV4.MatchString(id) {
		t.Errorf("id = %q, want a lower-case v4 UUID", id)
	}
	want := map[string]any{
		"id": id, "created_at": "2024-05-06T07:08:09.123456Z", "name": "Contractor", "organization": map[string]any{"id": acme},
		"custom_id": "", "color_code": "A1b2C3",
		"template_notifications":     []any{map[string]any{"kind": "a", "n": 1.0}},
		"template_sms_notifications": []any{}, "template_email_notifications": nil,
		"tags": nil, "customer_columns": nil,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("POST answer mismatch (-want +got):\n%s", diff)
	}
	f.call(t, "GET", detailPath(id), "").check(t, 200, string(created.body))
	if again := f.call(t, "POST", collection, body).object(t)["id"]; again == id {
		t.Errorf("a second create got the id %v of the first", again)
	}
}

// TestCreateLostAnswer: a POST served then closed is recorded and counted
// once, and its client gets no answer: Pigello acted, the client cannot tell.
func TestCreateLostAnswer(t *testing.T) {
	f := setup(t, emulator.Config{NoSeed: true})
	f.emu.Script(emulator.Match{Method: "POST"}, emulator.Fault{ServeThenClose: true})
	resp, err := f.send(freshClient(t), "POST", collection, `{"name": "Applied, unheard"}`)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("POST answered %d, want the connection dropped before any answer", resp.StatusCode)
	}
	if n := f.emu.Count(emulator.Match{Method: "POST"}); n != 1 {
		t.Errorf("Count = %d, want 1", n)
	}
	reqs := f.emu.Requests()
	if len(reqs) != 1 || reqs[0].Method != "POST" || reqs[0].Path != collection || string(reqs[0].Body) != `{"name": "Applied, unheard"}` {
		t.Errorf("request log = %+v, want the one POST as sent", reqs)
	}
}
