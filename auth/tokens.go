package auth

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"
)

// tokenFileLimit is the largest token file read: about 15,000 digests.
const tokenFileLimit = 1 << 20

// Tokens is the set of accepted bearer tokens, held as the SHA-256 digests
// of a token file (see the package documentation for its format). Its
// methods are safe for concurrent use; Check never waits for a reload.
type Tokens struct {
	path string
	src  *source
	set  atomic.Pointer[digestSet]
}

// LoadTokens reads the token file at path. It fails if the file cannot be
// read or has a line that is neither blank, a comment nor a digest. An empty
// file is valid but admits nobody; callers should warn when Count is 0. A
// file over 1 MiB is an error.
func LoadTokens(path string) (*Tokens, error) {
	t := &Tokens{path: path}
	t.src = &source{
		what: "tokens file", logAttrs: []any{"file", path},
		paths: []string{path}, limit: tokenFileLimit, apply: t.apply,
	}
	if err := t.src.reload(); err != nil {
		return nil, err
	}
	return t, nil
}

// apply installs the digests of a token file's contents.
func (t *Tokens) apply(data [][]byte) error {
	set, err := parseDigests(data[0])
	if err != nil {
		return fmt.Errorf("auth: token file %s: %w", t.path, err)
	}
	t.set.Store(&set)
	return nil
}

// Check reports whether authorization, the raw value of an HTTP
// Authorization header or of gRPC "authorization" metadata, carries an
// accepted token: "Bearer <token>", the scheme in any case, one or more
// spaces. It returns nil, ErrMissingToken, ErrMalformedToken or
// ErrInvalidToken. A nil *Tokens accepts nothing. A call carrying several
// authorization values should be refused by the caller, not checked value
// by value.
//
// The token's digest is looked up in a map rather than compared in
// constant time: lookup timing can reveal something about the digests in
// the file, but nothing about any token, since turning a digest back into a
// token means inverting SHA-256.
func (t *Tokens) Check(authorization string) error {
	token, err := bearerToken(authorization)
	if err != nil {
		return err
	}
	if _, ok := t.digests()[sha256.Sum256([]byte(token))]; !ok {
		return ErrInvalidToken
	}
	return nil
}

// Count returns the number of distinct digests in force. Zero means every
// call is refused.
func (t *Tokens) Count() int {
	return len(t.digests())
}

// digests returns the set in force; nil, which admits nobody, for a nil or
// zero Tokens.
func (t *Tokens) digests() digestSet {
	if t == nil {
		return nil
	}
	if p := t.set.Load(); p != nil {
		return *p
	}
	return nil
}

// Watch reloads the token file when it changes: written in place, renamed
// over, or swapped by a symbolic link as Kubernetes updates a mounted
// Secret. It watches the file's directory for changes and also reads the
// file every interval (DefaultWatchInterval if zero or less) in case a
// change sends no event. It blocks until ctx is done, so run it in its own
// goroutine.
//
// Each reload logs one line on logger (nil discards): the file reloaded, or
// refused with the reason. A file read again with the same contents logs
// nothing. A file that fails to parse, or that cannot be read or has
// disappeared, leaves the tokens in force unchanged and is logged once
// rather than once per read. A missing file is not read as "no tokens":
// during a botched or half-finished Secret update that would lock every
// client out, while keeping the old set admits only tokens the operator
// already accepted.
func (t *Tokens) Watch(ctx context.Context, interval time.Duration, logger *slog.Logger) {
	watch(ctx, interval, logger, func() []*source { return []*source{t.src} })
}
