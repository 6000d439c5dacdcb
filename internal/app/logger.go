package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"go.uber.org/zap/zapcore"
)

// logBufferSize is how many bytes of log lines --log-flush-interval may
// hold: at a few hundred bytes a line, a few hundred calls' lines.
const logBufferSize = 64 << 10

// logOutput is where the process logger writes: w itself, or with a flush
// interval a buffer in front of it (zapcore.BufferedWriteSyncer). One write
// per call's log line was about a tenth of the facade's CPU at 7,000 Gets a
// second (bench/README.md); batched, it is a write per buffer or interval.
type logOutput struct {
	zapcore.WriteSyncer
	// Stop writes out what is held and ends the flushing; call it before
	// the process exits.
	Stop func() error
}

// newLogOutput buffers lines for w for up to interval; 0 writes each line
// at once. Sync writes out what is held. It never asks w to reach the disk
// (os.File.Sync): the lines only have to reach w.
func newLogOutput(w io.Writer, interval time.Duration) logOutput {
	direct := zapcore.AddSync(struct{ io.Writer }{w}) // hides w's own Sync
	if interval <= 0 {
		return logOutput{WriteSyncer: direct, Stop: func() error { return nil }}
	}
	buffered := &zapcore.BufferedWriteSyncer{WS: direct, Size: logBufferSize, FlushInterval: interval}
	return logOutput{WriteSyncer: buffered, Stop: buffered.Stop}
}

// newLogger builds the process logger writing to out. A line at warn or
// above writes out at once every line before it too: what an operator must
// act on is never held back, nor lost if the process is killed.
// Credentials reach the logger only as upstream.Credentials, which logs as
// a count of the values set.
func newLogger(cfg Config, out zapcore.WriteSyncer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		return nil, fmt.Errorf("app: --log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	switch cfg.LogFormat {
	case "text":
		h = slog.NewTextHandler(out, opts)
	case "json":
		h = slog.NewJSONHandler(out, opts)
	default:
		return nil, fmt.Errorf("app: --log-format must be text or json, not %q", cfg.LogFormat)
	}
	return slog.New(syncAtWarn{h, out}), nil
}

// syncAtWarn is a handler that writes out what out holds after each record
// at warn or above.
type syncAtWarn struct {
	slog.Handler
	out zapcore.WriteSyncer
}

// Handle implements slog.Handler.
func (h syncAtWarn) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		_ = h.out.Sync() // a failed write shows in the next one's error, which slog drops alike
	}
	return err
}

// WithAttrs implements slog.Handler.
func (h syncAtWarn) WithAttrs(attrs []slog.Attr) slog.Handler {
	return syncAtWarn{h.Handler.WithAttrs(attrs), h.out}
}

// WithGroup implements slog.Handler.
func (h syncAtWarn) WithGroup(name string) slog.Handler {
	return syncAtWarn{h.Handler.WithGroup(name), h.out}
}
