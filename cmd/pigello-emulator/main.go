// Command pigello-emulator serves the Pigello emulator (package emulator)
// over HTTP: a strict, in-memory Pigello for the Workengagement resource, for
// local runs (make run) and integration tests.
//
// Usage:
//
//	pigello-emulator [--addr 127.0.0.1:8000] [--list-envelope array|paginated]
//	pigello-emulator --version
//	pigello-emulator --help
//
// Every flag but --version can also be set from the environment as EMULATOR_
// plus its name in upper snake case (EMULATOR_ADDR, EMULATOR_LIST_ENVELOPE); a
// flag given on the command line wins. --list-envelope chooses the shape of
// GET .../workengagement/list/ answers, which Pigello does not document: a
// bare JSON array (the default) or DRF's paginated object. --help lists the
// flags and their variables, the credential variables with the demo values,
// list/'s query parameters, and the /_emulator/ endpoints.
// The credentials to accept come from PIGELLO_APPLICATION_ID,
// PIGELLO_CLIENT_CT, PIGELLO_CLIENT_ENTITY, PIGELLO_CLIENT_SECRET,
// PIGELLO_CUSTOMER_ID, PIGELLO_SERVICE_ID and PIGELLO_SERVICE_VERSION_ID: all
// seven, or none for the public demo credentials.
//
// Integration tests inspect it through /_emulator/requests and script
// faults (errors, latency, resets, hangs) through /_emulator/faults; see
// package emulator. Stopping it releases requests a fault holds.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/pigello-facade/pigello-facade/emulator"
)

// version is what --version prints, set at build time by
// -ldflags "-X main.version=..." (make build and the Dockerfile do).
var version = "dev"

// shutdownTimeout bounds how long in-flight requests may take to finish
// once a stop is asked for.
const shutdownTimeout = 10 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run serves the emulator until ctx is done, then shuts it down gracefully.
// It takes its arguments, environment and output as parameters so that
// tests can run the whole command in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := parseConfig(args, getenv, stdout)
	if errors.Is(err, errAnswered) {
		return nil
	}
	if err != nil {
		return err
	}
	emu := emulator.New(emulator.Config{Credentials: cfg.credentials, ListEnvelope: cfg.listEnvelope})
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("pigello-emulator: listen: %w", err)
	}
	printBanner(stdout, ln.Addr().String(), cfg, emu)
	return serve(ctx, emu.NewServer(), ln)
}

// serve runs srv on ln until ctx is done or serving fails, then shuts it
// down, giving in-flight requests shutdownTimeout to finish.
func serve(ctx context.Context, srv *http.Server, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("pigello-emulator: serve: %w", err)
	case <-ctx.Done():
	}
	// ctx is done; shutting down needs a deadline of its own.
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return errors.Join(fmt.Errorf("pigello-emulator: shutdown: %w", err), srv.Close())
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("pigello-emulator: serve: %w", err)
	}
	return nil
}

// printBanner says where the emulator listens and what it holds. Demo
// credentials are printed because they are public; configured ones never are.
func printBanner(w io.Writer, addr string, cfg config, emu *emulator.Emulator) {
	fmt.Fprintf(w, "pigello-emulator listening on http://%s\n", addr)
	if cfg.demo {
		fmt.Fprintln(w, "credentials: public demo values (set all seven PIGELLO_* variables to use your own)")
		creds := cfg.credentials
		for _, h := range credentialEnv(&creds) {
			fmt.Fprintf(w, "  %s: %s\n", h.header, *h.value)
		}
	} else {
		fmt.Fprintln(w, "credentials: from the PIGELLO_* environment variables")
	}
	fmt.Fprintf(w, "list envelope: %s\n", cfg.listEnvelope)
	fmt.Fprintf(w, "demo organizations: %v\n", emu.DemoOrganizationIDs())
	fmt.Fprintf(w, "demo workengagements: %v\n", emu.DemoIDs())
}
