package emulator_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/pigello-facade/pigello-facade/emulator"
)

func TestFaultLatency(t *testing.T) {
	f := setup(t, emulator.Config{})
	const latency = 200 * time.Millisecond
	f.emu.Script(emulator.Match{}, emulator.Fault{Latency: latency})
	start := time.Now()
	resp := f.call(t, "GET", firstDemo(f), "")
	if elapsed := time.Since(start); elapsed < latency {
		t.Errorf("GET took %v, want at least %v", elapsed, latency)
	}
	if resp.status != 200 || resp.object(t)["id"] != f.emu.DemoIDs()[0] {
		t.Errorf("GET after latency = %d %s, want the normal answer", resp.status, resp.body)
	}
}

// Status faults are taken in order, then requests are answered normally.
func TestFaultStatusSequence(t *testing.T) {
	f := setup(t, emulator.Config{})
	const httpDate = "Wed, 21 Oct 2026 07:28:00 GMT"
	f.emu.Script(emulator.Match{},
		emulator.Fault{Status: 503, RetryAfter: "2"},
		emulator.Fault{Status: 429, RetryAfter: httpDate},
		emulator.Fault{Status: 500},
	)
	want := []struct {
		status     int
		body       string
		retryAfter string
	}{
		{503, `{"detail": "Service Unavailable."}`, "2"},
		{429, `{"detail": "Request was throttled."}`, httpDate},
		{500, `{"detail": "A server error occurred."}`, ""},
	}
	for i, w := range want {
		resp := f.call(t, "GET", firstDemo(f), "")
		resp.check(t, w.status, w.body)
		if got := resp.header.Get("Retry-After"); got != w.retryAfter {
			t.Errorf("request %d: Retry-After = %q, want %q", i, got, w.retryAfter)
		}
	}
	for range 2 {
		if resp := f.call(t, "GET", firstDemo(f), ""); resp.status != 200 || resp.header.Get("Retry-After") != "" {
			t.Errorf("GET after the queue = %d (Retry-After %q), want a normal 200", resp.status, resp.header.Get("Retry-After"))
		}
	}
}

func TestFaultAnswers(t *testing.T) {
	tests := []struct {
		name        string
		method      string
		fault       emulator.Fault
		status      int
		contentType string
		body        string // "" with a 200: the normal answer (a record)
		retryAfter  string
	}{
		{"throttled for seconds", "GET", emulator.Fault{Status: 429, RetryAfter: "7"}, 429, "application/json",
			`{"detail":"Request was throttled. Expected available in 7 seconds."}`, "7"},
		{"throttled for a second", "GET", emulator.Fault{Status: 429, RetryAfter: "1"}, 429, "application/json",
			`{"detail":"Request was throttled. Expected available in 1 second."}`, "1"},
		{"not found", "GET", emulator.Fault{Status: 404}, 404, "application/json", `{"detail":"Not found."}`, ""},
		{"method not allowed", "PATCH", emulator.Fault{Status: 405}, 405, "application/json", `{"detail":"Method \"PATCH\" not allowed."}`, ""},
		{"unauthorized", "GET", emulator.Fault{Status: 401}, 401, "application/json", `{"detail":"Incorrect authentication credentials."}`, ""},
		{"gateway timeout", "GET", emulator.Fault{Status: 504}, 504, "application/json", `{"detail":"Gateway Timeout."}`, ""},
		{"HTML error page", "GET", emulator.Fault{Status: 502, Body: "<html>Bad gateway</html>"}, 502, "text/html; charset=utf-8", "<html>Bad gateway</html>", ""},
		{"JSON body alone is a 200", "GET", emulator.Fault{Body: `{"id": 5}`}, 200, "application/json", `{"id": 5}`, ""},
		{"no content", "DELETE", emulator.Fault{Status: 204}, 204, "", "", ""},
		{"retry-after on a normal answer", "GET", emulator.Fault{RetryAfter: "3"}, 200, "application/json", "", "3"},
		{"zero fault", "GET", emulator.Fault{}, 200, "application/json", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t, emulator.Config{})
			f.emu.Script(emulator.Match{}, tt.fault)
			resp := f.call(t, tt.method, firstDemo(f), "")
			if resp.status != tt.status {
				t.Errorf("status = %d, want %d", resp.status, tt.status)
			}
			if got := resp.header.Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
			}
			if got := resp.header.Get("Retry-After"); got != tt.retryAfter {
				t.Errorf("Retry-After = %q, want %q", got, tt.retryAfter)
			}
			switch {
			case tt.status == 200 && tt.body == "":
				if resp.object(t)["id"] != f.emu.DemoIDs()[0] {
					t.Errorf("body = %s, want the demo record", resp.body)
				}
			case string(resp.body) != tt.body:
				t.Errorf("body = %q, want %q", resp.body, tt.body)
			}
		})
	}
}

func TestFaultMalformed(t *testing.T) {
	f := setup(t, emulator.Config{})
	f.emu.Script(emulator.Match{}, emulator.Fault{Malformed: true})
	resp := f.call(t, "GET", firstDemo(f), "")
	if resp.status != 200 || resp.header.Get("Content-Type") != "application/json" {
		t.Errorf("answer = %d %q, want 200 application/json", resp.status, resp.header.Get("Content-Type"))
	}
	if len(resp.body) == 0 || json.Valid(resp.body) {
		t.Errorf("body %q is valid JSON or empty, want a malformed one", resp.body)
	}
}

func TestFaultOversized(t *testing.T) {
	for _, size := range []int{2 << 20, 10} {
		f := setup(t, emulator.Config{})
		f.emu.Script(emulator.Match{}, emulator.Fault{Oversized: size})
		resp := f.call(t, "GET", firstDemo(f), "")
		if resp.status != 200 || len(resp.body) < size {
			t.Errorf("Oversized %d: answer = %d with %d bytes, want 200 with at least %d", size, resp.status, len(resp.body), size)
		}
		if obj := resp.object(t); obj["id"] != f.emu.DemoIDs()[0] {
			t.Errorf("Oversized %d: id = %v, want the requested pk", size, obj["id"])
		}
	}
}
