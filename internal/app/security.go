package app

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"sync"

	"github.com/pigello-facade/pigello-facade/auth"
	"github.com/pigello-facade/pigello-facade/server"
)

// security is who may call: the listeners' TLS and the bearer tokens, with
// the watchers that reload them.
type security struct {
	tls    *tls.Config // nil: plaintext
	tokens *auth.Tokens
	stop   func() // ends the watchers and waits for them
}

// tokenChecker returns nil, not a nil *auth.Tokens, when tokens are off, so
// the interface is nil too.
func (s *security) tokenChecker() server.TokenChecker {
	if s.tokens == nil {
		return nil
	}
	return s.tokens
}

func newSecurity(ctx context.Context, cfg SecurityConfig, logger *slog.Logger) (*security, error) {
	ctx, cancel := context.WithCancel(ctx)
	var watchers sync.WaitGroup
	s := &security{stop: func() { cancel(); watchers.Wait() }}
	if cfg.TokensFile != "" {
		t, err := auth.LoadTokens(cfg.TokensFile)
		if err != nil {
			s.stop()
			return nil, fmt.Errorf("app: --auth-tokens-file: %w", err)
		}
		if t.Count() == 0 {
			logger.Warn("the tokens file holds no token: every call will be refused", "file", cfg.TokensFile)
		}
		s.tokens = t
		watchers.Go(func() { t.Watch(ctx, cfg.ReloadInterval, logger) })
	}
	if cfg.TLSCertFile != "" {
		r, err := auth.NewCertReloader(cfg.TLSCertFile, cfg.TLSKeyFile)
		if err != nil {
			s.stop()
			return nil, fmt.Errorf("app: TLS: %w", err)
		}
		if s.tls, err = auth.ServerTLSConfig(r, cfg.TLSClientCAFile); err != nil {
			s.stop()
			return nil, fmt.Errorf("app: TLS: %w", err)
		}
		watchers.Go(func() { r.Watch(ctx, cfg.ReloadInterval, logger) })
	}
	return s, nil
}
