package auth

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	tokenA = "tok-A-9f8e7d6c5b4a"
	tokenB = "tok-B-1a2b3c4d5e6f" // same length as tokenA: files of A and B are the same size
	tokenC = "tok-C-0f1e2d3c4b5a"
)

// tokensEnv is a token file and the Tokens loaded from it.
type tokensEnv struct {
	path   string
	tokens *Tokens
}

// setup writes a token file accepting tokenA and loads it.
func setup(t *testing.T) *tokensEnv {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tokens")
	writeFile(t, path, []byte(tokenFile(tokenA)))
	tok, err := LoadTokens(path)
	if err != nil {
		t.Fatalf("LoadTokens returned %v", err)
	}
	return &tokensEnv{path: path, tokens: tok}
}

// accepts reports whether the tokens in force accept token.
func (e *tokensEnv) accepts(token string) bool { return e.tokens.Check("Bearer "+token) == nil }

func TestCheck(t *testing.T) {
	env := setup(t)
	tests := []struct {
		name, authorization string
		want                error
	}{
		{"right token", "Bearer " + tokenA, nil},
		{"lower-case scheme", "bearer " + tokenA, nil},
		{"upper-case scheme", "BEARER " + tokenA, nil},
		{"extra spaces", "Bearer     " + tokenA, nil},
		{"surrounding whitespace", " \tBearer " + tokenA + " \t", nil},
		{"empty", "", ErrMissingToken},
		{"only spaces", "   ", ErrMissingToken},
		{"basic", "Basic x", ErrMalformedToken},
		{"basic with the token", "Basic " + tokenA, ErrMalformedToken},
		{"scheme only", "Bearer", ErrMalformedToken},
		{"scheme and space", "Bearer ", ErrMalformedToken},
		{"no space", "Bearer" + tokenA, ErrMalformedToken},
		{"tab separator", "Bearer\t" + tokenA, ErrMalformedToken},
		{"token alone", tokenA, ErrMalformedToken},
		{"two tokens", "Bearer " + tokenA + " " + tokenA, ErrMalformedToken},
		{"not b64token", "Bearer " + tokenA + ",x", ErrMalformedToken},
		{"non-ASCII", "Bearer tök", ErrMalformedToken},
		{"only padding", "Bearer ===", ErrMalformedToken},
		{"padding inside", "Bearer ab=c", ErrMalformedToken},
		{"too long", "Bearer " + strings.Repeat("a", maxTokenLen+1), ErrMalformedToken},
		{"wrong token", "Bearer " + tokenB, ErrInvalidToken},
		{"right token with padding", "Bearer " + tokenA + "=", ErrInvalidToken},
		{"b64token characters", "Bearer aZ09-._~+/==", ErrInvalidToken},
		{"digest as token", "Bearer " + digestOf(tokenA), ErrInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := env.tokens.Check(tt.authorization)
			if err != tt.want {
				t.Fatalf("Check returned %v, want %v", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), tokenA) {
				t.Errorf("error %q contains the token", err)
			}
		})
	}
}

func TestCheckNilTokens(t *testing.T) {
	var tok *Tokens
	if err := tok.Check("Bearer " + tokenA); err != ErrInvalidToken {
		t.Errorf("Check on nil Tokens returned %v, want %v", err, ErrInvalidToken)
	}
	if err := new(Tokens).Check("Bearer " + tokenA); err != ErrInvalidToken {
		t.Errorf("Check on zero Tokens returned %v, want %v", err, ErrInvalidToken)
	}
}

func TestWatchReloadsChangedFile(t *testing.T) {
	tests := []struct {
		name   string
		update func(t *testing.T, path string, data []byte)
	}{
		// The same size, written at once: only the content comparison of a
		// recently changed file, or ctime and mtime ticks, can tell.
		{"in-place rewrite", writeFile},
		{"rename over", renameOver},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := setup(t)
			log := startWatch(t, env.tokens.Watch)
			tt.update(t, env.path, []byte(tokenFile(tokenB)))
			eventually(t, "tokenB accepted", func() bool { return env.accepts(tokenB) })
			if env.accepts(tokenA) {
				t.Error("tokenA still accepted after it left the file")
			}
			if errs := log.list(); len(errs) > 0 {
				t.Errorf("onErr got %v", errs)
			}
		})
	}
}

