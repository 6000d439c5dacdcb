package auth

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pigello-facade/pigello-facade/internal/testkit"
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
	testkit.WriteFile(t, path, testkit.TokensFile(tokenA))
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
		{"digest as token", "Bearer " + testkit.TokenDigest(tokenA), ErrInvalidToken},
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

// tokenSources lists tok's one source, for startWatch.
func tokenSources(tok *Tokens) func() []*source {
	return func() []*source { return []*source{tok.src} }
}

// secretsOf lists what no log line may hold about tokens: the tokens and
// their digests.
func secretsOf(tokens ...string) []string {
	var out []string
	for _, tok := range tokens {
		out = append(out, tok, testkit.TokenDigest(tok))
	}
	return out
}

func TestWatchReloadsTokens(t *testing.T) {
	for _, l := range testkit.FileLayouts() {
		for _, how := range noticers {
			t.Run(l.Name+" by "+how.String(), func(t *testing.T) {
				files := l.Create(t, map[string][]byte{"tokens": testkit.TokensFile(tokenA)})
				path := files.Path("tokens")
				tok, err := LoadTokens(path)
				if err != nil {
					t.Fatalf("LoadTokens returned %v", err)
				}
				env := &tokensEnv{path: path, tokens: tok}
				logs := startWatch(t, how, tokenSources(tok))
				// Twice: the watch outlives the first change (a swapped
				// symlink, a file renamed away).
				for n, next := range []string{tokenB, tokenC} {
					files.Update(map[string][]byte{"tokens": testkit.TokensFile(next)})
					testkit.Eventually(t, next+" accepted", func() bool { return env.accepts(next) })
					testkit.Eventually(t, "the reload logged", func() bool {
						r := logs.reloads(t)
						return len(r) > n && !r[len(r)-1].refused()
					})
				}
				if env.accepts(tokenA) || env.accepts(tokenB) || tok.Count() != 1 {
					t.Errorf("after two updates: tokenA accepted %v, tokenB %v, Count %d; want false, false, 1",
						env.accepts(tokenA), env.accepts(tokenB), tok.Count())
				}
				reloads := logs.reloads(t)
				if l.Atomic >= 1 && len(reloads) != 2 {
					t.Errorf("logged %d reloads, want 2 (one per update): %+v", len(reloads), reloads)
				}
				for _, r := range reloads {
					if r.File != path || (l.Atomic >= 1 && r.refused()) {
						t.Errorf("logged %+v, want reloads of %s", r, path)
					}
				}
				logs.assertHides(t, secretsOf(tokenA, tokenB, tokenC)...)
			})
		}
	}
}

// TestWatchKeepsTokensOnBadFile: a refused reload (a plain token pasted in)
// keeps the tokens in force, logs one line that names the line without its
// content, and a later change reloads.
func TestWatchKeepsTokensOnBadFile(t *testing.T) {
	env := setup(t)
	logs := startWatch(t, byEvent, tokenSources(env.tokens))
	testkit.RenameOver(t, env.path, append(testkit.TokensFile(tokenB), tokenC+"\n"...))
	testkit.Eventually(t, "the refusal logged", func() bool { return len(logs.reloads(t)) > 0 })
	got := logs.reloads(t)[0]
	if !got.refused() || got.Level != "ERROR" || got.File != env.path || !strings.Contains(got.Error, "line 3") {
		t.Errorf("logged %+v, want an ERROR refusing %s at line 3", got, env.path)
	}
	if !env.accepts(tokenA) || env.accepts(tokenB) {
		t.Error("tokens in force changed after a bad file")
	}
	never(t, "logged the same bad file twice", 30*pollInterval, func() bool { return len(logs.reloads(t)) > 1 })

	testkit.RenameOver(t, env.path, testkit.TokensFile(tokenB))
	testkit.Eventually(t, "fixed file loaded", func() bool { return env.accepts(tokenB) })
	testkit.Eventually(t, "the reload logged", func() bool { return len(logs.reloads(t)) == 2 })
	if r := logs.reloads(t); r[1].refused() || r[1].Level != "INFO" || len(r) != 2 {
		t.Errorf("logged %+v, want one refusal then one INFO reload", r)
	}
	logs.assertHides(t, secretsOf(tokenA, tokenB, tokenC)...)
}

