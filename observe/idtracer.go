package observe

import (
	"context"
	"encoding/binary"
	"math/rand/v2"

	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/embedded"
)

// idProvider is the tracer provider when no span is exported. Its spans
// record nothing, yet each has its own span id, continues the caller's trace
// id, flags and trace state, or starts a new sampled trace: what the SDK
// with its default sampler (parentbased_always_on) would put in the
// traceparent sent to Pigello and in the logs, without building spans that
// no exporter takes. The SDK's provider without an exporter, recording
// spans no one takes, cost about 7% more of the facade's CPU per gRPC Get
// at 50 callers (bench/README.md, library choices; BenchmarkNoExportProvider).
type idProvider struct{ embedded.TracerProvider }

func (idProvider) Tracer(string, ...trace.TracerOption) trace.Tracer { return idTracer{} }

type idTracer struct{ embedded.Tracer }

// Start implements trace.Tracer.
func (idTracer) Start(ctx context.Context, _ string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	cfg := trace.SpanContextConfig{SpanID: newSpanID(), TraceFlags: trace.FlagsSampled}
	parent := trace.SpanContextFromContext(ctx)
	if start := trace.NewSpanStartConfig(opts...); parent.IsValid() && !start.NewRoot() {
		cfg.TraceID, cfg.TraceFlags, cfg.TraceState = parent.TraceID(), parent.TraceFlags(), parent.TraceState()
	} else {
		cfg.TraceID = newTraceID()
	}
	// ContextWithSpanContext wraps the span context in a non-recording span,
	// which SpanFromContext then returns.
	ctx = trace.ContextWithSpanContext(ctx, trace.NewSpanContext(cfg))
	return ctx, trace.SpanFromContext(ctx)
}

// newTraceID and newSpanID draw from math/rand/v2's per-thread ChaCha8
// generator, as unpredictable as the SDK's ids and without its lock.
func newTraceID() (id trace.TraceID) {
	for !id.IsValid() {
		binary.LittleEndian.PutUint64(id[:8], rand.Uint64())
		binary.LittleEndian.PutUint64(id[8:], rand.Uint64())
	}
	return id
}

func newSpanID() (id trace.SpanID) {
	for !id.IsValid() {
		binary.LittleEndian.PutUint64(id[:], rand.Uint64())
	}
	return id
}
