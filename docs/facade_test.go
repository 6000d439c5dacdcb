package docs_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/pigello-facade/pigello-facade/internal/app"
)

// startFacade runs the whole facade in-process on its embedded emulator,
// with ports the system picks, and returns its HTTP base URL. A non-empty
// token turns bearer tokens on with that one token.
func startFacade(t *testing.T, token string) string {
	t.Helper()
	args := []string{"--emulator", "--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}
	if token != "" {
		sum := sha256.Sum256([]byte(token))
		file := filepath.Join(t.TempDir(), "tokens")
		if err := os.WriteFile(file, []byte(hex.EncodeToString(sum[:])+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--auth-tokens-file", file)
	}
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan struct{})
	var runErr error
	go func() {
		defer close(done)
		runErr = app.Run(ctx, args, func(string) string { return "" }, out)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		if runErr != nil {
			t.Errorf("facade: %v", runErr)
		}
	})
	banner := regexp.MustCompile(`HTTP:\s+http://(\S+)`)
	// The limit only stops a facade that hangs before serving; it starts in
	// well under a second, except on a machine busy enough to need minutes.
	for deadline := time.Now().Add(startLimit); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := banner.FindStringSubmatch(out.String()); m != nil {
			return "http://" + m[1]
		}
		select {
		case <-done:
			t.Fatalf("facade stopped before serving: %v\n%s", runErr, out)
		default:
		}
	}
	t.Fatalf("facade printed no HTTP address within %v:\n%s", startLimit, out)
	return ""
}

// startLimit bounds the facade's start-up, as a last resort against a hang.
const startLimit = 2 * time.Minute

// syncBuffer is the facade's stdout, written by its goroutines and read by
// the test.
type syncBuffer = testkit.SyncBuffer
