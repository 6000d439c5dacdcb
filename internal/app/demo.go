package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/pigello-facade/pigello-facade/emulator"
	"github.com/pigello-facade/pigello-facade/upstream"
)

// embeddedEmulator is the Pigello emulator --emulator runs on loopback.
type embeddedEmulator struct {
	url      string
	creds    upstream.Credentials
	ids      []string
	envelope emulator.ListEnvelope
	server   *http.Server
}

// startEmulator serves an emulator on a free loopback port, answering
// list/ in envelope (--emulator-list-envelope, so that both shapes the
// facade reads can be tried). It accepts the facade's credentials when all
// seven are configured, else the public demo ones, so --emulator also
// works on a machine with no secrets at all.
func startEmulator(creds upstream.Credentials, envelope string) (*embeddedEmulator, error) {
	if missing := missingCredentials(creds); len(missing) > 0 && creds != (upstream.Credentials{}) {
		return nil, fmt.Errorf("app: --emulator: set all seven PIGELLO_* credentials or none; missing %s", strings.Join(missing, ", "))
	}
	ec := emulator.Credentials(creds)
	if creds == (upstream.Credentials{}) {
		ec = emulator.DemoCredentials()
		creds = upstream.Credentials(ec)
	}
	// The flag allows only emulator.ListEnvelopes, so New does not panic.
	shape := emulator.ListEnvelope(envelope)
	emu := emulator.New(emulator.Config{Credentials: ec, ListEnvelope: shape})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("app: emulator listener: %w", err)
	}
	srv := emu.NewServer()
	go func() { _ = srv.Serve(lis) }()
	return &embeddedEmulator{url: "http://" + lis.Addr().String(), creds: creds, ids: emu.DemoIDs(), envelope: shape, server: srv}, nil
}

func (e *embeddedEmulator) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.server.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		_ = e.server.Close()
	}
}

// demoCommands are the commands the banner offers to paste with --emulator:
// grpcurl invoked as grpcurl, the facade at grpcAddr and httpAddr, id a demo
// work engagement.
func demoCommands(grpcurl, grpcAddr, id, httpAddr string) string {
	return fmt.Sprintf(`
Try it:
  %[1]s -plaintext %[2]s list
  %[1]s -plaintext %[2]s describe pigello.accounts.v1.WorkEngagement
  %[1]s -plaintext -d '{"id": "%[3]s"}' %[2]s pigello.accounts.v1.WorkEngagementService/GetWorkEngagement
  %[1]s -plaintext -d '{"page_size": 2, "order_by": "created_at desc"}' %[2]s pigello.accounts.v1.WorkEngagementService/ListWorkEngagements
  %[1]s -plaintext -d '{"work_engagement": {"id": "%[3]s", "color_code": "0a0"}, "update_mask": {"paths": ["color_code"]}}' %[2]s pigello.accounts.v1.WorkEngagementService/UpdateWorkEngagement
  curl -s http://%[4]s/v1/workEngagements/%[3]s
  curl -s 'http://%[4]s/v1/workEngagements?page_size=2&order_by=created_at%%20desc'
  curl -s -X POST -H 'Content-Type: application/json' -d '{"name": "Contractor"}' http://%[4]s/v1/workEngagements
  curl -s -X PATCH -H 'Content-Type: application/json' -d '{"color_code": null}' http://%[4]s/v1/workEngagements/%[3]s
  curl -s -X DELETE http://%[4]s/v1/workEngagements/%[3]s

`, grpcurl, grpcAddr, id, httpAddr)
}
