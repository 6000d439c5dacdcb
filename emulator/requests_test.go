package emulator_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pigello-facade/pigello-facade/emulator"
)

func TestRequests(t *testing.T) {
	f := setup(t, emulator.Config{})
	path := firstDemo(f)
	f.call(t, "PATCH", path+"?a=1&b=%2F", `{"name": "x"}`)
	f.call(t, "GET", "/accounts/users/organization/workengagement%2F", "", withoutHeader("X-PIGELLO-CLIENT-SECRET"))
	f.call(t, "GET", "/_emulator/requests", "") // not recorded

	got := f.emu.Requests()
	if len(got) != 2 {
		t.Fatalf("Requests() returned %d requests, want 2", len(got))
	}
	type summary struct{ Method, Path, RawQuery, Body, Secret string }
	want := []summary{
		{"PATCH", path, "a=1&b=%2F", `{"name": "x"}`, f.creds.ClientSecret},
		{"GET", "/accounts/users/organization/workengagement%2F", "", "", ""},
	}
	var sums []summary
	for _, r := range got {
		sums = append(sums, summary{r.Method, r.Path, r.RawQuery, string(r.Body), r.Header.Get("X-Pigello-Client-Secret")})
	}
	if diff := cmp.Diff(want, sums); diff != "" {
		t.Errorf("Requests() mismatch (-want +got):\n%s", diff)
	}

	// What Requests returns is a copy: changing it changes nothing recorded.
	got[0].Header.Set("X-Pigello-Client-Secret", "changed")
	got[0].Body[0] = '!'
	again := f.emu.Requests()[0]
	if again.Header.Get("X-Pigello-Client-Secret") != f.creds.ClientSecret || again.Body[0] != '{' {
		t.Errorf("Requests() returned the log itself, not a copy")
	}

	f.emu.ResetRequests()
	if n := len(f.emu.Requests()); n != 0 {
		t.Errorf("after ResetRequests, Requests() returned %d requests, want 0", n)
	}
}

func TestInspectionEndpoint(t *testing.T) {
	f := setup(t, emulator.Config{})
	f.call(t, "GET", firstDemo(f), "", withHeader("Authorization", "Bearer tok"), withHeader("X-Trace", "t-1"))
	f.call(t, "POST", collection+"?dry=1", `{"name": "y"}`)

	noCreds := func(r *http.Request) { r.Header = http.Header{} }
	resp := f.call(t, "GET", "/_emulator/requests", "", noCreds)
	if resp.status != 200 {
		t.Fatalf("GET /_emulator/requests: status = %d, want 200", resp.status)
	}
	for _, secret := range append(credentialValues(f.creds), "Bearer tok") {
		if bytes.Contains(resp.body, []byte(secret)) {
			t.Errorf("inspection body contains the credential %q: %s", secret, resp.body)
		}
	}
	list, _ := decode(t, string(resp.body)).([]any)
	if len(list) != 2 {
		t.Fatalf("inspection listed %d requests, want 2: %s", len(list), resp.body)
	}
	first := list[0].(map[string]any)
	header := first["header"].(map[string]any)
	wantHeader := map[string]any{
		"X-Pigello-Client-Secret": []any{"[redacted]"},
		"Authorization":           []any{"[redacted]"},
		"X-Trace":                 []any{"t-1"},
	}
	if diff := cmp.Diff(wantHeader, pick(header, wantHeader)); diff != "" {
		t.Errorf("inspected headers mismatch (-want +got):\n%s", diff)
	}
	second := list[1].(map[string]any)
	wantSecond := map[string]any{"method": "POST", "path": collection, "raw_query": "dry=1", "body": `{"name": "y"}`}
	if diff := cmp.Diff(wantSecond, pick(second, wantSecond)); diff != "" {
		t.Errorf("inspected request mismatch (-want +got):\n%s", diff)
	}

	if del := f.call(t, "DELETE", "/_emulator/requests", "", noCreds); del.status != 204 {
		t.Errorf("DELETE /_emulator/requests: status = %d, want 204", del.status)
	}
	f.call(t, "GET", "/_emulator/requests", "", noCreds).check(t, 200, `[]`)
	post := f.call(t, "POST", "/_emulator/requests", "", noCreds)
	post.check(t, 405, `{"detail": "Method \"POST\" not allowed."}`)
	if n := len(f.emu.Requests()); n != 0 {
		t.Errorf("inspection requests were recorded: %d requests, want 0", n)
	}
}

func credentialValues(c emulator.Credentials) []string {
	var values []string
	for _, v := range credentialHeaders(c) {
		values = append(values, v)
	}
	return values
}
