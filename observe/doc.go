// Package observe is what lets an operator see into the facade: request ids
// that follow one call from its caller through the facade to Pigello,
// Prometheus metrics for gRPC, REST and the Pigello client, OpenTelemetry
// tracing with W3C trace context, and a slog handler that stamps each log
// line of a call with its request id and trace id.
//
// Nothing here is global. The Prometheus registry, the tracer provider and
// the propagator are built by the caller (internal/app) and handed to each
// piece, so several facades can run in one process, as the tests do, and
// no library's default registry or global provider decides what is
// exported. What tracing exports is read, as the OpenTelemetry libraries
// read it, from the standard OTEL_* variables of the process environment.
//
// No metric label, span attribute or log field holds a credential or a
// token. Metric labels never hold a raw request path either: they are
// method names, route patterns, operation names and status codes, so their
// number stays bounded whatever callers send. Spans may carry the path,
// whose work engagement id is no secret.
package observe
