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
		{name: "throttled for seconds", method: "GET", fault: emulator.Fault{Status: 429, RetryAfter: "7"}, status: 429, contentType: "application/json",
			body: `{"detail":"Request was throttled. Expected available in 7 seconds."}`, retryAfter: "7"},
		{name: "throttled for a second", method: "GET", fault: emulator.Fault{Status: 429, RetryAfter: "1"}, status: 429, contentType: "application/json",
			body: `{"detail":"Request was throttled. Expected available in 1 second."}`, retryAfter: "1"},
		{name: "not found", method: "GET", fault: emulator.Fault{Status: 404}, status: 404, contentType: "application/json", body: `{"detail":"Not found."}`},
		{name: "method not allowed", method: "PATCH", fault: emulator.Fault{Status: 405}, status: 405, contentType: "application/json", body: `{"detail":"Method \"PATCH\" not allowed."}`},
		{name: "unauthorized", method: "GET", fault: emulator.Fault{Status: 401}, status: 401, contentType: "application/json", body: `{"detail":"Incorrect authentication credentials."}`},
		{name: "gateway timeout", method: "GET", fault: emulator.Fault{Status: 504}, status: 504, contentType: "application/json", body: `{"detail":"Gateway Timeout."}`},
		{name: "HTML error page", method: "GET", fault: emulator.Fault{Status: 502, Body: "<html>Bad gateway</html>"}, status: 502, contentType: "text/html; charset=utf-8", body: "<html>Bad gateway</html>"},
		{name: "JSON body alone is a 200", method: "GET", fault: emulator.Fault{Body: `{"id": 5}`}, status: 200, contentType: "application/json", body: `{"id": 5}`},
		{name: "no content", method: "DELETE", fault: emulator.Fault{Status: 204}, status: 204},
		{name: "retry-after on a normal answer", method: "GET", fault: emulator.Fault{RetryAfter: "3"}, status: 200, contentType: "application/json", retryAfter: "3"},
		{name: "zero fault", method: "GET", fault: emulator.Fault{}, status: 200, contentType: "application/json"},
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