func TestWatchReloadsKubernetesSecretSwap(t *testing.T) {
	secret := newSecretDir(t, map[string][]byte{"tokens": []byte(tokenFile(tokenA))})
	tok, err := LoadTokens(secret.path("tokens"))
	if err != nil {
		t.Fatalf("LoadTokens returned %v", err)
	}
	env := &tokensEnv{path: secret.path("tokens"), tokens: tok}
	log := startWatch(t, tok.Watch)
	for _, next := range []string{tokenB, tokenC, tokenA} {
		secret.update(map[string][]byte{"tokens": []byte(tokenFile(next))})
		eventually(t, next+" accepted", func() bool { return env.accepts(next) })
		if got := tok.Count(); got != 1 {
			t.Errorf("Count returned %d, want 1", got)
		}
	}
	if errs := log.list(); len(errs) > 0 {
		t.Errorf("onErr got %v", errs)
	}
}

func TestWatchKeepsTokensOnBadFile(t *testing.T) {
	env := setup(t)
	log := startWatch(t, env.tokens.Watch)
	renameOver(t, env.path, []byte(tokenFile(tokenB)+tokenC+"\n"))
	eventually(t, "onErr called", func() bool { return log.len() > 0 })
	err := log.list()[0]
	if !strings.Contains(err.Error(), "line 3") || strings.Contains(err.Error(), tokenC) {
		t.Errorf("onErr got %q, want an error naming line 3 without its content", err)
	}
	if !env.accepts(tokenA) || env.accepts(tokenB) {
		t.Error("tokens in force changed after a bad file")
	}
	never(t, "reported the same bad file twice", 10*pollInterval, func() bool { return log.len() > 1 })

	renameOver(t, env.path, []byte(tokenFile(tokenB)))
	eventually(t, "fixed file loaded", func() bool { return env.accepts(tokenB) })
	if n := log.len(); n != 1 {
		t.Errorf("onErr called %d times, want 1", n)
	}
}

func TestWatchKeepsTokensOnDeletedFile(t *testing.T) {
	env := setup(t)
	log := startWatch(t, env.tokens.Watch)
	if err := os.Remove(env.path); err != nil {
		t.Fatal(err)
	}
	eventually(t, "onErr called", func() bool { return log.len() > 0 })
	if err := log.list()[0]; !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("onErr got %v, want fs.ErrNotExist", err)
	}
	if !env.accepts(tokenA) {
		t.Error("tokenA refused after the file was deleted")
	}
	never(t, "reported the missing file twice", 10*pollInterval, func() bool { return log.len() > 1 })

	writeFile(t, env.path, []byte(tokenFile(tokenB)))
	eventually(t, "recreated file loaded", func() bool { return env.accepts(tokenB) })
}

func TestWatchStopsOnCancel(t *testing.T) {
	env := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		env.tokens.Watch(ctx, pollInterval, nil)
	}()
	time.Sleep(3 * pollInterval) // let it poll a few times
	cancel()
	select {
	case <-done:
	case <-time.After(waitTimeout):
		t.Fatal("Watch did not return after cancel")
	}
}

func TestReload(t *testing.T) {
	env := setup(t)
	writeFile(t, env.path, []byte(tokenFile(tokenA, tokenB)))
	if err := env.tokens.Reload(); err != nil {
		t.Fatalf("Reload returned %v", err)
	}
	if got := env.tokens.Count(); got != 2 {
		t.Errorf("Count returned %d, want 2", got)
	}
	writeFile(t, env.path, []byte("nonsense\n"))
	if err := env.tokens.Reload(); err == nil || !strings.HasPrefix(err.Error(), "auth: ") {
		t.Errorf("Reload of a bad file returned %v, want an auth: error", err)
	}
	if !env.accepts(tokenA) || !env.accepts(tokenB) {
		t.Error("tokens in force changed after a failed Reload")
	}
}

// TestCheckDuringReload gives the race detector calls and swaps to watch.
func TestCheckDuringReload(t *testing.T) {
	env := setup(t)
	startWatch(t, env.tokens.Watch)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
					_ = env.tokens.Check("Bearer " + tokenA)
					_ = env.tokens.Count()
				}
			}
		})
	}
	for i := range 20 {
		renameOver(t, env.path, []byte(tokenFile(tokenA, tokenB, strings.Repeat("x", i))))
		if err := env.tokens.Reload(); err != nil {
			t.Errorf("Reload returned %v", err)
		}
	}
	close(stop)
	wg.Wait()
}
