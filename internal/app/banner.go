package app

import (
	"fmt"
	"io"
	"net"

	"github.com/pigello-facade/pigello-facade/emulator"
)

// printBanner tells a person where the facade listens and, on the emulator,
// gives commands to paste.
func printBanner(w io.Writer, cfg Config, f *facade, demo *embeddedEmulator) {
	grpcAddr, httpAddr := dialable(f.grpcLis.Addr()), dialable(f.httpLis.Addr())
	fmt.Fprintf(w, "pigello-facade %s\n  gRPC:  %s\n  HTTP:  http://%s (REST under /v1, API docs at /docs, /healthz, /readyz, /metrics)\n", version, grpcAddr, httpAddr)
	if demo == nil {
		fmt.Fprintf(w, "  Pigello: %s\n", cfg.PigelloBaseURL)
		return
	}
	fmt.Fprintf(w, "  Pigello: embedded emulator at %s, answering list/ with %s (--emulator-list-envelope)\n\nDemo work engagements:\n",
		demo.url, describeEnvelope(demo.envelope))
	for _, id := range demo.ids {
		fmt.Fprintf(w, "  %s\n", id)
	}
	if len(demo.ids) == 0 {
		return
	}
	id, g := demo.ids[0], cfg.GRPCurlCommand
	fmt.Fprintf(w, `
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

`, g, grpcAddr, id, httpAddr)
}

// describeEnvelope names the shape of the emulator's list/ answers.
func describeEnvelope(e emulator.ListEnvelope) string {
	if e == emulator.ListPaginated {
		return "the paginated object"
	}
	return "a bare array"
}

// dialable turns a listen address such as [::]:9090 into one a client on the
// same machine can use.
func dialable(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return a.String()
	}
	return fmt.Sprintf("localhost:%d", tcp.Port)
}
