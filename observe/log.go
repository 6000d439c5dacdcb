package observe

import (
	"context"
	"log/slog"

	"go.opentelemetry.io/otel/trace"
)

// Logger returns logger with a handler that adds request_id and trace_id to
// every record logged with a context that carries them (the *Context
// methods, LogAttrs), so each line of a call, the retry warnings included,
// can be matched with the others and with its trace. Records logged
// without such a context are unchanged. Wrapping twice adds nothing.
func Logger(logger *slog.Logger) *slog.Logger {
	if _, ok := logger.Handler().(contextHandler); ok {
		return logger
	}
	return slog.New(contextHandler{logger.Handler()})
}

// contextHandler adds the context's request id and trace id to records.
type contextHandler struct{ slog.Handler }

// Handle implements slog.Handler.
func (h contextHandler) Handle(ctx context.Context, r slog.Record) error {
	id := RequestIDFromContext(ctx)
	sc := trace.SpanContextFromContext(ctx)
	if id == "" && !sc.IsValid() {
		return h.Handler.Handle(ctx, r)
	}
	r = r.Clone()
	if id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	if sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()))
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs implements slog.Handler.
func (h contextHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return contextHandler{h.Handler.WithAttrs(attrs)}
}

// WithGroup implements slog.Handler.
func (h contextHandler) WithGroup(name string) slog.Handler {
	return contextHandler{h.Handler.WithGroup(name)}
}
