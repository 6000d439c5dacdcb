package observe

import (
	"testing"

	"go.opentelemetry.io/otel/trace"
)

func TestIDTracer(t *testing.T) {
	traceID, _ := trace.TraceIDFromHex(callerTrace)
	spanID, _ := trace.SpanIDFromHex(callerSpan)
	state, err := trace.ParseTraceState("vendor=x")
	if err != nil {
		t.Fatal(err)
	}
	tracer := idProvider{}.Tracer("test")
	for _, flags := range []trace.TraceFlags{0, trace.FlagsSampled} {
		parent := trace.ContextWithRemoteSpanContext(t.Context(), trace.NewSpanContext(trace.SpanContextConfig{
			TraceID: traceID, SpanID: spanID, TraceFlags: flags, TraceState: state, Remote: true,
		}))
		ctx, span := tracer.Start(parent, "child")
		sc := span.SpanContext()
		if sc.TraceID() != traceID || sc.TraceFlags() != flags || sc.TraceState().String() != "vendor=x" {
			t.Errorf("child of a %v parent: trace %s flags %v state %q, want the parent's", flags, sc.TraceID(), sc.TraceFlags(), sc.TraceState())
		}
		if sc.SpanID() == spanID || !sc.SpanID().IsValid() || sc.IsRemote() {
			t.Errorf("child span id %s, want a new local one", sc.SpanID())
		}
		if span.IsRecording() {
			t.Error("span records, want nothing recorded")
		}
		if got := trace.SpanContextFromContext(ctx); !got.Equal(sc) {
			t.Errorf("context holds %v, want the new span's %v", got, sc)
		}
		_, root := tracer.Start(parent, "root", trace.WithNewRoot())
		if root.SpanContext().TraceID() == traceID {
			t.Error("WithNewRoot kept the parent's trace id")
		}
	}
	_, a := tracer.Start(t.Context(), "a")
	_, b := tracer.Start(t.Context(), "b")
	for _, s := range []trace.Span{a, b} {
		if sc := s.SpanContext(); !sc.IsValid() || !sc.IsSampled() {
			t.Errorf("span without a parent: %v, want a new valid sampled trace", sc)
		}
	}
	if a.SpanContext().TraceID() == b.SpanContext().TraceID() {
		t.Error("two spans without a parent share a trace id")
	}
}
