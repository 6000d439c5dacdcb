package observe

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"go.opentelemetry.io/otel/trace"
)

func TestLogger(t *testing.T) {
	var buf bytes.Buffer
	logger := Logger(slog.New(slog.NewJSONHandler(&buf, nil)))
	if again := Logger(logger); again != logger {
		t.Error("Logger wrapped an already wrapped logger again")
	}
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ctx := trace.ContextWithSpanContext(ContextWithRequestID(context.Background(), "req-1"),
		trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid}))

	logger.With("k", "v").InfoContext(ctx, "with")
	logger.Info("without")

	dec := json.NewDecoder(&buf)
	var with, without map[string]any
	if err := dec.Decode(&with); err != nil {
		t.Fatal(err)
	}
	if err := dec.Decode(&without); err != nil {
		t.Fatal(err)
	}
	if with["request_id"] != "req-1" || with["trace_id"] != tid.String() || with["k"] != "v" {
		t.Errorf("record logged with a context = %v, want request_id req-1, trace_id %s and k", with, tid)
	}
	if _, ok := without["request_id"]; ok {
		t.Errorf("record logged without a context = %v, want no request_id", without)
	}
}
