// Package emulator is a strict, in-memory Pigello for one resource: the
// Accounts application's Workengagement
// (/accounts/users/organization/workengagement/).
//
// It is written from Pigello's published API documentation, not from this
// repository's client, so that a misreading of the contract in one cannot hide
// behind the same misreading in the other; the two only meet over HTTP.
//
// The emulator answers like the Django REST Framework service it stands in
// for: the seven X-PIGELLO-* credential headers are checked before anything
// else, paths match Django's uuid converter exactly (lower-case, trailing
// slash), and errors are DRF bodies ({"detail": ...} or {"field": [...]}).
// Where DRF would be lenient it is stricter on purpose, so that client bugs
// surface here rather than in production: read-only and unknown keys in a
// write are rejected, non-string values are not coerced to strings, and only
// the canonical hyphenated UUID form is accepted in request bodies.
//
// It is an http.Handler, so it runs behind any listener:
//
//	srv := httptest.NewServer(emulator.New(emulator.Config{}))
//	defer srv.Close()
//
// A credential header sent twice is refused (401), whether the second value
// differs or not: Django sees the two joined by a comma, which matches
// nothing.
//
// Besides the Pigello paths it serves GET and DELETE /_emulator/requests, an
// unauthenticated inspection endpoint listing (and clearing) the requests it
// has received, with every credential header value redacted. Every path
// under /_emulator/ is the emulator's own: never recorded, never faulted,
// 404 unless ControlEndpoints lists it, and 405 with an Allow header for a
// method it does not serve.
//
// # Faults
//
// To prove a client's retries, timeouts, breaker and error mapping, the
// emulator can misbehave on demand, per request: Script queues Faults for
// the requests a Match selects, ScriptRepeat gives one to all of them until
// ClearFaults, and Count tells how many attempts arrived. A fault is
// applied after the request is recorded and before its credentials are
// checked, since it stands for the network or a server in trouble, not for
// the API. Close releases requests a fault holds:
//
//	emu := emulator.New(emulator.Config{})
//	srv := httptest.NewServer(emu)
//	t.Cleanup(srv.Close)
//	t.Cleanup(emu.Close) // runs first: hung requests must not block srv.Close
//	emu.Script(emulator.Match{Method: "GET"},
//		emulator.Fault{Status: 503, RetryAfter: "1"},
//		emulator.Fault{Reset: true})
//	// The third GET is answered normally.
//
// The same is available over HTTP, unauthenticated and unrecorded, for
// clients not written in Go. POST /_emulator/faults adds a script:
//
//	{"match": {"method": "GET", "id": "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31"},
//	 "faults": [{"status": 503, "retry_after": "1"}, {"latency": "2s"}, {"reset": true}],
//	 "repeat": false}
//
// match is optional, as are both its keys (method one of GET, HEAD, POST,
// PUT, PATCH, DELETE and OPTIONS); "repeat": true takes exactly one fault. A
// fault's keys are those of Fault in snake case: latency (a Go duration
// string such as "250ms"), status, body, retry_after, reset, hang,
// malformed, oversized (bytes), close and serve_then_close; {} is a normal
// answer. Keys are matched exactly: an unknown key, one in another case
// ("Status") or one given twice is 400 {"detail": ...} naming it by its JSON
// pointer, as is an invalid fault. POST and GET answer 200 with
// every script still pending, in the order they are consulted, as a list of
// such objects; DELETE /_emulator/faults clears them all (204).
package emulator
