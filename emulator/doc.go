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
// Besides the Pigello paths it serves GET and DELETE /_emulator/requests, an
// unauthenticated inspection endpoint listing (and clearing) the requests it
// has received, with every credential header value redacted.
package emulator