func TestWatchKeepsTokensOnDeletedFile(t *testing.T) {
	env := setup(t)
	logs := startWatch(t, byEvent, tokenSources(env.tokens))
	if err := os.Remove(env.path); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, "the refusal logged", func() bool { return len(logs.refusals(t)) > 0 })
	if got := logs.refusals(t)[0]; !strings.Contains(got.Error, syscall.ENOENT.Error()) {
		t.Errorf("logged %+v, want a refusal for a missing file", got)
	}
	if !env.accepts(tokenA) {
		t.Error("tokenA refused after the file was deleted")
	}
	never(t, "logged the missing file twice", 30*pollInterval, func() bool { return len(logs.reloads(t)) > 1 })

	testkit.WriteFile(t, env.path, testkit.TokensFile(tokenB))
	testkit.Eventually(t, "recreated file loaded", func() bool { return env.accepts(tokenB) })
}

// TestWatchWithoutNotifications: when file notifications cannot start, the
// watcher says so in one line and the poll still reloads.
func TestWatchWithoutNotifications(t *testing.T) {
	env := setup(t)
	logs := startWatch(t, byPoll, tokenSources(env.tokens))
	testkit.RenameOver(t, env.path, testkit.TokensFile(tokenB))
	testkit.Eventually(t, "tokenB accepted", func() bool { return env.accepts(tokenB) })
	testkit.Eventually(t, "the reload logged", func() bool { return len(logs.reloads(t)) == 1 })
	lines := logs.lines(t)
	if len(lines) != 2 || lines[0].Level != "WARN" || !strings.Contains(lines[0].Msg, "checking them every 10ms instead") ||
		!strings.Contains(lines[0].Error, errNoNotify.Error()) {
		t.Errorf("logged %+v, want one WARN naming the poll, then the reload", lines)
	}
}

func TestWatchStopsOnCancel(t *testing.T) {
	env := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		env.tokens.Watch(ctx, testkit.EventsOnly, nil)
	}()
	time.Sleep(3 * pollInterval) // let it poll a few times
	cancel()
	select {
	case <-done:
	case <-time.After(testkit.WaitTimeout):
		t.Fatal("Watch did not return after cancel")
	}
}

func TestReload(t *testing.T) {
	env := setup(t)
	testkit.WriteFile(t, env.path, testkit.TokensFile(tokenA, tokenB))
	if err := env.tokens.src.reload(); err != nil {
		t.Fatalf("reload returned %v", err)
	}
	if got := env.tokens.Count(); got != 2 {
		t.Errorf("Count returned %d, want 2", got)
	}
	testkit.WriteFile(t, env.path, []byte("nonsense\n"))
	if err := env.tokens.src.reload(); err == nil || !strings.HasPrefix(err.Error(), "auth: ") {
		t.Errorf("reload of a bad file returned %v, want an auth: error", err)
	}
	if !env.accepts(tokenA) || !env.accepts(tokenB) {
		t.Error("tokens in force changed after a failed reload")
	}
}

// TestCheckDuringReload gives the race detector calls and swaps to watch.
func TestCheckDuringReload(t *testing.T) {
	env := setup(t)
	startWatch(t, byEvent, tokenSources(env.tokens))
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
		testkit.RenameOver(t, env.path, testkit.TokensFile(tokenA, tokenB, strings.Repeat("x", i)))
		if err := env.tokens.src.reload(); err != nil {
			t.Errorf("reload returned %v", err)
		}
	}
	close(stop)
	wg.Wait()
}
