package app

import (
	"fmt"
	"io"
	"log/slog"
)

// newLogger builds the process logger. Credentials reach it only as
// upstream.Credentials, which logs as a count of the values set.
func newLogger(cfg Config, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		return nil, fmt.Errorf("app: --log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch cfg.LogFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("app: --log-format must be text or json, not %q", cfg.LogFormat)
}
