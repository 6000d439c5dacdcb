package emulator_test

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pigello-facade/pigello-facade/emulator"
)

func TestFaultMatch(t *testing.T) {
	f := setup(t, emulator.Config{})
	first, second := f.emu.DemoIDs()[0], f.emu.DemoIDs()[1]
	teapot := emulator.Fault{Status: 418}

	f.emu.Script(emulator.Match{Method: "patch"}, teapot)
	f.emu.Script(emulator.Match{ID: second}, teapot)
	f.emu.Script(emulator.Match{Method: "DELETE", ID: strings.ToUpper(first)}, teapot)
	steps := []struct {
		method, path, body string
		status             int
	}{
		{"GET", detailPath(first), "", 200},
		{"DELETE", detailPath(second), "", 418}, // the ID match
		{"POST", collection, `{"name": "n"}`, 201},
		{"PATCH", detailPath(first), `{"name": "n"}`, 418}, // the method match
		{"PATCH", detailPath(first), `{"name": "n"}`, 200},
		{"GET", detailPath(second), "", 200},
		{"DELETE", detailPath(first), "", 418}, // both
		{"DELETE", detailPath(first), "", 204},
	}
	for i, s := range steps {
		if resp := f.call(t, s.method, s.path, s.body); resp.status != s.status {
			t.Errorf("step %d: %s %s = %d, want %d", i, s.method, s.path, resp.status, s.status)
		}
	}
}

// Queued faults are taken oldest script first and before any repeating one.
func TestFaultQueueOrder(t *testing.T) {
	f := setup(t, emulator.Config{})
	f.emu.ScriptRepeat(emulator.Match{}, emulator.Fault{Status: 504})
	f.emu.ScriptRepeat(emulator.Match{Method: "GET"}, emulator.Fault{Status: 505}) // shadowed by the older repeat
	f.emu.Script(emulator.Match{}, emulator.Fault{Status: 501}, emulator.Fault{Status: 502})
	f.emu.Script(emulator.Match{Method: "GET"}, emulator.Fault{Status: 503})
	var got []int
	for range 5 {
		got = append(got, f.call(t, "GET", firstDemo(f), "").status)
	}
	if diff := cmp.Diff([]int{501, 502, 503, 504, 504}, got); diff != "" {
		t.Errorf("statuses mismatch (-want +got):\n%s", diff)
	}
}

func TestScriptRepeat(t *testing.T) {
	f := setup(t, emulator.Config{})
	f.emu.ScriptRepeat(emulator.Match{Method: "GET"}, emulator.Fault{Status: 503})
	for i := range 10 {
		if resp := f.call(t, "GET", firstDemo(f), ""); resp.status != 503 {
			t.Fatalf("GET %d = %d, want 503 until ClearFaults", i, resp.status)
		}
	}
	if resp := f.call(t, "PATCH", firstDemo(f), `{}`); resp.status != 200 {
		t.Errorf("PATCH = %d, want 200: the repeat matches GET only", resp.status)
	}
	f.emu.ClearFaults()
	if resp := f.call(t, "GET", firstDemo(f), ""); resp.status != 200 {
		t.Errorf("GET after ClearFaults = %d, want 200", resp.status)
	}
}

