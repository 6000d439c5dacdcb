// Package upstream is the client for Pigello's REST API (the "Accounts"
// application) that the facade calls on behalf of its gRPC clients.
//
// It knows nothing of gRPC or protobuf, nor of the fields of Pigello's
// objects: it speaks HTTP and JSON, sends the JSON bodies its caller builds,
// decodes each answer into the caller's target (a target that refuses it
// makes [ErrMalformedResponse]), and reports every non-2xx answer as an
// [*Error]. Every call takes one path, laid out in call.go in the order it
// runs: an operation method builds its request (newRequest) and hands it to
// do, which makes the attempts; each attempt passes the guards and makes one
// exchange (bareDo), whose answer checkResponse and decode read
// (response.go). So the seven credential headers, bounded reads, status
// checks, decoding and retries happen in exactly one place, and a new
// operation is a method of a dozen lines.
//
// Credentials never appear in logs, errors or formatted output: [Credentials]
// masks itself for fmt and log/slog, errors carry no URL or header value, and
// a [Client] never follows a redirect (it sends with its http.Client's
// transport alone, see [New]), because net/http would forward the custom
// X-PIGELLO-* headers to whatever host a redirect names.
//
// Resilience is opt-in and decided in one place too: WithRetryPolicy
// retries GET and DELETE after transport failures and 429/502/503/504 with
// capped, fully jittered exponential backoff and Retry-After, and any other
// method (PATCH, POST) only when it never left (no connection was had for
// it), and marks one that may have reached Pigello and got no answer with
// ErrOutcomeUnknown; WithAttemptTimeout bounds each attempt;
// WithLimiter bounds requests in flight (ErrOverloaded) and
// WithBreaker stops calling a failing Pigello (ErrCircuitOpen), both with
// the guards of package resilience. No wait ever outlasts the caller's
// deadline. Stats and the observer's Event report each attempt.
//
// What Pigello does not document is assumed in named places: the shape of
// its error bodies in drf.go, the envelope of its list answers in
// listenvelope.go, its Retry-After at parseRetryAfter.
package upstream
