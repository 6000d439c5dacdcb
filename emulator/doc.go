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
// Outside tests, Emulator.NewServer gives an http.Server with timeouts that
// releases the requests a fault holds when it shuts down; the
// pigello-emulator command and the facade's --emulator serve it so.
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
// # List
//
// GET /accounts/users/organization/workengagement/list/ lists records, after
// the same credential check. Pigello documents its query parameters but not
// its answer, its defaults or its errors; where it is silent the emulator
// chooses as follows.
//
//   - _page and _page_size (decimal digits only, at least 1; _page_size at
//     most MaxPageSize, above which is 400, not clamped) must be set
//     together: one alone is 400 naming the other. With neither, every
//     record is answered in one page: there is no documented default page
//     size to imitate. A page past the end is an empty page (200), not
//     DRF's 404 "Invalid page.".
//   - The envelope is Config.ListEnvelope: ListArray (default), a bare JSON
//     array; or ListPaginated, DRF's {"count", "next", "previous",
//     "results"}, next and previous absolute URLs (scheme and Host of the
//     request, the same path, the parameters sorted with _page replaced, as
//     DRF's replace_query_param writes them; null when there is no such
//     page or the list is not paged). previous is the page before, even past
//     the end; for the first page it carries _page=1 where DRF would drop
//     _page, since a link must keep the two set together.
//   - _order_by is a comma list of id, name, custom_id, color_code and
//     created_at, each optionally prefixed with "-" for descending. Ties,
//     and a list without _order_by, are ordered by created_at then id, so
//     pages never overlap or skip. Strings compare byte-wise, and a null
//     comes last ascending and first descending, as in PostgreSQL.
//   - _search is split into terms on whitespace and commas, as DRF's
//     SearchFilter does; a record matches when each term is found, in any
//     case, in its name or custom_id.
//   - Filters are Pigello's for Workengagement (ListFilters): color_code=
//     (exact) and its __contains, __endswith, __icontains, __iendswith,
//     __iexact, __in (a comma list), __isnull, __istartswith and
//     __startswith; created_at= and its __gt, __gte, __lt, __lte, __in and
//     __isnull. A "!" ending the parameter name negates a filter
//     (color_code!=abc) as Django's exclude() does, so a null color_code
//     passes it. Several filters and the search all apply (AND). Values are
//     trimmed as Django's form fields trim them. __isnull takes true or
//     false; a date-time must be RFC 3339 with an offset
//     (2024-01-01T00:00:00Z, or +01:00 sent as %2B01:00), since Django would
//     read one without in Pigello's undocumented time zone; microseconds
//     are kept, finer digits dropped.
//
// Where a real Pigello might silently ignore a parameter, and so widen a
// list, the emulator answers 400 with a DRF body ({"parameter": [...]},
// every problem at once) so that a client's bug shows in its tests: an
// unknown parameter, field or lookup; _slim, _jsonl and _statistics, whose
// effect Pigello does not document; the array filters (tags,
// customer_columns, global_realestates, global_segments), which are not
// emulated; a blank or malformed value; a parameter given twice (Django
// would take the last); a null character. A query string that does not
// decode (a bad %-escape, or not UTF-8) is 400 {"detail": ...}. As in
// Django, only "&" separates parameters: a ";" is part of a value.
// Pigello's Bulk write (POST list/) is not emulated: 405.
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