// Every attempt is recorded, however it was faulted, and Count finds it.
func TestFaultedRequestsAreRecorded(t *testing.T) {
	f := setup(t, emulator.Config{})
	first := f.emu.DemoIDs()[0]
	f.emu.Script(emulator.Match{Method: "GET"},
		emulator.Fault{Status: 503}, emulator.Fault{Close: true}, emulator.Fault{Reset: true}, emulator.Fault{Malformed: true})
	client := freshClient(t)
	for range 5 {
		if resp, err := f.send(client, "GET", detailPath(first), ""); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	f.call(t, "PATCH", detailPath(first), `{}`)
	f.call(t, "POST", collection, `{"name": "n"}`)

	if n := len(f.emu.Requests()); n != 7 {
		t.Errorf("Requests() has %d requests, want 7", n)
	}
	counts := []struct {
		m    emulator.Match
		want int
	}{
		{emulator.Match{}, 7},
		{emulator.Match{Method: "get"}, 5},
		{emulator.Match{ID: strings.ToUpper(first)}, 6},
		{emulator.Match{Method: "PATCH", ID: first}, 1},
		{emulator.Match{Method: "POST"}, 1},
		{emulator.Match{Method: "DELETE"}, 0},
	}
	for _, c := range counts {
		if got := f.emu.Count(c.m); got != c.want {
			t.Errorf("Count(%+v) = %d, want %d", c.m, got, c.want)
		}
	}
}

// A fault stands for the network or the server, so it comes before the
// credentials are looked at; a fault that answers normally does not.
func TestFaultBeforeAuth(t *testing.T) {
	f := setup(t, emulator.Config{})
	f.emu.Script(emulator.Match{}, emulator.Fault{Status: 503}, emulator.Fault{Latency: time.Millisecond})
	noSecret := withoutHeader("X-PIGELLO-CLIENT-SECRET")
	f.call(t, "GET", firstDemo(f), "", noSecret).check(t, 503, `{"detail": "Service Unavailable."}`)
	f.call(t, "GET", firstDemo(f), "", noSecret).check(t, 401, notProvided)
}

func TestScriptRejectsInvalidFaults(t *testing.T) {
	tests := []struct {
		name  string
		match emulator.Match
		fault emulator.Fault
		want  string
	}{
		{"negative latency", emulator.Match{}, emulator.Fault{Latency: -1}, "latency -1ns is negative"},
		{"informational status", emulator.Match{}, emulator.Fault{Status: 101}, "status 101 is not between 200 and 599"},
		{"status too high", emulator.Match{}, emulator.Fault{Status: 600}, "status 600 is not between 200 and 599"},
		{"body on a 204", emulator.Match{}, emulator.Fault{Status: 204, Body: "x"}, "a 204 answer has no body"},
		{"two answers", emulator.Match{}, emulator.Fault{Status: 503, Malformed: true}, "status/body, malformed exclude each other"},
		{"hang and close", emulator.Match{}, emulator.Fault{Hang: true, Close: true}, "hang, close exclude each other"},
		{"reset of nothing", emulator.Match{}, emulator.Fault{Close: true, Reset: true}, "reset and retry_after cannot apply"},
		{"close twice", emulator.Match{}, emulator.Fault{Close: true, ServeThenClose: true}, "close, serve_then_close exclude each other"},
		{"retry_after on a lost answer", emulator.Match{}, emulator.Fault{ServeThenClose: true, RetryAfter: "1"}, "reset and retry_after cannot apply"},
		{"huge", emulator.Match{}, emulator.Fault{Oversized: 1 << 30}, "oversized 1073741824 is not between 0 and 67108864"},
		{"header injection", emulator.Match{}, emulator.Fault{RetryAfter: "1\r\nX-Evil: 1"}, "is not a valid header value"},
		{"bad id", emulator.Match{ID: "42"}, emulator.Fault{}, `match: id "42" is not a UUID`},
		{"bad method", emulator.Match{Method: "GET /"}, emulator.Fault{}, `match: method "GET /" is not one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS`},
		{"unknown method", emulator.Match{Method: "gte"}, emulator.Fault{}, `match: method "GTE" is not one of`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			emu := emulator.New(emulator.Config{})
			for name, script := range map[string]func(){
				"Script":       func() { emu.Script(tt.match, emulator.Fault{}, tt.fault) },
				"ScriptRepeat": func() { emu.ScriptRepeat(tt.match, tt.fault) },
			} {
				got := panicValue(script)
				if s, _ := got.(string); !strings.HasPrefix(s, "emulator: "+name+": ") || !strings.Contains(s, tt.want) {
					t.Errorf("%s panicked with %v, want a message about %q", name, got, tt.want)
				}
			}
		})
	}
}

func panicValue(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}
