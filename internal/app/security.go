package app

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"

	"github.com/pigello-facade/pigello-facade/auth"
	"github.com/pigello-facade/pigello-facade/server"
)

// security is who may call: the listeners' TLS and the bearer tokens, with
// the watchers that reload them.
type security struct {
	tls    *tls.Config // nil: plaintext
	tokens *auth.Tokens
	stop   func()
}

// tokenChecker returns nil, not a nil *auth.Tokens, when tokens are off, so
// the interface is nil too.
func (s *security) tokenChecker() server.TokenChecker {
	if s.tokens == nil {
		return nil
	}
	return s.tokens
}

func newSecurity(ctx context.Context, cfg Config, logger *slog.Logger) (*security, error) {
	ctx, cancel := context.WithCancel(ctx)
	s := &security{stop: cancel}
	if cfg.AuthTokensFile != "" {
		t, err := auth.LoadTokens(cfg.AuthTokensFile)
		if err != nil {
			cancel()
			return nil, fmt.Errorf("app: --auth-tokens-file: %w", err)
		}
		if t.Count() == 0 {
			logger.Warn("the tokens file holds no token: every call will be refused", "file", cfg.AuthTokensFile)
		}
		s.tokens = t
		go t.Watch(ctx, cfg.ReloadInterval, reportReload(logger, "tokens", cfg.AuthTokensFile))
	}
	if cfg.TLSCertFile != "" {
		r, err := auth.NewCertReloader(cfg.TLSCertFile, cfg.TLSKeyFile)
		if err != nil {
			cancel()
			return nil, fmt.Errorf("app: TLS: %w", err)
		}
		if s.tls, err = auth.ServerTLSConfig(r, cfg.TLSClientCAFile); err != nil {
			cancel()
			return nil, fmt.Errorf("app: TLS: %w", err)
		}
		go r.Watch(ctx, cfg.ReloadInterval, reportReload(logger, "TLS certificate", cfg.TLSCertFile))
	}
	return s, nil
}

// reportReload logs a reload that failed; the previous tokens or
// certificate stay in force.
func reportReload(logger *slog.Logger, what, file string) func(error) {
	return func(err error) {
		logger.Error("could not reload "+what+"; keeping the previous ones", "file", file, "error", err)
	}
}
