// Package upstream is the client for Pigello's REST API (the "Accounts"
// application) that the facade calls on behalf of its gRPC clients.
//
// It knows nothing of gRPC or protobuf, nor of the fields of Pigello's
// objects: it speaks HTTP and JSON, sends the JSON bodies its caller builds,
// decodes each answer into the caller's target with encoding/json (a target
// that refuses it makes [ErrMalformedResponse]), and reports every non-2xx
// answer as an [*Error]. All traffic
// goes through one unexported do method so that the seven credential headers,
// bounded reads, status checks and decoding happen in exactly one place.
//
// Credentials never appear in logs, errors or formatted output: [Credentials]
// masks itself for fmt and log/slog, errors carry no URL or header value, and
// [NewHTTPClient] refuses to follow redirects, because net/http would forward
// the custom X-PIGELLO-* headers to whatever host a redirect names.
//
// Resilience is opt-in and decided in one place too: WithRetryPolicy
// retries GET and DELETE after transport failures and 429/502/503/504 with
// capped, fully jittered exponential backoff and Retry-After, and PATCH only
// when it never left (no connection was had for it), and marks a PATCH that
// may have reached Pigello and got no answer with ErrOutcomeUnknown;
// WithAttemptTimeout bounds each attempt;
// WithMaxConcurrency bounds requests in flight (ErrOverloaded);
// WithBreaker stops calling a failing Pigello (ErrCircuitOpen). No wait
// ever outlasts the caller's deadline. Stats and the observer's Event
// report each attempt.
package upstream
